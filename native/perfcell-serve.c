/*
 * perfcell-serve: one long-lived exec gate for many runs (compare's), so that one long-lived perf
 * counts them all, each run an enable and a disable, instead of a gate and a perf spawned per run.
 *
 *   perfcell-serve CTL_FD REPORT_FD
 *
 * The server S forks the forker F once and writes "ready F" on REPORT_FD. perfcell attaches perf
 * (`perf stat -I N -D -1 --control … --pid F`, inherited by F's children) to F, and puts F in the
 * memory cgroup of the runs. For each run F clones the held child C with CLONE_PARENT: C is S's
 * child (S reaps it: exit status and rusage, as perfcell-exec's gate does), but it was forked by F
 * and so inherits F's counters, which perf's enable and disable switch for F and its children at
 * once.
 *
 * Built static (-DPERFCELL_SERVE_STATIC, native/compile-flags.json), C shares F's memory until its
 * exec (CLONE_VM, as posix_spawn does): the clone copies no page tables, and C copies no page on
 * write. On a VM where a page fault costs tens of µs, a run's arm took 0.34 ms this way against
 * 1.7 ms with a fork, and the program's exec 0.3 ms less, with no copy of F to tear down
 * (scripts/lib/serve-arm.c). It takes a static F: the kernel keeps, as a process's peak RSS, the
 * larger of its memory's before the exec and the program's, and a dynamically linked F holds some
 * 1.2 MB (ld.so and libc), more than `true` (1.0 MB), where a static one holds 0.65 MB. Built
 * dynamically (no static libc here), F forks C, which copies only the pages it writes.
 *
 * F only ever forks, outside the windows (perfcell arms the next run after the disable ack), and
 * is asleep in read() while a window is open: a window counts C alone.
 *
 * Requests on CTL_FD, from perfcell:
 *   "cmd LEN\n" and LEN bytes of NUL-ended fields ("env=NAME=VALUE", "stdout=stderr",
 *     "stdin-file=PATH", "stdout-file=PATH", then "--" and the argv): arm a run. F resolves the
 *     command on PATH and clones C, which opens its files (an output file from its start, not
 *     emptied: a named pipe, or a file S empties at the release), touches what it will touch after
 *     its release and waits. Answer, once C waits: "pid C" (or "pid 0" if F is gone).
 *   "go\n": release C (a futex in memory shared with it), which execs at once; an output file
 *     is emptied first (by S, which no perf counts), as hyperfine creates it at each run. Not at the
 *     clone: an armed C that is cancelled would have emptied what the last run wrote.
 *   "cancel\n": end the armed C unreleased (SIGKILL); answer "cancelled".
 *   "perfs\n", then "perf PID\n" for each perf perfcell has attached to F (each the leader of its
 *     process group): the perfs whose groups S kills if perfcell dies (below); no answer.
 *   "run LEN\n" and the fields of a "cmd": a run armed and released at once, with no counters
 *     (compare's warm-ups, sent all at once while perfcell itself still loads): answered "pid C"
 *     once released, then its JSON line as any run's. Runs sent while another runs wait their turn,
 *     in order. A run that does not exit 0 ends the queue: each run still waiting is answered
 *     "skipped", as is one whose clone failed (and the queue after it), and so is each "run" read
 *     after it until a "cmd" begins anew (the requests of one write are read one at a time: a short
 *     run can fail and be reaped before the runs sent with it are read).
 * Once C has ended: one JSON line, as perfcell-exec's (without perfSignalled): released, exit
 * status, CPU seconds and ru_maxrss from wait4(), and the wall clock from the release to wait4's
 * return on CLOCK_MONOTONIC; and "strays", how many processes the program left running (S is the
 * subreaper of its orphans): they inherited the counters too, so perfcell replaces its perfs before
 * the next clone (closing a perf frees the counters every process inherited from it); and
 * "openFailed": 1 where C could not open its stdin file, 2 its stdout file (execErrno says why), 0
 * where it opened what it was given; and "stopSignal", the SIGINT, SIGTERM or SIGHUP S got since the
 * last report (gate-common.h, note_stop_signals), 0 for none.
 *
 * CTL_FD is the lifeline: at its EOF, or at SIGUSR1 from PR_SET_PDEATHSIG (perfcell died), S ends
 * a held C, SIGTERMs a running one (SIGKILL a second later), SIGKILLs F and exits; perf, attached
 * to F, ends when F has gone. Each C has PR_SET_PDEATHSIG until it is released. S also kills the
 * process groups of the perfs it was last named: perfcell, closing, names none first ("perfs"), as
 * it ends its perfs itself; where it died, each perf died with it (PR_SET_PDEATHSIG), but alone,
 * and what a PERFCELL_PERF wrapper started beside it (`sleep 20 &` then `exec perf "$@"`) ran on,
 * where an unserved run's gate kills perf's group once it has reaped perf. Not only at SIGUSR1:
 * perfcell's death closes CTL_FD before it sends that, and S may see the EOF first.
 *
 * Page faults are counted from the release as perf stat counts from exec: C runs on pages that are
 * present (F's, its stack, the shared page), has made the calls it makes after the release before
 * it waits, and F resolved the command before the clone, so the server adds no fault of its own to
 * a window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gate-common.h"

/* What S and each C share (MAP_SHARED: F's clones share it too). One C at a time. */
struct slot {
  struct timespec start;
  int exec_errno;
  int released;
  int open_failed; /* 1: C could not open its stdin file, 2: its stdout file (errno in exec_errno) */
  uint32_t go;     /* a futex word: S adds one to release the C that saw the old value */
  uint32_t parked; /* a futex word: C sets it once it has touched everything and waits for go */
};

