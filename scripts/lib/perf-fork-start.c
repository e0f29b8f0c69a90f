/*
 * What a perf forked from a perf already loaded would take (a "zygote": not built), against perf
 * exec'd: a library loaded into perf with LD_PRELOAD takes over its main() and, RUNS times, forks
 * a child that calls perf's own main() as `perf stat -x , -e page-faults -- true` (its stderr on
 * /dev/null), timing fork to reap; the median and each run in ms on stdout. perf's loading (the 28
 * libraries of Debian's perf) is done once, before the first fork. Compare with the same command
 * exec'd (`hyperfine -N 'perf stat -x, -e page-faults -- true'`): the difference is what each of
 * `run -r`'s later runs waits for while its held perf loads (BENCHMARKS.md, Pace notes, 2026-12-05 19:40).
 *
 *   cc -O2 -shared -fPIC -o /tmp/perf-fork-start.so scripts/lib/perf-fork-start.c -ldl
 *   PERF_FORK_RUNS=15 LD_PRELOAD=/tmp/perf-fork-start.so perf --version
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef int (*main_function)(int, char **, char **);
typedef int (*start_function)(main_function, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);

static main_function perf_main;

static double now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int forking_main(int argc, char **argv, char **envp) {
  (void)argc;
  (void)argv;
  unsetenv("LD_PRELOAD");
  char *args[] = {"perf", "stat", "-x", ",", "-e", "page-faults", "--", "true", NULL};
  const char *wanted = getenv("PERF_FORK_RUNS");
  int runs = wanted != NULL && atoi(wanted) > 0 ? atoi(wanted) : 15;
  if (runs > 1000) runs = 1000;
  static double taken_ms[1000];
  for (int i = 0; i < runs; i++) {
    double start_ms = now_ms();
    pid_t child = fork();
    if (child == 0) {
      int null_fd = open("/dev/null", O_WRONLY);
      if (null_fd >= 0) dup2(null_fd, 2);
      _exit(perf_main(8, args, envp));
    }
    if (child < 0) return 1;
    waitpid(child, NULL, 0);
    taken_ms[i] = now_ms() - start_ms;
    printf("run %d: %.2f ms\n", i + 1, taken_ms[i]);
  }
  qsort(taken_ms, (size_t)runs, sizeof taken_ms[0], by_value);
  printf("median %.2f ms (%d runs of a forked perf stat -e page-faults -- true)\n", runs % 2 ? taken_ms[runs / 2] : (taken_ms[runs / 2 - 1] + taken_ms[runs / 2]) / 2, runs);
  return 0;
}

int __libc_start_main(main_function main, int argc, char **argv, void (*init)(void), void (*fini)(void), void (*rtld_fini)(void), void *stack_end) {
  perf_main = main;
  start_function next = (start_function)dlsym(RTLD_NEXT, "__libc_start_main");
  return next(forking_main, argc, argv, init, fini, rtld_fini, stack_end);
}
