/*
 * What perfcell's two exec gates share (perfcell-exec.c: one program; perfcell-serve.c: compare's
 * runs): the stop signals a gate ignores and its program gets back, the signal handler that wakes
 * the gate's poll() (SIGCHLD; SIGUSR1 from PR_SET_PDEATHSIG: perfcell died), the report's number
 * formats and end-of-program line, what a held child does before its release so that nothing after
 * it faults a page, and (request-fields.h) how a request is read.
 * Each function is static: each gate is one file compiled on its own (with `cc -O2`, or at run time
 * into the cache folder where no build is there). Included after _GNU_SOURCE (strchrnul).
 */
#ifndef PERFCELL_GATE_COMMON_H
#define PERFCELL_GATE_COMMON_H

#include "request-fields.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int stop_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE};

/* The signals perfcell was started with ignored (`nohup`: SIGHUP; a script's `cmd &`: SIGINT and
   SIGQUIT), as the bin's launcher read them before Node set them back to their defaults
   (PERFCELL_SIGIGN: /proc/self/status's SigIgn in hex; src/session/ignored-signals.ts). The program
   gets those of stop_signals ignored, as it would have without perfcell: `nohup perfcell run --
   ./bench` outlives the logout. Read first thing in main(), the variable then dropped so that the
   program does not see it. */
static unsigned long long inherited_ignored = 0;

static void take_inherited_ignored(void) {
  const char *mask = getenv("PERFCELL_SIGIGN");
  if (mask != NULL) inherited_ignored = strtoull(mask, NULL, 16);
  unsetenv("PERFCELL_SIGIGN");
}

/* The program's stop signals: their defaults, or ignored where perfcell was started with them
   ignored. System calls only (the serve's held child may run in the forker's memory). */
static void program_stop_signals(void) {
  for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
    int sig = stop_signals[i];
    signal(sig, (inherited_ignored >> (sig - 1)) & 1u ? SIG_IGN : SIG_DFL);
  }
}

static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t parent_died = 0;

static void on_signal(int sig) {
  int saved = errno;
  if (sig == SIGUSR1) parent_died = 1;
  char byte = (char)sig;
  if (write(wake_pipe[1], &byte, 1) < 0) { /* the pipe is full: a wake-up is already pending */ }
  errno = saved;
}

/* The stop signal (SIGINT, SIGTERM, SIGHUP) this gate got, 0 for none: its end report says it
   ("stopSignal"). A Ctrl-C reaches perfcell, the gate and the program at once; a program that
   catches it and exits at once can be reaped and reported before perfcell's own handler has run
   (on a loaded machine the thread that took the signal may not have run yet, and nothing is pending
   any more). The kernel sets the signal pending here before the program can exit (the group is
   signalled under the lock its exit takes), and it is handled before the gate's wait returns: the
   report is sure, and perfcell waits for its own. SA_RESTART: no call of the gate's is cut short. */
static volatile sig_atomic_t stop_signal_seen = 0;

static void note_stop_signal(int sig) { stop_signal_seen = sig; }

static void note_stop_signals(void) {
  static const int noted[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = note_stop_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  /* one perfcell was started with ignored stays ignored: no stop of perfcell's (ignored-signals.ts) */
  for (size_t i = 0; i < sizeof noted / sizeof noted[0]; i++) {
    if (((inherited_ignored >> (noted[i] - 1)) & 1u) == 0) sigaction(noted[i], &action, NULL);
  }
}

/* SIGCHLD and SIGUSR1 wake the gate's poll(); SIGUSR1 comes from PR_SET_PDEATHSIG when perfcell (its
   parent, `parent` before this call) dies, and a parent already gone sets parent_died at once. */
static void watch_children_and_parent(pid_t parent) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGCHLD, &action, NULL);
  sigaction(SIGUSR1, &action, NULL);
  prctl(PR_SET_PDEATHSIG, SIGUSR1);
  if (getppid() != parent) parent_died = 1; /* it died before the request took effect */
}

/* Node may have made a shared stdio pipe non-blocking (O_NONBLOCK lives on the open file, which the
   program shares): a program expects blocking stdio, or `seq … | head` fails with EAGAIN. */
static void make_stdio_blocking(void) {
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0 && (flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
}

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }
static long long nanos(struct timespec ts) { return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec; }

/* The line a gate writes once the program has ended (ReaperResult in src/session/run-program.ts):
   whether it was released, how it ended, its release-to-reap wall clock (start, end), wait4()'s
   CPU seconds and ru_maxrss, exec's errno; `extra` is one more `"key":value` of the gate's own. */
static void print_end_report(FILE *out, int released, int status, struct timespec start, struct timespec end,
                             const struct rusage *usage, int exec_errno, const char *extra) {
  fprintf(out,
          "{\"released\":%s,\"exited\":%s,\"exitCode\":%d,\"signal\":%d,\"startNs\":%lld,\"endNs\":%lld,"
          "\"userS\":%.6f,\"systemS\":%.6f,\"maxRssKiB\":%ld,\"execErrno\":%d,\"execError\":\"%s\",%s}\n",
          released ? "true" : "false", WIFEXITED(status) ? "true" : "false",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
          nanos(start), nanos(end), seconds(usage->ru_utime), seconds(usage->ru_stime), usage->ru_maxrss,
          exec_errno, exec_errno ? strerror(exec_errno) : "", extra);
  fflush(out);
}

/* Writes to (and so copies on write) the stack pages the child uses after its release. */
static __attribute__((noinline)) void touch_stack(void) {
  volatile char pages[64 * 1024];
  for (size_t i = 0; i < sizeof pages; i += 512) pages[i] = 0;
}

/* What execvp would run: the first PATH candidate that is an executable regular file, found now so
   that execvp's failed attempts (each a write to errno) happen before counting starts. */
static const char *resolve(const char *name, char *buffer, size_t size) {
  if (strchr(name, '/') != NULL) return name;
  const char *path = getenv("PATH");
  if (path == NULL) path = "/usr/local/bin:/bin:/usr/bin";
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    int length = (int)(end - p);
    if (snprintf(buffer, size, "%.*s%s%s", length, p, length == 0 ? "" : "/", name) < (int)size && access(buffer, X_OK) == 0) return buffer;
    if (*end == '\0') break;
    p = end;
  }
  return name; /* not found: execvp reports the error as it would */
}

#endif