static struct slot *slot;

/* The perfs perfcell attached to F ("perf PID"), each the leader of its process group. */
static pid_t perfs[8];
static size_t perf_count = 0;

/* Kills what is left of each perf's process group, once perfcell has gone. A perf that had died
   with perfcell and left its group empty gives ESRCH: its pid was a live perf's until then, and
   pids are handed out in turn, so no other group has taken it meanwhile. */
static void kill_perf_groups(void) {
  for (size_t i = 0; i < perf_count; i++) kill(-perfs[i], SIGKILL);
  perf_count = 0;
}

/* Processes the last program left running after its exit (the server is the subreaper of their
   orphans): its children other than the forker and than strays reported before, zombies among them
   reaped here and not counted. */
static int count_strays(pid_t forker) {
  static pid_t known[256];
  static size_t known_count = 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  FILE *in = fopen(path, "r");
  if (in == NULL) return 0;
  int pid, strays = 0;
  while (fscanf(in, "%d", &pid) == 1) {
    if (pid == (int)forker || waitpid(pid, NULL, WNOHANG) != 0) continue;
    int seen = 0;
    for (size_t i = 0; i < known_count && !seen; i++) seen = known[i] == pid;
    if (seen) continue;
    strays++;
    if (known_count < sizeof known / sizeof known[0]) known[known_count++] = pid;
  }
  fclose(in);
  return strays;
}

static long futex(uint32_t *word, int op, uint32_t value) { return syscall(SYS_futex, word, op, value, NULL, NULL, 0); }

static int write_all(int fd, const void *buffer, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, (const char *)buffer + done, size - done);
    if (n > 0) done += (size_t)n;
    else if (n < 0 && errno != EINTR) return 0;
  }
  return 1;
}

/* Opens `path` onto `target` (0 or 1); where it cannot, leaves which (open_failed) and errno in
   the slot for the end report, and exits 126, unreleased: perfcell names the file, once (a line of
   C's own came once per clone, twice where an armed run was replaced). System calls only (see run_child). */
static void open_onto(const char *path, int flags, int target) {
  int fd = open(path, flags, 0666);
  if (fd >= 0 && (fd == target || dup2(fd, target) == target)) {
    if (fd != target) close(fd);
    return;
  }
  slot->exec_errno = errno;
  slot->open_failed = target + 1;
  slot->released = 0;
  _exit(126);
}

/*
 * The held child: default signals, stdio (its files opened: compare --input, --output); touches what it touches after the release; waits for
 * `go` to move past `seen`; execs with `env`. Never returns. It may run in F's memory (CLONE_VM),
 * so it makes system calls only: no allocation, no write to memory F uses but the slot and its stack.
 */
