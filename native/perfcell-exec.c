/*
 * perfcell-exec: the exec gate and reaper behind `perfcell run`.
 *
 *   perfcell-exec GATE_FD REPORT_FD COMMAND [ARG...]
 *
 * Forks the child that will become COMMAND and holds it before exec until a byte arrives on
 * GATE_FD, so perf can be attached to the child's pid and enabled first: counting starts at exec,
 * not at perfcell's start-up. On REPORT_FD it writes "pid N\n" once the child exists, then one
 * JSON line when the child has ended, from wait4(): exit status, user/system CPU seconds, and
 * ru_maxrss, the peak RSS of the child (and of its largest waited-for descendant), which Node
 * cannot get for a child. The wall clock runs from the gate's release to wait4's return, on
 * CLOCK_MONOTONIC, so neither perfcell's nor perf's start-up is in it.
 *
 * EOF on GATE_FD (perfcell died before releasing the gate) ends the child without running COMMAND.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
  struct timespec start;
  int exec_errno;
  int released;
};

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }
static long long nanos(struct timespec ts) { return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec; }

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: perfcell-exec GATE_FD REPORT_FD COMMAND [ARG...]\n");
    return 2;
  }
  int gate = atoi(argv[1]);
  int report = atoi(argv[2]);
  FILE *out = fdopen(report, "w");
  if (out == NULL) return 2;

  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return 2;
  memset(sh, 0, sizeof *sh);

  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    fclose(out);
    char byte;
    ssize_t n;
    do n = read(gate, &byte, 1); while (n < 0 && errno == EINTR);
    if (n != 1) _exit(125); /* perfcell went away before the start: run nothing */
    close(gate);
    sh->released = 1;
    clock_gettime(CLOCK_MONOTONIC, &sh->start);
    execvp(argv[3], argv + 3);
    sh->exec_errno = errno;
    _exit(errno == ENOENT ? 127 : 126);
  }

  /* The reaper outlives the child's signals (Ctrl-C reaches the whole foreground group) so it can
     always report how the child ended; the child keeps default dispositions. */
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  close(gate);
  fprintf(out, "pid %d\n", (int)child);
  fflush(out);

  int status = 0;
  struct rusage usage;
  pid_t got;
  do got = wait4(child, &status, 0, &usage); while (got < 0 && errno == EINTR);
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (got < 0) return 2;

  fprintf(out,
          "{\"released\":%s,\"exited\":%s,\"exitCode\":%d,\"signal\":%d,\"startNs\":%lld,\"endNs\":%lld,"
          "\"userS\":%.6f,\"systemS\":%.6f,\"maxRssKiB\":%ld,\"execErrno\":%d,\"execError\":\"%s\"}\n",
          sh->released ? "true" : "false", WIFEXITED(status) ? "true" : "false",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
          nanos(sh->start), nanos(end), seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss,
          sh->exec_errno, sh->exec_errno ? strerror(sh->exec_errno) : "");
  fflush(out);
  return 0;
}
