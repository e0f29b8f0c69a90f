/*
 * Where each tool's clock starts, against the program's first instruction (first-instruction.c):
 * hyperfine reads its clock, then spawns (Rust's Command::spawn: posix_spawn, a vfork and the exec);
 * perfcell's gate forks the program's process ahead, holds it, and the held child reads the clock
 * once released, right before its exec (native/perfcell-serve.c, perfcell-exec.c). Both ways, one
 * after the other, RUNS times; medians and p10 / p90 in µs. The difference is what a mean of
 * hyperfine's holds that perfcell's does not (BENCHMARKS.md, Pace notes, 2026-12-05 09:45).
 *
 *   cc -O2 -static -nostdlib -fno-stack-protector -o /tmp/first-instruction scripts/lib/first-instruction.c
 *   cc -O2 -o /tmp/spawn-clock scripts/lib/spawn-clock.c && /tmp/spawn-clock 101 /tmp/first-instruction
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The program's first-instruction stamp from the pipe, and the child reaped. */
static long long stamp_of(int from, pid_t child) {
  long long stamp = 0;
  if (read(from, &stamp, sizeof stamp) != sizeof stamp) stamp = 0;
  close(from);
  waitpid(child, NULL, 0);
  return stamp;
}

/* hyperfine's way: the clock, then posix_spawn. */
static double spawned_us(char *program) {
  int out[2];
  if (pipe(out) != 0) exit(2);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  char *argv[] = {program, NULL};
  long long start = now_ns();
  pid_t child;
  if (posix_spawn(&child, program, &actions, NULL, argv, environ) != 0) exit(2);
  close(out[1]);
  posix_spawn_file_actions_destroy(&actions);
  return (stamp_of(out[0], child) - start) / 1e3;
}

/* perfcell's way: a child forked and held on a futex; released, it reads the clock and execs. */
static double held_us(char *program) {
  int out[2];
  if (pipe(out) != 0) exit(2);
  volatile int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) exit(2);
  volatile long long *start = (volatile long long *)(shared + 16);
  char *argv[] = {program, NULL};
  pid_t child = fork();
  if (child == 0) {
    dup2(out[1], 1);
    while (!__atomic_load_n(shared, __ATOMIC_ACQUIRE)) syscall(SYS_futex, shared, FUTEX_WAIT, 0, NULL, NULL, 0);
    *start = now_ns();
    execve(program, argv, environ);
    _exit(127);
  }
  close(out[1]);
  usleep(2000); /* held: parked on the futex by now */
  __atomic_store_n(shared, 1, __ATOMIC_RELEASE);
  syscall(SYS_futex, shared, FUTEX_WAKE, 1, NULL, NULL, 0);
  long long stamp = stamp_of(out[0], child);
  double us = (stamp - *start) / 1e3;
  munmap((void *)shared, 4096);
  return us;
}

int main(int argc, char **argv) {
  int runs = argc > 2 ? atoi(argv[1]) : 0;
  if (runs < 1 || runs > 1000) {
    fprintf(stderr, "usage: spawn-clock RUNS PROGRAM (RUNS 1..1000; PROGRAM: first-instruction)\n");
    return 2;
  }
  double spawned[1000], held[1000];
  for (int i = 0; i < runs; i++) {
    spawned[i] = spawned_us(argv[2]);
    held[i] = held_us(argv[2]);
  }
  qsort(spawned, runs, sizeof *spawned, by_value);
  qsort(held, runs, sizeof *held, by_value);
  printf("clock start to the program's first instruction, %d runs each (µs, median, p10 / p90):\n", runs);
  printf("  clock, then posix_spawn (hyperfine)        %7.1f  (%.1f / %.1f)\n", spawned[runs / 2], spawned[runs / 10], spawned[runs * 9 / 10]);
  printf("  held child, clock after release (perfcell) %7.1f  (%.1f / %.1f)\n", held[runs / 2], held[runs / 10], held[runs * 9 / 10]);
  return 0;
}