static void run_child(pid_t server, char **argv, char **env, int stdout_to_stderr, const char *stdin_file, const char *stdout_file, const char *file, uint32_t seen) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != server) _exit(125);
  program_stop_signals();
  signal(SIGCHLD, SIG_DFL);
  signal(SIGUSR1, SIG_DFL);
  if (stdout_to_stderr) dup2(2, 1);
  slot->open_failed = 0;
  /* compare --input, --output: perfcell checked both before the runs; gone since, the run fails (126) */
  if (stdin_file != NULL) open_onto(stdin_file, O_RDONLY, 0);
  if (stdout_file != NULL) open_onto(stdout_file, O_WRONLY | O_CREAT, 1);
  make_stdio_blocking();
  touch_stack();
  slot->released = 0;
  slot->exec_errno = 0;
  clock_gettime(CLOCK_MONOTONIC, &slot->start);
  errno = 0;
  /* the calls after the release, made once now so that their code is mapped in this process */
  prctl(PR_GET_PDEATHSIG, &(int){0});
  execve("", argv, env); /* ENOENT: only its code is wanted */
  errno = 0;
  /* ready: F answers the pid only now, so that perf is never enabled while this child still
     prepares (on a busy machine it may not have run at all yet); the wake's code is the wait's */
  __atomic_store_n(&slot->parked, 1, __ATOMIC_RELEASE);
  futex(&slot->parked, FUTEX_WAKE, 1);
  while (__atomic_load_n(&slot->go, __ATOMIC_ACQUIRE) == seen) {
    futex(&slot->go, FUTEX_WAIT, seen);
    if (getppid() != server) _exit(125);
  }
  slot->released = 1;
  clock_gettime(CLOCK_MONOTONIC, &slot->start);
  prctl(PR_SET_PDEATHSIG, 0); /* from here on the program is the server's to end, as the gate's is */
  if (file != argv[0]) execve(file, argv, env);
  if (file == argv[0] || errno == ENOEXEC) execvpe(argv[0], argv, env);
  slot->exec_errno = errno;
  _exit(errno == ENOENT ? 127 : 126);
}

struct child_start {
  pid_t server;
  char **argv;
  char **env;
  int stdout_to_stderr;
  const char *stdin_file;
  const char *stdout_file;
  const char *file;
  uint32_t seen;
};

static int child_main(void *start) {
  const struct child_start *c = start;
  run_child(c->server, c->argv, c->env, c->stdout_to_stderr, c->stdin_file, c->stdout_file, c->file, c->seen);
  return 0;
}

#ifdef PERFCELL_SERVE_STATIC
#define CHILD_CLONE_FLAGS (CLONE_VM | CLONE_PARENT | SIGCHLD)
#else
#define CHILD_CLONE_FLAGS (CLONE_PARENT | SIGCHLD)
#endif

/* C's stack, every page of it present (F writes it): touch_stack's 64 KiB, C's frames and libc's
   (a few KiB), and the argv that execvpe copies onto it to run a script through /bin/sh. */
static char *stack = NULL;
static size_t stack_bytes = 0;

static int make_stack(size_t argc) {
  size_t needed = (128 * 1024 + (argc + 2) * sizeof(char *) + 4095) & ~(size_t)4095;
  if (needed <= stack_bytes) return 1;
  char *fresh = mmap(NULL, needed, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fresh == MAP_FAILED) return 0;
  memset(fresh, 0, needed);
  if (stack != NULL) munmap(stack, stack_bytes);
  stack = fresh;
  stack_bytes = needed;
  return 1;
}

extern char **environ;

/* The environment C execs with: the request's `added` (NAME=VALUE), then F's own less the names they set. */
static char **child_environment(char **added, size_t added_count) {
  size_t own = 0;
  while (environ[own] != NULL) own++;
  char **env = calloc(added_count + own + 1, sizeof *env);
  if (env == NULL) return NULL;
  size_t count = 0;
  for (size_t i = 0; i < added_count; i++) env[count++] = added[i];
  for (size_t i = 0; i < own; i++) {
    size_t name = strcspn(environ[i], "=");
    int replaced = 0;
    for (size_t j = 0; j < added_count && !replaced; j++) replaced = strncmp(added[j], environ[i], name) == 0 && added[j][name] == '=';
    if (!replaced) env[count++] = environ[i];
  }
  return env;
}

