/*
 * perfcell-exec: the exec gate and reaper behind `perfcell run`.
 *
 *   perfcell-exec GATE_FD REPORT_FD COMMAND [ARG...]
 *   perfcell-exec GATE_FD REPORT_FD - [no-early-perf]
 *   perfcell-exec --die-with PID COMMAND [ARG...]
 *   perfcell-exec --die-with-plain PID COMMAND [ARG...]
 *   perfcell-exec --perf-group PID TICKS PERF [ARG...]
 *   perfcell-exec --perf-group-early PID
 *   perfcell-exec --preload-plan PERF
 *
 * "--die-with PID": becomes COMMAND (PATH searched, as Node's spawn does; a perf that can take it
 * with perfcell-perf-hold in LD_PRELOAD, for its nudge, as in --perf-group) with PR_SET_PDEATHSIG
 * SIGKILL, so that the kernel kills it when its parent, PID, dies: how perfcell spawns the perfs
 * that count perfcell itself (cells, the REPL, the kernel). perf ends when its --pid target has
 * gone, but a perfcell killed by a signal stays a zombie until its parent reaps it, and perf takes a
 * zombie for alive (it stats /proc/PID); such a perf would go on ticking into its file. PID is
 * checked after the prctl: a parent that died before it leaves nothing to run. (The kernel clears
 * the setting for a COMMAND with file capabilities, e.g. a perf given cap_perfmon by setcap.) Where COMMAND
 * cannot be executed: "perfcell-exec: COMMAND: not found" (or the error) on stderr, exit 127 (126).
 *
 * "--die-with-plain PID COMMAND [ARG...]": the same for a program that is not perf, exec'd as it
 * is (no library in its LD_PRELOAD): valgrind under --backend cachegrind, which is the program's
 * process, so a perfcell killed with SIGKILL took neither it nor the program down.
 *
 * "--perf-group PID TICKS PERF [ARG...]": starts the long-lived perfs that share the windows over
 * PID (perfcell's own process: cells) at once, or the one perf of a REPL line or notebook cell (a
 * group of one: its watchdog is what it needs), one per tick of TICKS ("4,5,6,7": "{tick}" in the
 * arguments stands for it). perf counts with inherit: a process PID forks after a perf has opened
 * its counters carries copies of them, so a perf of the group that perfcell spawned after another
 * one had started counted, in each of that one's windows, its own ticks. Forked here, by a process
 * that PID forked before any of them started, none carries another's. Member i's stderr, control
 * and ack are this process's fds 3+3i, 4+3i and 5+3i (perfcell's output file and socket pairs);
 * each perf runs in a session of its own with LC_ALL=C and PR_SET_PDEATHSIG SIGKILL, and this
 * process dies with PID, its parent, killing each member's process group first (SIGUSR1 at its
 * death, kill_member_groups): none outlives perfcell. Where perf can take it (plan_preloaded_perf),
 * each runs with perfcell-perf-hold in LD_PRELOAD, not held: its nudge (SIGURG) has perf print its
 * interval at once (PERFCELL_PERF_NUDGE=0: not loaded). On stdout: "perf I PID" once member I
 * has exec'd, or "perferr I ERRNO", and "exit I" once it has ended; this process ends after the last.
 * The members follow perfcell through a job-control stop (Ctrl-Z), which their sessions of their own
 * do not get: looked for every 200 ms, they are stopped while perfcell is (follow_stop).
 * It is also the members' watchdog: perfcell waits for some of their acks in a blocking read (a
 * cell's window switched from inside the cell, where no turn of its event loop may run). Its stdin
 * is then a file of one 8-byte slot per member: while perfcell waits for member I's ack, slot I
 * holds when the wait began (CLOCK_MONOTONIC ns, little-endian), else 0. Read every 200 ms, a
 * member that has kept perfcell waiting longer than PERFCELL_ACK_TIMEOUT_MS (5000) is killed, which
 * ends perfcell's read (end of file): a hung perf cannot hang perfcell. A file, not a pipe: a wait
 * costs perfcell two writes and wakes nobody.
 *
 * "--perf-group-early PID": a group of one started before perfcell knows perf's arguments (a cell
 * file's single perf), perf exec'd at once and held at main(); its request comes on fd 6
 * (early_perf_group).
 *
 * "--preload-plan PERF": whether the forms above can put perfcell-perf-hold in PERF's LD_PRELOAD
 * (for perfcell doctor): "preload FILE" (and "via ubuntu-wrapper"), or "none REASON".
 *
 * With "-" the gate starts before perfcell knows the command (`perfcell run` spawns it first thing):
 * it forks a perf launcher (launcher_main) and the held child at once, and writes "ready PID", the
 * child's pid, so that perfcell moves the child (alone: not the gate, not the launcher) into the
 * run's memory cgroup while perfcell itself still loads (on cgroup v1 a move waits out an RCU grace
 * period). Then it waits for one request "cmd LEN\n" and LEN bytes of NUL-ended fields:
 * "stdout=stderr" (the child's stdout goes to fd 2), "gc" (the child keeps fd 5, the Node GC
 * preload's channel; otherwise it is closed), "env=NAME=VALUE" (set for the child), "perf=ARG"
 * (below), then "--" and the command's argv. The held child reads the same request from a pipe of
 * its own. EOF before the request (perfcell stopped) ends the gate quietly, and the held child
 * with it, unreleased.
 *
 * "- no-early-perf" is the same without an early perf (perfcell's command line says --no-perf).
 * Otherwise, where it can (plan_early_perf), the launcher execs perf at once, held at main() by
 * perfcell-perf-hold (LD_PRELOAD, a file next to this gate) until the request brings its argv: most
 * of perf's start-up is the dynamic loader's, and it then overlaps perfcell's own. A perf that did
 * not hold is reaped and started the old way, by a launcher forked then.
 *
 * With "perf=ARG" fields (perf's argv, "{pid}" standing for the child's pid) the launcher becomes
 * perf on the held child, a fork of a small process where perfcell's would copy Node's page tables:
 * perf's stderr, control and ack fds are the gate's fds 6, 7 and 8 (pipes from perfcell), it runs in
 * a session of its own (Ctrl-C reaches the program, not perf) with LC_ALL=C, and the pid line says
 * "pid N perf M", or "pid N perferr ERRNO" where perf could not be executed. Without them the
 * launcher exits unused.
 *
 * Forks the child that will become COMMAND and holds it before exec until perfcell releases it,
 * so perf can be attached to the child's pid and enabled first: counting starts at exec, not at
 * perfcell's start-up. On REPORT_FD it writes "pid N\n" once the child exists, then one JSON line
 * when the child has ended, from wait4(): exit status, user/system CPU seconds (less what the child
 * had used before its release: the program's own, over the same span as the wall clock), and ru_maxrss, the
 * peak RSS of the child (and of its largest waited-for descendant), which Node cannot get for a
 * child. The kernel keeps, as that ru_maxrss, the larger of the held child's peak before its exec and
 * the program's own: built static (native/compile-flags.json), a held child holds some 0.5 MB, below
 * a small program's own peak, where a dynamically linked gate's had touched 1.3 MB (ld.so, libc)
 * by its release and `true` (0.9-1.1 MB forked by /usr/bin/time) read 1.1-1.4 MiB.
 * The wall clock runs from the gate's release to the moment its end is seen (waitid), on CLOCK_MONOTONIC, so
 * neither perfcell's nor perf's start-up is in it.
 *
 * GATE_FD carries perfcell's requests, one line each: "perf N" (the perf counting the child: ended
 * with the child if perfcell dies) and "go" (release the child). perfcell keeps GATE_FD open while
 * the child runs, as a lifeline: EOF on it, or SIGUSR1 from PR_SET_PDEATHSIG, means perfcell died
 * (SIGKILL, a crash). Then a held child exits without running COMMAND, and a running one gets
 * SIGTERM (SIGKILL 1 s later) and perf SIGKILL, so nothing outlives perfcell under pid 1.
 *
 * Page faults are counted from exec, as perf stat counts them: everything the child touches between
 * the release and execve (its stack, errno, the shared page, the vDSO, PATH's failed candidates) is
 * touched or resolved before perf is enabled, so the gate adds no fault of its own to the count:
 * perf is started on the child only once it says, on a pipe of its own, that it has done so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "gate-common.h"

struct shared {
  struct timespec start;
  int exec_errno;
  int released;
  /* The held child's own CPU at its release: its fork, its PATH search and its wait are not the
     program's, and wait4 counts them (some 2 ms here: `true` read 4-5 ms of CPU in 2.4 ms). */
  struct rusage before;
};

