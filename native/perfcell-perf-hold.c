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
 *
 * Without PERFCELL_PERF_HOLD (a group's perfs over perfcell's own process, perfcell-exec.c), main()
 * is perf's at once, with LD_PRELOAD put back as above.
 *
 * The nudge: SIGURG makes perf print its interval now rather than at its next tick. perf stat -I
 * waits for its next tick in poll(), and prints an interval whenever poll() returns no event (a
 * timeout, or EINTR); in perf 6.1 a `disable` prints nothing, so a window's last counts came only
 * with the next tick (a REPL line waited 1.2 ms for it at perf's 2 ms tick: BENCHMARKS.md, Pace notes,
 * 2026-12-06 07:30). SIGURG is ignored by default, so a perf that ignores LD_PRELOAD ignores the
 * nudge too and prints at its tick, as before. The handler only notes the nudge (SA_RESTART: no
 * other call of perf's fails for it): the poll() below returns 0 at once where one is noted, and a
 * poll() that the signal ended with EINTR is that nudge. PERFCELL_PERF_NUDGE=0: no handler.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "request-fields.h"

typedef int (*main_function)(int, char **, char **);
typedef int (*start_function)(main_function, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);

static main_function perf_main;

static volatile sig_atomic_t nudged;

static void note_nudge(int signo) {
  (void)signo;
  nudged = 1;
}

__attribute__((constructor)) static void listen_for_nudges(void) {
  const char *off = getenv("PERFCELL_PERF_NUDGE");
  if (off != NULL && strcmp(off, "0") == 0) return;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = note_nudge;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGURG, &action, NULL);
}

typedef int (*poll_function)(struct pollfd *, nfds_t, int);

/* perf's poll(): returns at once, as a timeout, where a nudge came since the last one. */
int poll(struct pollfd *fds, nfds_t count, int timeout_ms) {
  static poll_function real_poll;
  if (nudged) {
    nudged = 0;
    return 0;
  }
  if (real_poll == NULL) real_poll = (poll_function)dlsym(RTLD_NEXT, "poll");
  if (real_poll == NULL) {
    errno = ENOSYS;
    return -1;
  }
  int result = real_poll(fds, count, timeout_ms);
  /* ended by the nudge itself: perf prints its interval for this EINTR, and the next poll() waits */
  if (result < 0 && errno == EINTR) nudged = 0;
  return result;
}

/* LD_PRELOAD as it was before the launcher put this library in it (PERFCELL_PERF_HOLD_PRELOAD; none
   where that is unset or empty): nothing perf starts loads the library. */
static void restore_preload(void) {
  const char *preload = getenv("PERFCELL_PERF_HOLD_PRELOAD");
  if (preload != NULL && *preload != '\0') setenv("LD_PRELOAD", preload, 1);
  else unsetenv("LD_PRELOAD");
  unsetenv("PERFCELL_PERF_HOLD_PRELOAD");
}

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
  (void)envp; /* perf reads environ, which setenv() may move */
  const char *hold = getenv("PERFCELL_PERF_HOLD");
  if (hold == NULL) {
    restore_preload();
    return perf_main(argc, argv, environ);
  }
  int requests = atoi(hold);
  const char *comma = strchr(hold, ',');
  int report = comma == NULL ? -1 : atoi(comma + 1);
  /* ",clear": perf outlives its parent once running (run's gate ends it itself) */
  int clear_death_signal = comma != NULL && strstr(comma + 1, ",clear") != NULL;
  unsetenv("PERFCELL_PERF_HOLD");
  restore_preload();
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