/*
 * F: reads each run's request from S, resolves its command, clones C and answers its pid. C reads
 * the request's memory until its exec or end: a request is freed when the next one comes, which S
 * sends only once the last C has been reaped.
 */
static void forker_main(pid_t server, int requests, int answers) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != server) _exit(0);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGUSR1, SIG_DFL);
  char *last_payload = NULL;
  char **last_fields = NULL, **last_argv = NULL, **last_added = NULL, **last_env = NULL;
  for (;;) {
    uint32_t length;
    if (!read_exactly(requests, &length, sizeof length)) _exit(0);
    free(last_payload);
    free(last_fields);
    free(last_argv);
    free(last_added);
    free(last_env);
    char *payload = malloc(length + 1);
    if (payload == NULL || !read_exactly(requests, payload, length)) _exit(0);
    payload[length] = '\0';
    char **fields = split_fields(payload, length);
    size_t count = 0;
    while (fields != NULL && fields[count] != NULL) count++;
    char **argv = calloc(count + 1, sizeof *argv);
    char **added = calloc(count + 1, sizeof *added);
    if (fields == NULL || argv == NULL || added == NULL) _exit(0);
    size_t argc = 0, addedc = 0;
    int in_command = 0, stdout_to_stderr = 0;
    const char *stdin_file = NULL, *stdout_file = NULL;
    for (char **at = fields; *at != NULL; at++) {
      char *field = *at;
      if (in_command) argv[argc++] = field;
      else if (strcmp(field, "--") == 0) in_command = 1;
      else if (strcmp(field, "stdout=stderr") == 0) stdout_to_stderr = 1;
      else if (strncmp(field, "stdin-file=", 11) == 0) stdin_file = field + 11;
      else if (strncmp(field, "stdout-file=", 12) == 0) stdout_file = field + 12;
      else if (strncmp(field, "env=", 4) == 0) added[addedc++] = field + 4;
    }
    char **env = child_environment(added, addedc);
    if (env == NULL || !make_stack(argc)) _exit(0);
    pid_t child = 0;
    if (argc > 0) {
      static char path[PATH_MAX];
      const char *file = resolve(argv[0], path, sizeof path);
      uint32_t seen = __atomic_load_n(&slot->go, __ATOMIC_ACQUIRE);
      __atomic_store_n(&slot->parked, 0, __ATOMIC_RELEASE);
      static struct child_start start;
      start = (struct child_start){server, argv, env, stdout_to_stderr, stdin_file, stdout_file, file, seen};
      child = clone(child_main, stack + stack_bytes, CHILD_CLONE_FLAGS, &start);
      if (child < 0) child = 0;
      /* until the child waits for its release (a second at most: a child that died first) */
      struct timespec step = {0, 10 * 1000 * 1000};
      for (int tries = 0; child > 0 && tries < 100 && __atomic_load_n(&slot->parked, __ATOMIC_ACQUIRE) == 0; tries++)
        syscall(SYS_futex, &slot->parked, FUTEX_WAIT, 0, &step, NULL, 0);
    }
    last_payload = payload;
    last_fields = fields;
    last_argv = argv;
    last_added = added;
    last_env = env;
    if (!write_all(answers, &child, sizeof child)) _exit(0);
  }
}

/* "run" requests waiting for the running C to end (see the requests above), oldest first. */
struct queued_run {
  char *payload;
  uint32_t length;
  struct queued_run *next;
};
static struct queued_run *queue_head = NULL, *queue_tail = NULL;

static void enqueue_run(char *payload, uint32_t length) {
  struct queued_run *run = malloc(sizeof *run);
  if (run == NULL) {
    free(payload);
    return;
  }
  *run = (struct queued_run){payload, length, NULL};
  if (queue_tail == NULL) queue_head = run;
  else queue_tail->next = run;
  queue_tail = run;
}

static struct queued_run *dequeue_run(void) {
  struct queued_run *run = queue_head;
  if (run != NULL) queue_head = run->next;
  if (queue_head == NULL) queue_tail = NULL;
  return run;
}