/* `after` - `before`, never below zero. */
static struct timeval since(struct timeval after, struct timeval before) {
  long long micros = (after.tv_sec - before.tv_sec) * 1000000LL + (after.tv_usec - before.tv_usec);
  if (micros < 0) micros = 0;
  return (struct timeval){.tv_sec = (time_t)(micros / 1000000), .tv_usec = (suseconds_t)(micros % 1000000)};
}

/* The start of /proc/PID/NAME as text (NUL-terminated, at most size - 1 bytes): its length, or -1. */
static ssize_t read_proc_text(pid_t pid, const char *name, char *text, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, text, size - 1);
  close(fd);
  text[n > 0 ? n : 0] = '\0';
  return n;
}

/* Whether a process waits in poll()/ppoll() now, from /proc/PID/syscall (perf stat between ticks):
   1 yes, 0 no (running, or in another call), -1 cannot be told (gone, or no such file here). */
static int perf_in_poll(pid_t pid) {
  char text[32];
  if (read_proc_text(pid, "syscall", text, sizeof text) <= 0) return -1;
  if (text[0] < '0' || text[0] > '9') return strncmp(text, "running", 7) == 0 ? 0 : -1;
  long number = strtol(text, NULL, 10);
#ifdef SYS_poll
  if (number == SYS_poll) return 1;
#endif
  return number == SYS_ppoll;
}

/* How long the ended program's perf may take to get back into poll() before the gate gives up on
   signalling it (a perf stopped, or starved of CPU). */
#define PERF_BACK_IN_POLL_NS 1000000000LL

/* Waits until perf is back in poll(), while the ended program is still an unreaped zombie: 1 once
   it is, 0 where it is not within PERF_BACK_IN_POLL_NS or cannot be told. perf stat -I reads its
   counters at a tick before it prints them, and the program may end in between (perf preempted
   while it prints, on a loaded machine). A SIGINT that lands then, or the program's reaping before
   perf looks for its target again, ends perf without another read: the counts from that tick's
   read to the program's end were lost (seen: 2,100-2,290 of 2,614 page-faults, perf's writes slowed
   under strace). Seen in poll() after the end, perf reads again whatever comes: at its next tick,
   or at the SIGINT. */
/* The process that is perf in the session `perf` leads: `perf` itself where it is perf (perf,
   perf_6.1), else the first child named perf of a wrapper that runs perf as its child (`#!/bin/sh`
   then `/usr/bin/perf "$@"`), a few levels down; `perf` where there is none. */
static pid_t perf_in_session(pid_t perf) {
  for (int depth = 0; depth < 4; depth++) {
    char comm[32], children[256], path[64];
    if (read_proc_text(perf, "comm", comm, sizeof comm) < 0 || strncmp(comm, "perf", 4) == 0) return perf;
    snprintf(path, sizeof path, "task/%d/children", (int)perf);
    if (read_proc_text(perf, path, children, sizeof children) <= 0) return perf;
    pid_t child = (pid_t)atol(children);
    if (child <= 0) return perf;
    perf = child;
  }
  return perf;
}

static int await_perf_in_poll(pid_t session) {
  /* only perf itself (perf, perf_6.1): a wrapper that did not exec waits in its own calls, never in
     perf's poll(), and would hold every report for the whole bound */
  char comm[32];
  pid_t perf = perf_in_session(session);
  if (read_proc_text(perf, "comm", comm, sizeof comm) < 0) return 0;
  if (strncmp(comm, "perf", 4) != 0) return perf_in_poll(perf) == 1;
  struct timespec from, now, pause = {0, 50000};
  clock_gettime(CLOCK_MONOTONIC, &from);
  for (;;) {
    int state = perf_in_poll(perf);
    if (state != 0) return state == 1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (nanos(now) - nanos(from) > PERF_BACK_IN_POLL_NS) return 0;
    nanosleep(&pause, NULL);
  }
}

/* The late command ("-" mode): an argv laid out as the other form's (the command from index 3, after
   the gate's own three words), or NULL when perfcell went away first. The held child reads the same
   request, which the gate forwards to it (`forward`: it was forked before the request came). */
static char **read_command(char **own, int gate, int *stdout_to_stderr, int *keep_gc_fd, char ***perf_argv, int forward) {
  char **fields = read_fields(gate, "cmd ", 1u << 24, forward);
  if (fields == NULL) return NULL;
  size_t total = 0;
  while (fields[total] != NULL) total++;
  char **command = calloc(total + 4, sizeof *command);
  char **perf = calloc(total + 1, sizeof *perf);
  if (command == NULL || perf == NULL) return NULL;
  size_t count = 3;
  memcpy(command, own, 3 * sizeof *command);
  size_t perf_count = 0;
  int in_command = 0;
  for (char **at = fields; *at != NULL; at++) {
    char *field = *at;
    if (in_command) command[count++] = field;
    else if (strcmp(field, "--") == 0) in_command = 1;
    else if (strcmp(field, "stdout=stderr") == 0) *stdout_to_stderr = 1;
    else if (strcmp(field, "gc") == 0) *keep_gc_fd = 1;
    else if (strncmp(field, "env=", 4) == 0) putenv(field + 4);
    else if (strncmp(field, "perf=", 5) == 0) perf[perf_count++] = field + 5;
  }
  command[count] = NULL;
  perf[perf_count] = NULL;
  *perf_argv = perf_count > 0 ? perf : NULL;
  return count > 3 ? command : NULL;
}

/* Closes every fd from `from` on but `keep`: two close_range() calls (Linux 5.9), else one close()
   each below 1024, which took 1.2 ms on this VM, on the way from the request to perf's exec. */
static void close_fds_from(int from, int keep) {
#ifdef SYS_close_range
  int ok;
  if (keep < from) ok = syscall(SYS_close_range, (unsigned)from, ~0U, 0U) == 0;
  else ok = (keep == from || syscall(SYS_close_range, (unsigned)from, (unsigned)(keep - 1), 0U) == 0) &&
            syscall(SYS_close_range, (unsigned)(keep + 1), ~0U, 0U) == 0;
  if (ok) return;
#endif
  for (int fd = from; fd < 1024; fd++) if (fd != keep) close(fd);
}

