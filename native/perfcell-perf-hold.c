/*
 * perfcell-perf-hold: a library that perfcell's launchers load into perf with LD_PRELOAD, so that
 * perf can start before perfcell knows its arguments: `run`'s gate (perfcell-exec.c, the "-" form)
 * and the launcher of a cell file's single perf (--perf-group-early).
 *
 * perf's start-up is mostly the dynamic loader's: Debian's perf links 28 libraries (libpython,
 * libperl, libbabeltrace, ...), and here spawn to main() took 22.4 ms of the 33.4 ms that
 * `perf stat -e page-faults -- true` takes (scripts/lib/perf-start.mjs; BENCHMARKS.md, Pace notes,
 * 2026-12-05 18:10). So the launcher execs perf as soon as it starts, while Node still loads
 * perfcell, and this library holds perf at main() until perfcell sends perf's argv.
 *
 * With PERFCELL_PERF_HOLD="REQUESTS,REPORT[,clear]" (two fds) in the environment, main() is held:
 * the library writes int -1 ("held") on REPORT, reads perf's argv on REQUESTS ("LEN\n" and LEN
 * bytes of NUL-ended fields, as the gates send them), puts the environment back (LD_PRELOAD as it
 * was, from PERFCELL_PERF_HOLD_PRELOAD), with ",clear" drops the parent-death signal its launcher
 * set (run's gate ends perf with SIGKILL where perfcell dies, as for a perf exec'd late; a group's
 * perfs keep theirs), writes the argv over the command line /proc shows, closes both fds and
 * calls main(). perf was exec'd as `perf --version PADDING`: what a perf that ignores LD_PRELOAD
 * runs (it prints its version and exits, and its launcher starts perf the old way), and room for
 * the real command line. At end of file (no perf wanted) it exits 0. An argv[0] other than the one
 * perf was exec'd as is exec'd instead (its errno on REPORT where that fails). The variable is
 * unset first thing, so nothing perf starts is held.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "request-fields.h"

typedef int (*main_function)(int, char **, char **);
typedef int (*start_function)(main_function, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);

static main_function perf_main;

/* Writes `argv` over the command line perf was exec'd with (whole arguments, as many as fit; NULs after). */
static void show_argv(int old_argc, char **old_argv, char **argv) {
  char *area = old_argv[0];
  char *end = old_argv[old_argc - 1] + strlen(old_argv[old_argc - 1]) + 1;
  char *at = area;
  for (char **arg = argv; *arg != NULL; arg++) {
    size_t size = strlen(*arg) + 1;
    if (at + size > end) break;
    memcpy(at, *arg, size);
    at += size;
  }
  memset(at, 0, (size_t)(end - at));
}

static int held_main(int argc, char **argv, char **envp) {
  const char *hold = getenv("PERFCELL_PERF_HOLD");
  if (hold == NULL) return perf_main(argc, argv, envp);
  int requests = atoi(hold);
  const char *comma = strchr(hold, ',');
  int report = comma == NULL ? -1 : atoi(comma + 1);
  /* ",clear": perf outlives its parent once running (run's gate ends it itself) */
  int clear_death_signal = comma != NULL && strstr(comma + 1, ",clear") != NULL;
  unsetenv("PERFCELL_PERF_HOLD");
  const char *preload = getenv("PERFCELL_PERF_HOLD_PRELOAD");
  if (preload != NULL && *preload != '\0') setenv("LD_PRELOAD", preload, 1);
  else unsetenv("LD_PRELOAD");
  unsetenv("PERFCELL_PERF_HOLD_PRELOAD");
  if (report < 0) return perf_main(argc, argv, environ);
  int held = -1;
  if (write(report, &held, sizeof held) != (ssize_t)sizeof held) _exit(0);
  /* perf's argv: "LEN\n", then LEN bytes of NUL-ended fields, as the gates send it; NULL at EOF */
  char **new_argv = read_fields(requests, "", 1u << 20, -1);
  if (new_argv == NULL || new_argv[0] == NULL) _exit(0); /* no perf wanted */
  int new_argc = 0;
  while (new_argv[new_argc] != NULL) new_argc++;
  close(requests);
  if (clear_death_signal) prctl(PR_SET_PDEATHSIG, 0);
  if (strcmp(new_argv[0], argv[0]) != 0) {
    /* another perf than the one exec'd: that one, PATH searched */
    fcntl(report, F_SETFD, FD_CLOEXEC);
    execvp(new_argv[0], new_argv);
    int error = errno;
    if (write(report, &error, sizeof error) < 0) { /* the gate then reports perf as started */ }
    _exit(127);
  }
  close(report); /* EOF: perf runs */
  show_argv(argc, argv, new_argv);
  return perf_main(new_argc, new_argv, environ);
}

/* glibc calls main() from here: this one calls held_main() instead. */
int __libc_start_main(main_function main, int argc, char **argv, void (*init)(void), void (*fini)(void), void (*rtld_fini)(void), void *stack_end) {
  start_function start = (start_function)dlsym(RTLD_NEXT, "__libc_start_main");
  if (start == NULL) _exit(127);
  perf_main = main;
  return start(held_main, argc, argv, init, fini, rtld_fini, stack_end);
}