/* F clones C for this request (C waits for its release); its pid, or 0. */
static pid_t arm_child(int requests, int answers, const char *payload, uint32_t length) {
  pid_t armed = 0;
  if (write_all(requests, &length, sizeof length) && write_all(requests, payload, length) && read_exactly(answers, &armed, sizeof armed) && armed > 0)
    return armed;
  return 0;
}

static void release_child(void) {
  __atomic_add_fetch(&slot->go, 1, __ATOMIC_RELEASE);
  futex(&slot->go, FUTEX_WAKE, INT_MAX);
}

/* The armed C's output file ("stdout-file=" of its request; NULL where none): emptied at its release. */
static char *armed_output = NULL;

static void remember_output(const char *payload, uint32_t length) {
  free(armed_output);
  armed_output = NULL;
  for (const char *field = payload; field < payload + length; field += strnlen(field, (size_t)(payload + length - field)) + 1) {
    if (strcmp(field, "--") == 0) break;
    if (strncmp(field, "stdout-file=", 12) == 0) armed_output = strndup(field + 12, (size_t)(payload + length - field) - 12);
  }
}

/* Empties the armed C's output file, as hyperfine creates it at each run (a named pipe is left as it is). */
static void empty_output(void) {
  struct stat st;
  if (armed_output != NULL && stat(armed_output, &st) == 0 && S_ISREG(st.st_mode)) {
    while (truncate(armed_output, 0) != 0 && errno == EINTR) {}
  }
  free(armed_output);
  armed_output = NULL;
}

/* A "run": C cloned and released at once; answered "pid C", or "skipped" where the clone failed. Its pid, or 0. */
static pid_t start_run(FILE *out, int requests, int answers, const char *payload, uint32_t length) {
  pid_t child = arm_child(requests, answers, payload, length);
  if (child > 0) {
    fprintf(out, "pid %d\n", (int)child);
    release_child();
  } else fprintf(out, "skipped\n");
  return child;
}

/* The LEN bytes of fields after a "cmd LEN" or "run LEN" line, read whole; NULL where they cannot be. */
static char *read_payload(int control, const char *line, uint32_t *length) {
  unsigned long size = strtoul(line + 4, NULL, 10);
  char *payload = size > 0 && size < (1u << 24) ? malloc(size) : NULL;
  if (payload != NULL && !read_exactly(control, payload, size)) {
    free(payload);
    payload = NULL;
  }
  *length = (uint32_t)size;
  return payload;
}