/* perf's fds as its launchers give them: its stderr, control and ack (this process's fds `base`,
   `base` + 1 and `base` + 2: perfcell's output file or pipe and socket pairs) as 2, 3 and 4, stdout
   on /dev/null (stdin too, with `null_stdin`), in a session of its own (Ctrl-C reaches the program,
   not perf). 0, or -1 where one of them could not be given (each is tried). */
static int give_perf_its_fds(int base, int null_stdin) {
  setsid();
  int null = open("/dev/null", O_RDWR);
  int ok = null >= 0 && (!null_stdin || dup2(null, 0) >= 0) && dup2(null, 1) >= 0;
  /* in this order: with `base` 3 each fd is read before it is written over */
  ok = dup2(base, 2) >= 0 && dup2(base + 1, 3) >= 0 && dup2(base + 2, 4) >= 0 && ok;
  return ok ? 0 : -1;
}

/* A signal to perf: to its process group, which give_perf_its_fds (or Node's detached spawn) made
   its own session, so -PID names only perf and what it started. A wrapper that runs perf as a
   child (`#!/bin/sh` then `perf "$@"`) is perf too: signalled alone, the wrapper died and perf ran
   on, orphaned, holding perf's pipes (and perfcell waiting on them) for ever. (perfcell's own
   perfs, "perf N", are spawned detached: a group of their own too.) */
static int kill_perf(pid_t perf, int signal) {
  return kill(-perf, signal);
}

/* perf's own pid, seen to have ended (WNOWAIT: still unreaped, so its group id cannot be reused),
   then what is left of its group (a wrapper's child, or what it left running) killed, then reaped. */
static pid_t reap_perf(pid_t perf, int options) {
  siginfo_t ended = {0};
  /* (-1 with EINTR: the caller looks at why it was woken, perfcell's death, and asks again) */
  if (waitid(perf > 0 ? P_PID : P_ALL, perf > 0 ? (id_t)perf : 0, &ended, WEXITED | WNOWAIT | options) < 0) return -1;
  if (ended.si_pid == 0) return 0;
  kill(-ended.si_pid, SIGKILL);
  pid_t got;
  do got = waitpid(ended.si_pid, NULL, 0); while (got < 0 && errno == EINTR);
  return ended.si_pid;
}

/* A copy of `argv` (its strings shared) with each `placeholder` ("{pid}", "{tick}") replaced by
   `value`; NULL when out of memory. */
static char **substituted(char *const argv[], const char *placeholder, char *value) {
  size_t count = 0;
  while (argv[count] != NULL) count++;
  char **args = calloc(count + 1, sizeof *args);
  if (args == NULL) return NULL;
  for (size_t i = 0; i < count; i++) args[i] = strcmp(argv[i], placeholder) == 0 ? value : argv[i];
  return args;
}

/* Where perf can be exec'd before its argv is known (perfcell-perf-hold.c): the library next to this
   gate, and perf (PERFCELL_PERF, else perf on PATH) an ELF file that LD_PRELOAD reaches (not setuid,
   no file capabilities: the loader ignores LD_PRELOAD in a secure exec), or Ubuntu's wrapper script
   where the perf it would exec is such a file (ubuntu_wrapped_perf). Another wrapper script, a fake
   perf or a missing one is exec'd the old way, once perfcell has sent its argv. PERFCELL_HOLD_PERF=0: never. */
struct early_perf {
  char name[PATH_MAX];
  char file[PATH_MAX];
  char library[PATH_MAX];
};

/* Why the loader would not give `file` LD_PRELOAD (a secure exec ignores it), or NULL where it would. */
static const char *unpreloadable(const char *file) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot be read";
  struct stat info;
  char magic[4];
  const char *why = NULL;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) why = "not a file";
  else if (access(file, X_OK) != 0) why = "not executable";
  else if ((info.st_mode & (S_ISUID | S_ISGID)) != 0) why = "setuid or setgid";
  else if (read(fd, magic, 4) != 4 || memcmp(magic, "\x7f" "ELF", 4) != 0) why = "not an ELF file (a script)";
  else if (fgetxattr(fd, "security.capability", NULL, 0) >= 0) why = "file capabilities (setcap)";
  close(fd);
  return why;
}

/* Ubuntu's perf (linux-tools-common) is a bash script whose first step is
       this="/usr/lib/linux-tools/$full_version/`basename $0`"
       if [ -f "$this" ]; then exec "$this" "$@"; fi
   with full_version=`uname -r`: the perf of the running kernel, an ELF file. Where `script` has
   those lines and that file exists, writes its path to `out` (the folder as the script names it, so
   a copy elsewhere resolves as it would run) and returns 1: the perf the script would exec, which
   takes LD_PRELOAD where bash would drop it at the library's restore. Else 0 (the script's later
   steps, for older kernels, are left to it). */
static int ubuntu_wrapped_perf(const char *script, char *out, size_t size) {
  char text[4096];
  int fd = open(script, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n < 2) return 0;
  text[n] = '\0';
  static const char assign[] = "this=\"", tail[] = "/linux-tools/$full_version/`basename $0`\"";
  const char *at = strstr(text, assign);
  const char *folder = at == NULL ? NULL : at + sizeof assign - 1;
  const char *end = folder == NULL ? NULL : strstr(folder, tail);
  if (strncmp(text, "#!", 2) != 0 || end == NULL || memchr(folder, '\n', (size_t)(end - folder)) != NULL ||
      strstr(text, "full_version=`uname -r`") == NULL || strstr(end, "exec \"$this\" \"$@\"") == NULL)
    return 0;
  struct utsname system;
  if (uname(&system) != 0) return 0;
  const char *base = strrchr(script, '/');
  base = base == NULL ? script : base + 1;
  if (snprintf(out, size, "%.*s/linux-tools/%s/%s", (int)(end - folder), folder, system.release, base) >= (int)size) return 0;
  struct stat info;
  return stat(out, &info) == 0 && S_ISREG(info.st_mode);
}

/* Why perf `name` (PATH searched) cannot be exec'd with the library next to this gate in LD_PRELOAD,
   or NULL where it can: plan->file is then the file to exec (perf's own where `name` is Ubuntu's
   wrapper), and `wrapped` says whether it is. */
static const char *unplanned_perf(struct early_perf *plan, const char *name, int *wrapped) {
  *wrapped = 0;
  ssize_t n = readlink("/proc/self/exe", plan->library, sizeof plan->library - 32);
  if (n <= 0) return "perfcell-exec cannot find itself";
  plan->library[n] = '\0';
  char *slash = strrchr(plan->library, '/');
  if (slash == NULL) return "perfcell-exec cannot find itself";
  strcpy(slash + 1, "perfcell-perf-hold");
  /* LD_PRELOAD splits its list at spaces and colons */
  if (strpbrk(plan->library, " :") != NULL) return "perfcell's folder has a space or colon in its path";
  if (access(plan->library, R_OK) != 0) return "perfcell-perf-hold is not built";
  if (snprintf(plan->name, sizeof plan->name, "%s", name) >= (int)sizeof plan->name) return "name too long";
  const char *file = resolve(plan->name, plan->file, sizeof plan->file);
  if (file == plan->name && strchr(plan->name, '/') == NULL) return "not on PATH"; /* execvp's error, the old way */
  if (file != plan->file && snprintf(plan->file, sizeof plan->file, "%s", file) >= (int)sizeof plan->file) return "name too long";
  const char *why = unpreloadable(plan->file);
  if (why == NULL) return NULL;
  char script_perf[PATH_MAX];
  if (!ubuntu_wrapped_perf(plan->file, script_perf, sizeof script_perf)) return why;
  const char *why_wrapped = unpreloadable(script_perf);
  if (why_wrapped != NULL) return why_wrapped;
  memcpy(plan->file, script_perf, sizeof script_perf);
  *wrapped = 1;
  return NULL;
}

/* Whether perf `name` (PATH searched) can be exec'd with the library next to this gate in LD_PRELOAD;
   plan->file is then the file to exec (perf's own where `name` is Ubuntu's wrapper). */
static int plan_preloaded_perf(struct early_perf *plan, const char *name) {
  int wrapped;
  return unplanned_perf(plan, name, &wrapped) == NULL;
}

/* "--preload-plan PERF" (perfcell doctor): on stdout, "preload FILE" and "via ubuntu-wrapper" where
   PERF is Ubuntu's script, or "none REASON": whether the gates can hold and nudge that perf. */
static int print_preload_plan(const char *name) {
  static struct early_perf plan;
  int wrapped;
  const char *why = unplanned_perf(&plan, name, &wrapped);
  if (why != NULL) printf("none %s\n", why);
  else printf("preload %s\n%s", plan.file, wrapped ? "via ubuntu-wrapper\n" : "");
  return 0;
}

static int plan_early_perf(struct early_perf *plan) {
  const char *off = getenv("PERFCELL_HOLD_PERF");
  if (off != NULL && strcmp(off, "0") == 0) return 0;
  const char *name = getenv("PERFCELL_PERF");
  return plan_preloaded_perf(plan, name == NULL || *name == '\0' ? "perf" : name);
}

/* Whether perf `name` gets the library for its nudge (perfcell-perf-hold.c; PERFCELL_PERF_NUDGE=0: none). */
static int plan_nudged_perf(struct early_perf *plan, const char *name) {
  const char *nudge = getenv("PERFCELL_PERF_NUDGE");
  return (nudge == NULL || strcmp(nudge, "0") != 0) && plan_preloaded_perf(plan, name);
}

/* Puts the library in LD_PRELOAD before what was there, which it puts back in perf's main(). */
static void preload_library(const struct early_perf *plan) {
  const char *preload = getenv("LD_PRELOAD");
  char value[2 * PATH_MAX + 2];
  snprintf(value, sizeof value, "%s%s%s", plan->library, preload != NULL && *preload != '\0' ? ":" : "", preload != NULL ? preload : "");
  setenv("PERFCELL_PERF_HOLD_PRELOAD", preload != NULL ? preload : "", 1);
  setenv("LD_PRELOAD", value, 1);
}

/* Execs perf: where `preloaded`, the planned file (perf's own where args[0] is Ubuntu's wrapper)
   with the library in its LD_PRELOAD, else args[0] as execvp finds it. Returns only where exec
   failed, with errno set. */
static void exec_perf(const struct early_perf *plan, int preloaded, char **args) {
  if (preloaded) {
    preload_library(plan);
    execv(plan->file, args);
  } else {
    execvp(args[0], args);
  }
}

/* The command line an early perf is exec'd with: what a perf that ignores the library runs (its
   version, then exit), padded so that the library can write the real argv over it for /proc. */
static char early_padding[2048];

/* Execs the planned perf held at main() by the library, which reads its argv on fd 5 and writes on
   fd 6 (its "held", or exec's errno from here); with LC_ALL=C, LD_PRELOAD as it was kept for later.
   `hold`: the library's PERFCELL_PERF_HOLD ("5,6", or "5,6,clear" to drop the parent-death signal). */
static void exec_held_perf(const struct early_perf *early, const char *hold) {
  preload_library(early);
  setenv("PERFCELL_PERF_HOLD", hold, 1);
  setenv("LC_ALL", "C", 1);
  memset(early_padding, 'x', sizeof early_padding - 1);
  char *args[] = {(char *)early->name, "--version", early_padding, NULL};
  execv(early->file, args);
  int error = errno;
  if (write(6, &error, sizeof error) < 0) { /* its reader then sees end of file and starts perf the old way */ }
  _exit(127);
}

/* The int an early perf's library writes on its report pipe once it holds at main(), waiting for its argv. */
#define PERF_HELD (-1)

/* Whether the early perf whose report pipe is `report` says it holds at main(); where not, it ran
   its placeholder command (it ignored the library) or could not be exec'd. */
static int perf_holds(int report) {
  int said = 0;
  return read_exactly(report, &said, sizeof said) && said == PERF_HELD;
}

/* Writes perf's argv on `requests` ("LEN\n" and NUL-ended fields) and closes it, then reads `report`:
   0 once perf runs (end of file: exec closed it, O_CLOEXEC, or the held perf runs main()), else errno. */
static int hand_argv(int requests, int report, char **args) {
  size_t length = 0;
  for (char **arg = args; *arg != NULL; arg++) length += strlen(*arg) + 1;
  char *payload = malloc(length + 24);
  if (payload == NULL) return ENOMEM;
  int offset = snprintf(payload, 24, "%zu\n", length);
  for (char **arg = args; *arg != NULL; arg++) {
    size_t size = strlen(*arg) + 1;
    memcpy(payload + offset, *arg, size);
    offset += (int)size;
  }
  ssize_t written = write(requests, payload, (size_t)offset);
  free(payload);
  close(requests);
  if (written != offset) {
    close(report);
    return EPIPE;
  }
  int error = 0;
  int said = read_exactly(report, &error, sizeof error);
  close(report);
  return said ? error : 0;
}

/*
 * The perf launcher ("-" form): forked first thing, before perfcell moves the gate into the run's
 * cgroup, so the perf it becomes is charged to no cgroup of the program's. It waits for perf's
 * argv ("LEN\n" and LEN bytes of NUL-ended fields) on `requests`, then execs perf on fds 6-8 in a
 * session of its own with LC_ALL=C; where exec fails it writes errno on `failed`. EOF first: no
 * perf is wanted, and it exits. With an early plan it execs perf at once instead, held by
 * perfcell-perf-hold at main(), which reads `requests` and writes on `failed` itself (fds 5 and 6).
 */
static void launcher_main(int requests, int failed, const struct early_perf *early) {
  static const int reset[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1};
  for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) signal(reset[i], SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* the gate gone before perf was wanted: nothing to launch */
  if (early != NULL) {
    give_perf_its_fds(6, 1);
    if (dup2(requests, 5) < 0 || dup2(failed, 6) < 0) _exit(127);
    close_fds_from(7, -1);
    exec_held_perf(early, "5,6,clear");
  }
  char **perf_argv = read_fields(requests, "", 1u << 20, -1);
  if (perf_argv == NULL) _exit(0);
  prctl(PR_SET_PDEATHSIG, 0); /* perf now: the gate ends it with SIGKILL where perfcell dies */
  give_perf_its_fds(6, 1);
  close_fds_from(5, failed);
  setenv("LC_ALL", "C", 1);
  execvp(perf_argv[0], perf_argv);
  int error = errno;
  if (write(failed, &error, sizeof error) < 0) { /* the gate then reports perf as started */ }
  _exit(127);
}