int main(int argc, char **argv) {
  take_inherited_ignored();
  if (argc != 3) {
    fprintf(stderr, "usage: perfcell-serve CTL_FD REPORT_FD\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) signal(stop_signals[i], SIG_IGN);
  int control = atoi(argv[1]);
  FILE *out = fdopen(atoi(argv[2]), "w");
  if (out == NULL) return 2;
  pid_t parent = getppid();
  pid_t server = getpid();
  slot = mmap(NULL, sizeof *slot, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (slot == MAP_FAILED) return 2;
  memset(slot, 0, sizeof *slot);
  int requests[2], answers[2];
  if (pipe2(requests, O_CLOEXEC) != 0 || pipe2(answers, O_CLOEXEC) != 0 || pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return 2;
  fcntl(control, F_SETFD, FD_CLOEXEC);
  fcntl(fileno(out), F_SETFD, FD_CLOEXEC);

  pid_t forker = fork();
  if (forker < 0) return 2;
  if (forker == 0) {
    close(requests[1]);
    close(answers[0]);
    close(control);
    fclose(out);
    forker_main(server, requests[0], answers[1]);
  }
  close(requests[0]);
  close(answers[1]);
  /* S only (F keeps ignoring them): each end report says a stop signal that came since the last */
  note_stop_signals();

  watch_children_and_parent(parent);
  /* a program's orphans become the server's children: each report says how many still run */
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  fprintf(out, "ready %d\n", (int)forker);
  fflush(out);

  pid_t child = 0;     /* the armed or running C; 0 when none */
  int released = 0;    /* 0 held, 1 running, 2 SIGTERMed after perfcell went */
  int open = 1;
  int child_is_run = 0; /* C came from a "run" (its failure ends the queue) */
  int queue_ended = 0;  /* a run failed: each "run" is "skipped" until the next "cmd" */
  for (;;) {
    /* (perfcell, closing, names none: it ends its perfs itself) */
    if (parent_died || !open) kill_perf_groups();
    if (parent_died || !open) {
      if (child > 0 && released == 0) {
        kill(child, SIGKILL);
        released = 2;
      } else if (child > 0 && released == 1) {
        kill(child, SIGTERM);
        released = 2;
      }
      if (child == 0) break;
    }
    if (child > 0) {
      int status = 0;
      struct rusage usage;
      pid_t got;
      do got = wait4(child, &status, WNOHANG, &usage); while (got < 0 && errno == EINTR);
      if (got == child) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        char extra[96];
        snprintf(extra, sizeof extra, "\"strays\":%d,\"openFailed\":%d,\"stopSignal\":%d", count_strays(forker), slot->open_failed, (int)stop_signal_seen);
        stop_signal_seen = 0;
        print_end_report(out, slot->released, status, slot->start, end, &usage, slot->exec_errno, extra);
        child = 0;
        int failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        if (failed && child_is_run) queue_ended = 1;
        /* the next queued run starts at once; a failure (or perfcell gone) ends the queue */
        for (struct queued_run *run; (run = dequeue_run()) != NULL;) {
          if (failed || parent_died || !open) {
            if (!parent_died && open) fprintf(out, "skipped\n");
          } else {
            child = start_run(out, requests[1], answers[0], run->payload, run->length);
            failed = child == 0;
            child_is_run = 1;
            if (failed) queue_ended = 1;
            released = 1;
          }
          free(run->payload);
          free(run);
          if (child > 0) break;
        }
        fflush(out);
        continue;
      }
      if (got < 0) child = 0;
    }
    struct pollfd fds[2] = {{wake_pipe[0], POLLIN, 0}, {open ? control : -1, POLLIN, 0}};
    int ready = poll(fds, 2, released == 2 && child > 0 ? 1000 : -1);
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0 && released == 2 && child > 0) kill(child, SIGKILL);
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
    }
    if (!open || !(fds[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char line[64];
    if (!read_line(control, line, sizeof line)) {
      open = 0;
      continue;
    }
    int is_run = strncmp(line, "run ", 4) == 0;
    if (is_run || strncmp(line, "cmd ", 4) == 0) {
      uint32_t length;
      char *payload = read_payload(control, line, &length);
      if (payload == NULL) {
        open = 0;
        continue;
      }
      if (is_run) {
        if (queue_ended) {
          fprintf(out, "skipped\n");
          fflush(out);
          free(payload);
          continue;
        }
        if (child != 0 || queue_head != NULL) {
          enqueue_run(payload, length);
          continue;
        }
        child = start_run(out, requests[1], answers[0], payload, length);
        child_is_run = 1;
        if (child == 0) queue_ended = 1;
        released = 1;
        free(payload);
        fflush(out);
        continue;
      }
      queue_ended = 0;
      pid_t armed = child == 0 && queue_head == NULL ? arm_child(requests[1], answers[0], payload, length) : 0;
      if (armed > 0) {
        child = armed;
        child_is_run = 0;
        released = 0;
        remember_output(payload, length);
      }
      free(payload);
      fprintf(out, "pid %d\n", (int)armed);
      fflush(out);
    } else if (strcmp(line, "go") == 0 && child > 0 && released == 0) {
      released = 1;
      empty_output();
      release_child();
    } else if (strcmp(line, "perfs") == 0) {
      perf_count = 0;
    } else if (strncmp(line, "perf ", 5) == 0) {
      pid_t perf = (pid_t)atol(line + 5);
      if (perf > 0 && perf_count < sizeof perfs / sizeof perfs[0]) perfs[perf_count++] = perf;
    } else if (strcmp(line, "cancel") == 0) {
      if (child > 0 && released == 0) {
        kill(child, SIGKILL);
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        child = 0;
      }
      fprintf(out, "cancelled\n");
      fflush(out);
    }
  }
  kill(forker, SIGKILL);
  while (waitpid(forker, NULL, 0) < 0 && errno == EINTR) {}
  return 0;
}