/* Hands perf's argv ("{pid}" replaced by `child`) to the launcher, or to the early perf held at its
   main(); 0 once perf runs, else errno; -1: the early perf was not held (it ignored the library and
   ran its placeholder command, or could not be exec'd), so nothing runs yet. */
static int launch_perf(int requests, int failed, char **perf_argv, pid_t child, int early) {
  if (early && !perf_holds(failed)) {
    close(requests);
    close(failed);
    return -1;
  }
  char pid_text[24];
  snprintf(pid_text, sizeof pid_text, "%d", (int)child);
  char **args = substituted(perf_argv, "{pid}", pid_text);
  if (args == NULL) return ENOMEM;
  int error = hand_argv(requests, failed, args);
  free(args);
  return error;
}

/* A launcher forked now, on the gate's copies of perf's fds, for an early perf that did not hold;
   `launcher` becomes its pid. As launch_perf: 0 once perf runs, else errno. */
static int relaunch_perf(const int perf_fds[3], pid_t *launcher, char **perf_argv, pid_t child) {
  int requests[2], failed[2];
  if (perf_fds[0] < 0 || perf_fds[1] < 0 || perf_fds[2] < 0 || pipe(requests) != 0 || pipe2(failed, O_CLOEXEC) != 0) return EMFILE;
  /* above perf's fds 6-8, which the launcher puts them on */
  int high[2] = {fcntl(requests[0], F_DUPFD, 10), fcntl(failed[1], F_DUPFD_CLOEXEC, 10)};
  close(requests[0]);
  close(failed[1]);
  pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    close(requests[1]);
    close(failed[0]);
    for (int i = 0; i < 3; i++) dup2(perf_fds[i], 6 + i);
    launcher_main(high[0], high[1], NULL);
  }
  close(high[0]);
  close(high[1]);
  *launcher = pid;
  return launch_perf(requests[1], failed[0], perf_argv, child, 0);
}

/* The held child: gives itself the program's stdio, resolves it on PATH and touches what it will
   touch after the release, says so on `readied` (the gate starts perf on it only then), waits for
   the release, execs. Never returns. */
static void run_child(char **argv, FILE *out, int gate, const int release[2], int readied, struct shared *sh, int stdout_to_stderr, int keep_gc_fd) {
  fclose(out);
  close(gate);
  close(release[1]);
  /* The release pipe is the child's until its exec, not the program's (it saw an extra open fd). */
  fcntl(release[0], F_SETFD, FD_CLOEXEC);
  program_stop_signals();
  if (stdout_to_stderr) dup2(2, 1);
  if (!keep_gc_fd) close(5);
  make_stdio_blocking();
  char path[PATH_MAX];
  const char *file = resolve(argv[3], path, sizeof path);
  /* Everything touched after the release, touched now. */
  touch_stack();
  sh->released = 0;
  sh->exec_errno = 0;
  clock_gettime(CLOCK_MONOTONIC, &sh->start);
  errno = 0;
  char byte = 0;
  ssize_t n;
  /* Ready: nothing from here to the exec faults a page in. A perf enabled before this point
     counted the set-up above (its copies on write: some 30 page-faults, doubling `true`'s). */
  do n = write(readied, &byte, 1); while (n < 0 && errno == EINTR);
  close(readied);
  errno = 0;
  do n = read(release[0], &byte, 1); while (n < 0 && errno == EINTR);
  if (n != 1) _exit(125); /* perfcell went away before the start: run nothing */
  sh->released = 1;
  clock_gettime(CLOCK_MONOTONIC, &sh->start);
  getrusage(RUSAGE_SELF, &sh->before);
  if (file != argv[3]) execv(file, argv + 3);
  /* Not found on PATH, a path, or a script without #! (ENOEXEC): execvp's own rules. */
  if (file == argv[3] || errno == ENOEXEC) execvp(argv[3], argv + 3);
  sh->exec_errno = errno;
  _exit(errno == ENOENT ? 127 : 126);
}

/* "--die-with PID COMMAND [ARG...]" and "--die-with-plain …" (see the top of this file). Never returns. */
static void exec_dying_with(pid_t parent, char **argv, int plain) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(125);
  if (plain) {
    execvp(argv[0], argv);
  } else {
    /* perf with the library that lets perfcell nudge it, where it can take it */
    struct early_perf plan;
    exec_perf(&plan, plan_nudged_perf(&plan, argv[0]), argv);
  }
  int error = errno;
  if (error == ENOENT) fprintf(stderr, "perfcell-exec: %s: not found\n", argv[0]);
  else fprintf(stderr, "perfcell-exec: %s: %s\n", argv[0], strerror(error));
  _exit(error == ENOENT ? 127 : 126);
}

#define MAX_GROUP 16

/*
 * The launcher's members (0 once reaped), whose process groups it kills if perfcell dies. Each
 * member dies with the launcher (PR_SET_PDEATHSIG SIGKILL), as the launcher died with perfcell,
 * but alone: what a PERFCELL_PERF wrapper started beside perf in its group (`sleep 20 &` then `exec
 * perf "$@"`) ran on after a SIGKILL of perfcell. So the launcher takes perfcell's death as SIGUSR1
 * and kills each member's group first (a member not yet reaped holds its pid, and so its group id).
 */
static pid_t group_pids[MAX_GROUP];

static void kill_member_groups(int sig) {
  (void)sig;
  for (int i = 0; i < MAX_GROUP; i++) {
    if (group_pids[i] > 0) kill(-group_pids[i], SIGKILL);
  }
  _exit(0);
}

/* Dies with `parent` (perfcell), killing its members' groups: 0 where `parent` is gone already. */
static int die_with_member_groups(pid_t parent) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = kill_member_groups;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR1, &action, NULL);
  prctl(PR_SET_PDEATHSIG, SIGUSR1);
  return getppid() == parent;
}

/* How often the group's watch looks at perfcell's state (ms), and how often while perfcell is stopped. */
#define FOLLOW_CHECK_MS 200
#define STOPPED_CHECK_MS 20

/* The state letter of /proc/PID/stat ('T' stopped, 'S' asleep, 'R' running), or 0 where it cannot be read. */
static char process_state(pid_t pid) {
  char text[512];
  if (read_proc_text(pid, "stat", text, sizeof text) <= 0) return 0;
  /* after the command name in parentheses, which may hold any character */
  const char *name_end = strrchr(text, ')');
  return name_end != NULL && name_end[1] == ' ' ? name_end[2] : 0;
}

/* Whether a process is stopped (State T in /proc/PID/status) or about to be: a SIGSTOP sent to it
   that it has not taken yet (ShdPnd, or SigPnd), as perfcell's own pause of a member is until that
   member next runs (on a loaded machine, a perf waiting for a CPU). One read: a SIGSTOP taken
   between two reads would show as neither. */
static int stopped_or_stopping(pid_t pid) {
  char status[4096];
  if (read_proc_text(pid, "status", status, sizeof status) <= 0) return 0;
  const char *state = strstr(status, "\nState:\t");
  if (state != NULL && state[8] == 'T') return 1;
  static const char *const pending[] = {"\nShdPnd:\t", "\nSigPnd:\t"};
  for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++) {
    const char *at = strstr(status, pending[i]);
    if (at != NULL && ((strtoull(at + strlen(pending[i]), NULL, 16) >> (SIGSTOP - 1)) & 1) != 0) return 1;
  }
  return 0;
}

/*
 * The members follow perfcell through a job-control stop: Ctrl-Z in the terminal stops perfcell's
 * process group, and each perf runs in a session of its own (Ctrl-C is the command's), so the stop
 * never reached them, and a perf ticking every few ms went on writing some 55-110 KB/s into its file
 * until perfcell was continued (a cells file stopped for a night: gigabytes, all read back at the
 * end). Looked for at every turn of the watch: perfcell stopped, the members that run are stopped;
 * perfcell going on again, those are continued. One that perfcell had stopped itself (the REPL's
 * perf while nobody types) is left as perfcell left it.
 * What is stopped is the process that is perf (perf_in_session), as perfcell's own pause does
 * (signalPerf): a wrapper that runs perf as its child (`#!/bin/sh` then `perf "$@"`) was stopped
 * alone, and its perf ticked on into its file through the stop (23,650 bytes a second). Not the
 * whole group: a tracer in it (strace -p, as a slowed perf has) stopped with perf left perf in a
 * ptrace stop that no SIGCONT ends. `stopped_here[i]` is the pid stopped here, continued after.
 */
static void follow_stop(pid_t perfcell, int count, const pid_t pids[], pid_t stopped_here[], int *perfcell_stopped) {
  int stopped = process_state(perfcell) == 'T';
  if (stopped == *perfcell_stopped) return;
  *perfcell_stopped = stopped;
  for (int i = 0; i < count; i++) {
    if (pids[i] <= 0) continue;
    /* a member perfcell paused itself (the REPL's perf at Ctrl-Z) stays paused after the stop: only
       the members stopped here are continued */
    if (stopped) {
      pid_t perf = perf_in_session(pids[i]);
      if (stopped_or_stopping(perf)) continue;
      kill(perf, SIGSTOP);
      stopped_here[i] = perf;
    } else if (stopped_here[i] > 0) {
      kill(stopped_here[i], SIGCONT);
      stopped_here[i] = 0;
    }
  }
}

/* Member i's exec reports (`failed`: its errno, or end of file once perf runs), its line on stdout,
   then the group's watch until every member has ended (see the top of this file). */
static int watch_perf_group(int count, pid_t pids[], int failed[]) {
  /* after the forks: blocked, SIGCHLD would be blocked in the perfs too */
  sigset_t child_ended;
  sigemptyset(&child_ended);
  sigaddset(&child_ended, SIGCHLD);
  sigprocmask(SIG_BLOCK, &child_ended, NULL);
  int ended_fd = signalfd(-1, &child_ended, SFD_CLOEXEC | SFD_NONBLOCK);
  /* exec closed a member's report pipe (CLOEXEC) empty; a failed exec wrote its errno first */
  for (int i = 0; i < count; i++) {
    int error = 0;
    ssize_t got;
    do got = read(failed[i], &error, sizeof error); while (got < 0 && errno == EINTR);
    close(failed[i]);
    if (got == (ssize_t)sizeof error) printf("perferr %d %d\n", i, error);
    else printf("perf %d %d\n", i, (int)pids[i]);
  }
  fflush(stdout);
  const char *limit = getenv("PERFCELL_ACK_TIMEOUT_MS");
  long long watch_ns = (limit != NULL && atol(limit) > 0 ? atol(limit) : 5000) * 1000000LL;
  struct stat watch_stat;
  int watching = fstat(0, &watch_stat) == 0 && S_ISREG(watch_stat.st_mode);
  pid_t perfcell = getppid();
  int perfcell_stopped = 0;
  pid_t stopped_here[MAX_GROUP] = {0};
  long long continued_ns = 0;
  for (int alive = count; alive > 0;) {
    pid_t ended;
    while ((ended = reap_perf(0, WNOHANG)) > 0) {
      for (int i = 0; i < count; i++) {
        if (pids[i] != ended) continue;
        printf("exit %d\n", i);
        fflush(stdout);
        pids[i] = 0;
        alive--;
      }
    }
    if ((ended < 0 && errno == ECHILD) || alive == 0) break;
    /* without a signalfd, ends are looked for every 50 ms */
    struct pollfd child_ends = {.fd = ended_fd, .events = POLLIN};
    int ready = poll(&child_ends, 1, perfcell_stopped ? STOPPED_CHECK_MS : ended_fd < 0 ? 50 : FOLLOW_CHECK_MS);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      struct signalfd_siginfo info;
      while (read(ended_fd, &info, sizeof info) > 0) continue;
    }
    int was_stopped = perfcell_stopped;
    follow_stop(perfcell, count, pids, stopped_here, &perfcell_stopped);
    /* a stopped perfcell waits for no ack, and its members are stopped here */
    if (perfcell_stopped) continue;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long now_ns = nanos(now);
    /* a wait that a stop fell into counts from perfcell's going on: its ack may have come meanwhile, unread */
    if (was_stopped) continued_ns = now_ns;
    unsigned char slots[8 * MAX_GROUP];
    if (!watching || pread(0, slots, (size_t)(8 * count), 0) != (ssize_t)(8 * count)) continue;
    for (int i = 0; i < count; i++) {
      unsigned long long since = 0;
      for (int b = 7; b >= 0; b--) since = (since << 8) | slots[8 * i + b];
      long long from = (long long)since > continued_ns ? (long long)since : continued_ns;
      if (since != 0 && pids[i] > 0 && now_ns - from > watch_ns) kill_perf(pids[i], SIGKILL);
    }
  }
  return 0;
}

/* "--perf-group PID TICKS PERF [ARG...]" (see the top of this file). */
static int launch_perf_group(pid_t parent, const char *ticks, char **argv) {
  if (!die_with_member_groups(parent)) return 125;
  int tick[MAX_GROUP], count = 0;
  for (const char *at = ticks; *at != '\0' && count < MAX_GROUP;) {
    tick[count++] = atoi(at);
    while (*at != '\0' && *at != ',') at++;
    if (*at == ',') at++;
  }
  pid_t self = getpid(), *pids = group_pids;
  int failed[MAX_GROUP];
  /* the library that lets perfcell nudge perf into printing its interval at once */
  struct early_perf plan;
  int preloaded = plan_nudged_perf(&plan, argv[0]);
  for (int i = 0; i < count; i++) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return 2;
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
      close(report[0]);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != self) _exit(125);
      if (give_perf_its_fds(3 + 3 * i, 0) != 0) _exit(126);
      /* the other members' fds, and /dev/null's own */
      close_fds_from(5, report[1]);
      char value[16];
      snprintf(value, sizeof value, "%d", tick[i]);
      char **args = substituted(argv, "{tick}", value);
      if (args == NULL) _exit(126);
      setenv("LC_ALL", "C", 1);
      exec_perf(&plan, preloaded, args);
      int error = errno;
      if (write(report[1], &error, sizeof error) < 0) _exit(127);
      _exit(127);
    }
    close(report[1]);
    pids[i] = pid;
    failed[i] = report[0];
  }
  for (int fd = 3; fd < 3 + 3 * count; fd++) close(fd);
  return watch_perf_group(count, pids, failed);
}

/*
 * "--perf-group-early PID" (cells): the launcher of a group of one, spawned before perfcell knows
 * perf's arguments. Member 0's stderr, control and ack are fds 3, 4 and 5, as in --perf-group; fd 6
 * brings the request ("LEN\n" and NUL-ended fields: the tick, then perf's argv with "{tick}" in it).
 * Where it can (plan_early_perf), perf is exec'd at once, held at main() by perfcell-perf-hold
 * until the request comes; otherwise, or where it did not hold, it is forked then, as --perf-group
 * forks it. End of file first: no perf is wanted, and the held one exits.
 */
static int early_perf_group(pid_t parent) {
  if (!die_with_member_groups(parent)) return 125;
  static struct early_perf plan;
  pid_t self = getpid(), held = 0;
  int hold_requests[2] = {-1, -1}, hold_report[2] = {-1, -1};
  if (plan_early_perf(&plan) && pipe(hold_requests) == 0 && pipe2(hold_report, O_CLOEXEC) == 0) {
    held = fork();
    if (held == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != self) _exit(125);
      if (give_perf_its_fds(3, 0) != 0) _exit(126);
      if (dup2(hold_requests[0], 5) < 0 || dup2(hold_report[1], 6) < 0) _exit(126);
      close_fds_from(7, -1);
      exec_held_perf(&plan, "5,6");
    }
    close(hold_requests[0]);
    close(hold_report[1]);
    if (held < 0) held = 0;
    group_pids[0] = held;
  }
  char **fields = read_fields(6, "", 1u << 20, -1);
  close(6);
  if (fields == NULL || fields[0] == NULL || fields[1] == NULL) {
    /* no perf wanted: the held one reads end of file and exits */
    if (held > 0) {
      close(hold_requests[1]);
      waitpid(held, NULL, 0);
      group_pids[0] = 0;
    }
    return 0;
  }
  if (held > 0) {
    if (perf_holds(hold_report[0])) {
      char **args = substituted(fields + 1, "{tick}", fields[0]);
      if (args == NULL) return 2;
      int error = hand_argv(hold_requests[1], hold_report[0], args);
      for (int fd = 3; fd <= 5; fd++) close(fd);
      if (error != 0) {
        printf("perferr 0 %d\n", error);
        fflush(stdout);
        waitpid(held, NULL, 0);
        group_pids[0] = 0;
        return 0;
      }
      int none[1] = {-1};
      return watch_perf_group(1, group_pids, none);
    }
    /* it did not hold (it ran its placeholder, or could not be exec'd): reaped, and forked the old way */
    close(hold_requests[1]);
    close(hold_report[0]);
    waitpid(held, NULL, 0);
    group_pids[0] = 0;
  }
  return launch_perf_group(parent, fields[0], fields + 1);
}

int main(int argc, char **argv) {
  take_inherited_ignored();
  if (argc >= 4 && strcmp(argv[1], "--die-with") == 0) exec_dying_with((pid_t)atol(argv[2]), argv + 3, 0);
  if (argc >= 4 && strcmp(argv[1], "--die-with-plain") == 0) exec_dying_with((pid_t)atol(argv[2]), argv + 3, 1);
  if (argc >= 5 && strcmp(argv[1], "--perf-group") == 0) return launch_perf_group((pid_t)atol(argv[2]), argv[3], argv + 4);
  if (argc == 3 && strcmp(argv[1], "--perf-group-early") == 0) return early_perf_group((pid_t)atol(argv[2]));
  if (argc == 3 && strcmp(argv[1], "--preload-plan") == 0) return print_preload_plan(argv[2]);
  if (argc < 4) {
    fprintf(stderr, "usage: perfcell-exec GATE_FD REPORT_FD COMMAND [ARG...] | -\n");
    return 2;
  }
  /* First of all: a Ctrl-C to the process group right after perfcell spawned the gate must not
     end the gate before it can report (the child gets default dispositions back before exec).
     SIGINT, SIGTERM and SIGHUP are noted (stopSignal in the end report), not ignored: gate-common.h. */
  for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) signal(stop_signals[i], SIG_IGN);
  note_stop_signals();
  int gate = atoi(argv[1]);
  int report = atoi(argv[2]);
  FILE *out = fdopen(report, "w");
  if (out == NULL) return 2;
  pid_t parent = getppid();
  /* "- no-early-perf": perfcell's command line says --no-perf, so no perf is exec'd ahead of its argv */
  int late = strcmp(argv[3], "-") == 0 && (argc == 4 || (argc == 5 && strcmp(argv[4], "no-early-perf") == 0));
  int stdout_to_stderr = 0, keep_gc_fd = !late;
  char **perf_argv = NULL;
  pid_t launcher = 0;
  int launch_requests = -1, launch_failed = -1;
  /* An early perf (perfcell-perf-hold.c), and the gate's copies of perf's fds 6-8 until it holds:
     where it does not, a launcher forked then starts perf the old way on them. */
  static struct early_perf plan;
  int early = 0;
  int perf_fds[3] = {-1, -1, -1};

  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return 2;
  memset(sh, 0, sizeof *sh);
  int release[2], readied[2];
  if (pipe(release) != 0 || pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return 2;

  pid_t child;
  if (late) {
    /* The perf launcher, then the held child, which waits for its command on a pipe of its own;
       then "ready PID": perfcell moves the child (alone) into the run's cgroup meanwhile. */
    int requests[2], failed[2], commands[2];
    if (pipe(requests) != 0 || pipe2(failed, O_CLOEXEC) != 0 || pipe(commands) != 0) return 2;
    early = argc == 4 && plan_early_perf(&plan);
    launcher = fork();
    if (launcher < 0) return 2;
    if (launcher == 0) {
      close(requests[1]);
      close(failed[0]);
      close(commands[0]);
      close(commands[1]);
      close(release[0]);
      close(release[1]);
      fclose(out);
      close(gate);
      launcher_main(requests[0], failed[1], early ? &plan : NULL);
    }
    close(requests[0]);
    close(failed[1]);
    launch_requests = requests[1];
    launch_failed = failed[0];
    fcntl(launch_requests, F_SETFD, FD_CLOEXEC);
    fcntl(launch_failed, F_SETFD, FD_CLOEXEC);
    for (int fd = 6; fd <= 8; fd++) {
      if (early) perf_fds[fd - 6] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
      close(fd); /* perf's (the launcher's) alone */
    }
    if (pipe2(readied, O_CLOEXEC) != 0) return 2;
    child = fork();
    if (child < 0) return 2;
    if (child == 0) {
      close(readied[0]);
      close(commands[1]);
      close(launch_requests);
      close(launch_failed);
      for (int i = 0; i < 3; i++) if (perf_fds[i] >= 0) close(perf_fds[i]); /* perf's ends are perf's and the gate's */
      char **unused = NULL;
      char **command = read_command(argv, commands[0], &stdout_to_stderr, &keep_gc_fd, &unused, -1);
      close(commands[0]);
      if (command == NULL) _exit(125); /* perfcell went away before it had a command to run */
      run_child(command, out, gate, release, readied[1], sh, stdout_to_stderr, keep_gc_fd);
    }
    close(commands[0]);
    fprintf(out, "ready %d\n", (int)child);
    fflush(out);
    char **command = read_command(argv, gate, &stdout_to_stderr, &keep_gc_fd, &perf_argv, commands[1]);
    close(commands[1]);
    if (command == NULL) {
      /* perfcell stopped first (a usage error): the held child reads EOF and exits 125, and the
         launcher, EOF on its requests, 0; reaped here, so neither outlives perfcell as a zombie */
      close(launch_requests);
      waitpid(child, NULL, 0);
      waitpid(launcher, NULL, 0);
      return 0;
    }
    argv = command;
  } else {
    if (pipe2(readied, O_CLOEXEC) != 0) return 2;
    child = fork();
    if (child < 0) return 2;
    if (child == 0) {
      close(readied[0]);
      run_child(argv, out, gate, release, readied[1], sh, stdout_to_stderr, keep_gc_fd);
    }
  }
  close(release[0]);
  close(readied[1]);

  /* The reaper outlives the child's signals (Ctrl-C reaches the whole foreground group) so it can
     always report how the child ended; perfcell forwards SIGTERM and SIGHUP to the child itself.
     The child keeps default dispositions. */
  watch_children_and_parent(parent);

  /* perf only once the child is held at its release (a byte, or EOF where it exited first): one
     enabled sooner counted the child's own set-up as the program's page-faults. */
  char readied_byte;
  ssize_t readied_n;
  do readied_n = read(readied[0], &readied_byte, 1); while (readied_n < 0 && errno == EINTR);
  close(readied[0]);

  pid_t perf = 0;
  if (perf_argv != NULL) {
    int error = launch_perf(launch_requests, launch_failed, perf_argv, child, early);
    if (error == -1) {
      /* the early perf did not hold: reaped, and perf started the old way */
      waitpid(launcher, NULL, 0);
      error = relaunch_perf(perf_fds, &launcher, perf_argv, child);
    }
    for (int i = 0; i < 3; i++) if (perf_fds[i] >= 0) close(perf_fds[i]);
    if (error == 0) {
      perf = launcher;
      fprintf(out, "pid %d perf %d\n", (int)child, (int)perf);
    } else {
      waitpid(launcher, NULL, 0);
      fprintf(out, "pid %d perferr %d\n", (int)child, error);
    }
  } else {
    if (late) {
      close(launch_requests); /* no perf wanted: the launcher (or the early perf) reads EOF and exits */
      close(launch_failed);
      for (int i = 0; i < 3; i++) if (perf_fds[i] >= 0) close(perf_fds[i]);
      waitpid(launcher, NULL, 0);
    }
    fprintf(out, "pid %d\n", (int)child);
  }
  fflush(out);

  int released = 0;
  int gate_open = 1;
  char line[64];
  size_t used = 0;
  int status = 0;
  struct rusage usage;
  pid_t got = 0;
  while (got == 0) {
    if (parent_died || !gate_open) {
      if (!released) {
        close(release[1]); /* the held child exits with 125 */
        released = -1;
      } else if (released == 1) {
        /* perfcell is gone: end what it started, as timeout(1) would, then SIGKILL a second later. */
        if (perf > 0) kill_perf(perf, SIGKILL);
        kill(child, SIGTERM);
        released = 2;
      }
    }
    /* the end is seen without reaping: the zombie keeps perf's target alive until perf is ready (below) */
    siginfo_t ended = {0};
    int waited;
    do waited = waitid(P_PID, (id_t)child, &ended, WEXITED | WNOHANG | WNOWAIT); while (waited < 0 && errno == EINTR);
    got = waited < 0 ? -1 : ended.si_pid;
    if (got != 0) break;
    struct pollfd fds[2] = {{wake_pipe[0], POLLIN, 0}, {gate_open ? gate : -1, POLLIN, 0}};
    int ready = poll(fds, 2, released == 2 ? 1000 : -1);
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0 && released == 2) kill(child, SIGKILL);
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
    }
    if (gate_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(gate, line + used, sizeof line - 1 - used);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        gate_open = 0;
        continue;
      }
      used += (size_t)n;
      line[used] = '\0';
      char *newline;
      while ((newline = strchr(line, '\n')) != NULL) {
        *newline = '\0';
        if (strncmp(line, "perf ", 5) == 0) perf = (pid_t)atoi(line + 5);
        else if (strcmp(line, "go") == 0 && released == 0) {
          char byte = 'x';
          if (write(release[1], &byte, 1) == 1) released = 1;
          close(release[1]);
        }
        size_t rest = used - (size_t)(newline + 1 - line);
        memmove(line, newline + 1, rest);
        used = rest;
        line[used] = '\0';
      }
      if (used == sizeof line - 1) used = 0; /* an overlong request is not one of ours */
    }
  }
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (got < 0) return 2;
  /* perf prints the program's last interval on SIGINT only: sent here, the moment the program is
     reaped, perf's final read overlaps this report's way to perfcell (one hand-over, not two). Only
     once perf has been seen in poll() after the program's end (await_perf_in_poll): any read it
     makes from then on holds the whole program, whether the SIGINT wakes it or a tick does first. A
     perf not seen there is left to perfcell (perfSignalled false). The report goes first: the
     signalled perf wakes on this CPU and runs its last read and its teardown (some 2 ms of CPU)
     ahead of this gate, and a report written after the kill() waited for them (seen in a sched
     trace). A perf that has gone meanwhile (kill fails) has ended: perfcell then reads its exit. */
  int perf_signalled = perf > 0 && released == 1 && await_perf_in_poll(perf);
  do got = wait4(child, &status, 0, &usage); while (got < 0 && errno == EINTR);
  if (got < 0) return 2;

  if (sh->released) {
    usage.ru_utime = since(usage.ru_utime, sh->before.ru_utime);
    usage.ru_stime = since(usage.ru_stime, sh->before.ru_stime);
  }
  char extra[64];
  snprintf(extra, sizeof extra, "\"perfSignalled\":%s,\"stopSignal\":%d", perf_signalled ? "true" : "false", (int)stop_signal_seen);
  print_end_report(out, sh->released, status, sh->start, end, &usage, sh->exec_errno, extra);
  if (perf_signalled) kill_perf(perf, SIGINT);
  /* The report is out; the gate stays until its perf has gone (perfcell kills it once its last
     interval is read; a perf left alone ends at its next tick, its target gone). Exiting at once,
     the gate's own teardown took the CPU perf needed to print that interval, and perfcell handled
     the end of the gate's pipes before perf's line: 1.5-2 ms of `run`'s hand-over on 2 vCPUs. And
     perf is reaped here, not left to init. (perf forked by perfcell, not by this gate: ECHILD.) */
  /* perfcell gone (before the wait began, or during it: its SIGUSR1 ends waitpid) leaves perf to the gate */
  for (int waiting = perf > 0; waiting;) {
    if (parent_died) kill_perf(perf, SIGKILL);
    waiting = reap_perf(perf, 0) < 0 && errno == EINTR;
  }
  return 0;
}
