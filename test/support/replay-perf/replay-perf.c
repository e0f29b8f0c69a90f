/*
 * A replaying `perf` for tests (see README.md beside this file): it speaks perf 6.1's
 *
 *   perf stat -x SEP -I MS --pid PID -e EVENTS [-D -1 --control fd:CTL,ACK]
 *
 * as the real one does on the development VM (checked side by side by
 * test/perf/replay-perf.test.ts), but prints the hardware rows a scenario describes instead of
 * counting: rates per event per second, multiplexing, hybrid cpu_core/cpu_atom rows,
 * <not counted>, <not supported> and perf's metric columns.
 *
 * Written in C, not Node, for the two things perfcell relies on: between intervals and commands it
 * waits in poll() as perf does (perfcell reads /proc/PID/syscall and sends its SIGINT only then),
 * and the printf formats below are perf 6.1's own (tools/perf/util/stat-display.c and
 * stat-shadow.c), so the numbers are formatted by the same C library calls.
 *
 * Counting model: a row's count is RATE x the seconds of that interval during which counting was
 * enabled and the target was alive (wall time, not the target's CPU time), from the moment the
 * target first runs or waits to run after counting was enabled: a target blocked since before the
 * enable (perfcell run's exec gate holding the program, a sleeping process) counts nothing until
 * released, as a PMU counts nothing for a task that is not scheduled; a program held by the gate
 * (comm perfcell-exec) counts from its exec; compare's served-run forker (comm perfcell-serve),
 * whose clones inherit its counters, counts while one of them runs a program, from its exec to its
 * exit. That moment is the first
 * look, every millisecond, that finds the target runnable (state R) or its run and wait time
 * (/proc/PID/schedstat) moved, back-dated by that run and wait time where the replay itself was
 * late to look. The
 * target's exit is seen at once through a pidfd; like perf, the replay itself exits at the first
 * interval tick at which /proc/PID is gone, after printing that interval (exit status 0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 64
#define MAX_SCENARIO 64

enum status { COUNTED, NOT_COUNTED, NOT_SUPPORTED, UNLISTED };

struct scenario_event {
  char name[96];
  enum status status;
  double rate_per_s;
  double running_pct; /* < 0: the global value */
};

struct row {
  char name[192];    /* as printed: cycles, cpu_core/cycles/, page-faults */
  char generic[160]; /* the scenario key: cycles */
  int pmu;           /* 0: none, 1: cpu_core, 2: cpu_atom */
  int hardware;
  const struct scenario_event *source;
  /* this interval */
  int counted;
  double value;
};

static struct scenario_event scenario[MAX_SCENARIO];
static int scenario_count;
static double global_running_pct = 100; /* multiplexing: share of the enabled time a hardware counter ran */
/* `late-tail K` (0: none; -1, `late-tail every`: each): window K's counts come one tick late. The
 * first tick after its disable prints every row <not counted> (0 run, 100.00), the next one its
 * counts: as the kernel does where a thread's counters were handed to another thread of the
 * process that folds them in only as it exits (src/perf/late-tail.ts). */
static int late_tail_window = 0;
/* `rotate N` (0: none): perf's multiplexing seen through intervals as short as its rotation: hardware
 * row K (in -e order) runs all of interval T where (K + T) % N == 0 and none of the others, which perf
 * prints `<not counted>` with 0.00 (run 0 of an enabled time) */
static int rotate_turns = 0;
static long interval_number = 0;
static double hybrid_core_pct = -1;     /* < 0: not a hybrid machine */

/* `metric NAME VALUE [UNIT]`: a metric-only row each counted interval, printed only under -M */
#define MAX_METRICS 16
struct scenario_metric {
  char name[96];
  char unit[32];
  double value;
};
static struct scenario_metric metrics_rows[MAX_METRICS];
static int metric_count;
static int metrics_requested; /* -M was given */

static struct row rows[MAX_EVENTS * 2];
static int row_count;

static const char *sep = NULL;
static long interval_ms = 0;
static volatile sig_atomic_t got_sigint = 0;
/* PERFCELL_REPLAY_TRACE=FILE: appended, every control command, SIGINT, each interval's counted
 * seconds (`counted S s`) and its rows: what the replay "counted", for tests to hold reports to */
static FILE *trace = NULL;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_sigint(int signo) {
  (void)signo;
  got_sigint = 1;
}

static const char *const HARDWARE[] = {
  "cycles", "cpu-cycles", "instructions", "cache-references", "cache-misses", "branches",
  "branch-instructions", "branch-misses", "bus-cycles", "ref-cycles", "stalled-cycles-frontend",
  "stalled-cycles-backend", "idle-cycles-frontend", "idle-cycles-backend", "slots", NULL,
};
static const char *const CACHE_PREFIXES[] = { "L1-dcache-", "L1-icache-", "LLC-", "dTLB-", "iTLB-", "branch-load", "node-", NULL };

static int is_hardware(const char *generic) {
  char base[96];
  snprintf(base, sizeof base, "%s", generic);
  char *colon = strchr(base, ':');
  if (colon) *colon = 0;
  for (int i = 0; HARDWARE[i]; i++) if (strcmp(base, HARDWARE[i]) == 0) return 1;
  for (int i = 0; CACHE_PREFIXES[i]; i++) if (strncmp(base, CACHE_PREFIXES[i], strlen(CACHE_PREFIXES[i])) == 0) return 1;
  return 0;
}

static const struct scenario_event *find_scenario(const char *name) {
  for (int i = 0; i < scenario_count; i++) if (strcmp(scenario[i].name, name) == 0) return &scenario[i];
  char base[96];
  snprintf(base, sizeof base, "%s", name);
  char *colon = strchr(base, ':');
  if (colon) {
    *colon = 0;
    for (int i = 0; i < scenario_count; i++) if (strcmp(scenario[i].name, base) == 0) return &scenario[i];
  }
  return NULL;
}

/* One scenario line: `running PCT`, `hybrid CORE_PCT`, `EVENT RATE [RUNNING_PCT]`,
 * `EVENT <not counted>` or `EVENT <not supported>`; `#` starts a comment. */
static void parse_scenario_line(char *line) {
  char *hash = strchr(line, '#');
  if (hash) *hash = 0;
  char *name = strtok(line, " \t\r");
  if (!name) return;
  char *rest = strtok(NULL, "\r");
  while (rest && (*rest == ' ' || *rest == '\t')) rest++;
  if (!rest || !*rest) {
    fprintf(stderr, "replay-perf: scenario line '%s' has no value\n", name);
    exit(2);
  }
  if (strcmp(name, "running") == 0) { global_running_pct = atof(rest); return; }
  if (strcmp(name, "hybrid") == 0) { hybrid_core_pct = atof(rest); return; }
  if (strcmp(name, "rotate") == 0) { rotate_turns = atoi(rest); return; }
  if (strcmp(name, "late-tail") == 0) { late_tail_window = strcmp(rest, "every") == 0 ? -1 : atoi(rest); return; }
  if (strcmp(name, "metric") == 0) {
    if (metric_count == MAX_METRICS) return;
    struct scenario_metric *metric = &metrics_rows[metric_count++];
    char unit[32] = "";
    if (sscanf(rest, "%95s %lf %31s", metric->name, &metric->value, unit) < 2) {
      fprintf(stderr, "replay-perf: scenario line 'metric %s' wants NAME VALUE [UNIT]\n", rest);
      exit(2);
    }
    snprintf(metric->unit, sizeof metric->unit, "%s", unit);
    return;
  }
  if (scenario_count == MAX_SCENARIO) return;
  struct scenario_event *event = &scenario[scenario_count++];
  snprintf(event->name, sizeof event->name, "%s", name);
  event->running_pct = -1;
  if (strncmp(rest, "<not counted>", 13) == 0) event->status = NOT_COUNTED;
  else if (strncmp(rest, "<not supported>", 15) == 0) event->status = NOT_SUPPORTED;
  else {
    char *end;
    event->status = COUNTED;
    event->rate_per_s = strtod(rest, &end);
    if (end == rest) {
      fprintf(stderr, "replay-perf: scenario rate '%s' of %s is not a number\n", rest, name);
      exit(2);
    }
    while (*end == ' ' || *end == '\t') end++;
    if (*end) event->running_pct = atof(end);
  }
}

/* The scenario: PERFCELL_REPLAY_SCENARIO (lines separated by newlines or ';'), or the file named by
 * PERFCELL_REPLAY_SCENARIO_FILE. */
static void load_scenario(void) {
  char *text = NULL;
  const char *inline_text = getenv("PERFCELL_REPLAY_SCENARIO");
  const char *file = getenv("PERFCELL_REPLAY_SCENARIO_FILE");
  if (inline_text) text = strdup(inline_text);
  else if (file) {
    FILE *in = fopen(file, "r");
    if (!in) {
      fprintf(stderr, "replay-perf: cannot read scenario %s: %s\n", file, strerror(errno));
      exit(2);
    }
    size_t size = 0;
    text = calloc(1, 65536);
    size = fread(text, 1, 65535, in);
    text[size] = 0;
    fclose(in);
  }
  if (!text) return;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n;", &save); line; line = strtok_r(NULL, "\n;", &save)) parse_scenario_line(line);
}

static void add_row(const char *name, const char *generic, int pmu) {
  if (row_count == MAX_EVENTS * 2) return;
  struct row *row = &rows[row_count++];
  snprintf(row->name, sizeof row->name, "%s", name);
  snprintf(row->generic, sizeof row->generic, "%s", generic);
  row->pmu = pmu;
  row->hardware = is_hardware(generic);
  row->source = find_scenario(name);
  if (!row->source) row->source = find_scenario(generic);
}

/* One -e item: `cycles`, `cycles:u`, `cpu_core/cycles/`. On a hybrid machine perf 6.1 opens a
 * generic hardware event on each core PMU and prints cpu_core/EV/ then cpu_atom/EV/
 * (samples/perf/kernel-doc-intel-hybrid-thread-mode.human.txt, lkml-2023-kanliang-adl-hybrid-default). */
static void add_event(const char *item) {
  if (!*item) return;
  if (strncmp(item, "cpu_core/", 9) == 0 || strncmp(item, "cpu_atom/", 9) == 0) {
    char generic[160];
    snprintf(generic, sizeof generic, "%s", item + 9);
    char *slash = strchr(generic, '/');
    if (slash) *slash = 0;
    add_row(item, generic, item[4] == 'c' ? 1 : 2);
    return;
  }
  if (hybrid_core_pct >= 0 && is_hardware(item)) {
    char name[160];
    snprintf(name, sizeof name, "cpu_core/%s/", item);
    add_row(name, item, 1);
    snprintf(name, sizeof name, "cpu_atom/%s/", item);
    add_row(name, item, 2);
    return;
  }
  add_row(item, item, 0);
}

/* Splits an -e list on commas outside `{...}` groups; group braces and modifiers are dropped
 * (perf prints a group's members under their own names). */
static void add_events(const char *list) {
  char item[128];
  size_t length = 0;
  int depth = 0;
  for (const char *p = list;; p++) {
    char c = *p;
    if (c == '{') { depth++; continue; }
    if (c == '}') {
      depth--;
      while (p[1] && p[1] != ',') p++; /* a group modifier such as }:u */
      continue;
    }
    if (c == 0 || c == ',') {
      item[length] = 0;
      add_event(item);
      length = 0;
      if (c == 0) break;
      continue;
    }
    if (length < sizeof item - 1) item[length++] = c;
  }
}

static double running_pct_of(const struct row *row) {
  double pct = 100;
  if (row->hardware) {
    pct = row->source && row->source->running_pct >= 0 ? row->source->running_pct : global_running_pct;
    if (row->pmu == 1 && hybrid_core_pct >= 0) pct = pct * hybrid_core_pct / 100;
    if (row->pmu == 2 && hybrid_core_pct >= 0) pct = pct * (100 - hybrid_core_pct) / 100;
  }
  return pct;
}

static const struct row *find_row(const char *generic, int pmu) {
  for (int i = 0; i < row_count; i++) {
    if (rows[i].counted && rows[i].pmu == pmu && strcmp(rows[i].generic, generic) == 0) return &rows[i];
  }
  return NULL;
}

/* print_metric_csv of perf 6.1: the value as printf'd with perf's format, cut after its digits. */
static void metric(char *out, size_t size, const char *fmt, double value, const char *unit) {
  char buf[64];
  snprintf(buf, sizeof buf, fmt, value);
  char *start = buf;
  while (*start == ' ') start++;
  char *end = start;
  while ((*end >= '0' && *end <= '9') || *end == '.') end++;
  *end = 0;
  snprintf(out, size, "%s%s%s%s", sep, start, sep, unit);
}

/* The metric columns perf 6.1's stat-shadow.c prints after a counted row, for the events perfcell
 * asks for; any other event gets perf's empty pair. Per PMU on hybrid machines, as the 6.5 capture
 * lkml-2023-kanliang-adl-hybrid-default shows (insn per cycle per cpu_core and cpu_atom). */
static void metric_columns(const struct row *row, char *out, size_t size, double interval_s) {
  const struct row *task_clock = find_row("task-clock", 0);
  double task_ns = task_clock ? task_clock->value * 1e6 : 0;
  snprintf(out, size, "%s%s", sep, sep);
  if (strcmp(row->generic, "task-clock") == 0) {
    metric(out, size, "%8.3f", row->value * 1e6 / (interval_s * 1e9), "CPUs utilized");
  } else if (strcmp(row->generic, "instructions") == 0) {
    const struct row *cycles = find_row("cycles", row->pmu);
    if (cycles && cycles->value > 0) metric(out, size, "%7.2f ", row->value / cycles->value, "insn per cycle");
    else snprintf(out, size, "%s%s", sep, sep);
  } else if (strcmp(row->generic, "cycles") == 0) {
    if (task_ns > 0) metric(out, size, "%8.3f", row->value / task_ns, "GHz");
  } else if (strcmp(row->generic, "cache-misses") == 0 && find_row("cache-references", row->pmu)) {
    const struct row *refs = find_row("cache-references", row->pmu);
    metric(out, size, "%8.3f %%", refs->value > 0 ? row->value * 100 / refs->value : 0, "of all cache refs");
  } else if (strcmp(row->generic, "branch-misses") == 0 && find_row("branches", row->pmu)) {
    const struct row *branches = find_row("branches", row->pmu);
    metric(out, size, "%7.2f%%", branches->value > 0 ? row->value * 100 / branches->value : 0, "of all branches");
  } else if (task_ns > 0) {
    double rate = 1e9 * row->value / task_ns;
    const char *unit = "/sec";
    if (rate > 1e9) { rate /= 1e9; unit = "G/sec"; }
    else if (rate > 1e6) { rate /= 1e6; unit = "M/sec"; }
    else if (rate > 1e3) { rate /= 1e3; unit = "K/sec"; }
    metric(out, size, "%8.3f", rate, unit);
  }
}

/* One interval's rows: perf 6.1's printout() under -x (see samples/perf/local-perf61-vm-pid-interval-comma.csv.txt
 * for the software and <not supported> rows, gh-loop-unroll-multiplexed.csv.txt for a hardware row
 * scaled from part of the time). `counted_s`: seconds enabled while the target lived. */
static void print_rows(const char *prefix, double counted_s, double interval_s) {
  uint64_t enabled_ns = (uint64_t)llround(counted_s * 1e9);
  if (trace) fprintf(trace, "counted %.9f s\n", counted_s);
  if (enabled_ns > 0) interval_number++;
  for (int i = 0, hardware_index = 0; i < row_count; i++) {
    struct row *row = &rows[i];
    enum status status = row->source ? row->source->status : (row->hardware ? NOT_SUPPORTED : COUNTED);
    double pct = running_pct_of(row);
    int its_turn = !row->hardware || rotate_turns <= 0 || (hardware_index + interval_number) % rotate_turns == 0;
    if (row->hardware) hardware_index++;
    row->counted = status == COUNTED && enabled_ns > 0 && pct > 0 && its_turn;
    row->value = row->counted && row->source ? row->source->rate_per_s * counted_s : 0;
  }
  for (int i = 0; i < row_count; i++) {
    const struct row *row = &rows[i];
    int is_clock = strcmp(row->generic, "task-clock") == 0 || strcmp(row->generic, "cpu-clock") == 0;
    const char *unit = is_clock ? "msec" : "";
    char line[512];
    enum status status = row->source ? row->source->status : (row->hardware ? NOT_SUPPORTED : COUNTED);
    if (status == NOT_SUPPORTED) {
      /* run == ena == 0: perf prints 100.00 (local-perf61-vm-pid-interval-comma.csv.txt) */
      snprintf(line, sizeof line, "%s<not supported>%s%s%s%s%s0%s100.00%s%s\n", prefix, sep, unit, sep, row->name, sep, sep, sep, sep);
    } else if (!row->counted) {
      /* enabled for none of the interval: run == ena == 0, 100.00 (as real perf prints while -D -1
       * holds counting off); enabled but the counter never ran (hybrid PMU the task never ran on,
       * an event perf could not schedule): run 0 of ena > 0, 0.00
       * (lkml-2024-jclark-hybrid-not-counted-before.json.txt: "pcnt-running" : 0.00) */
      const char *pct = enabled_ns == 0 ? "100.00" : "0.00";
      snprintf(line, sizeof line, "%s<not counted>%s%s%s%s%s0%s%s%s%s\n", prefix, sep, unit, sep, row->name, sep, sep, pct, sep, sep);
    } else {
      /* perf's print_running_csv: 100 * run / ena in u64, so the percentage is a whole number
       * printed as %.2f (75.00); perf scales the count up to the whole enabled time itself */
      /* rounded up, so that 100 * run / ena gives back the scenario's whole percentage */
      uint64_t run_ns = (uint64_t)ceil((double)enabled_ns * running_pct_of(row) / 100);
      if (run_ns > enabled_ns) run_ns = enabled_ns;
      double enabled_percent = run_ns == enabled_ns ? 100 : (double)(100 * run_ns / enabled_ns);
      char value[64], metrics[160];
      if (is_clock) snprintf(value, sizeof value, "%.2f", row->value);
      else snprintf(value, sizeof value, "%.0f", row->value);
      metric_columns(row, metrics, sizeof metrics, interval_s);
      snprintf(line, sizeof line, "%s%s%s%s%s%s%s%" PRIu64 "%s%.2f%s\n", prefix, value, sep, unit, sep, row->name, sep, run_ns, sep, enabled_percent, metrics);
    }
    fputs(line, stderr);
    if (trace) fputs(line, trace);
  }
  /* -M's metric-only rows after the counters: five empty columns, the value, then `UNIT  NAME`
   * (samples/perf/lkml-2023-kanliang-spr-default-topdown.csv.txt: `,,,,,70.1,%  tma_backend_bound`),
   * behind the interval's prefix; none while counting was off */
  if (!metrics_requested || enabled_ns == 0) return;
  for (int i = 0; i < metric_count; i++) {
    const struct scenario_metric *metric = &metrics_rows[i];
    char line[512];
    snprintf(line, sizeof line, "%s%s%s%s%s%s%.*f%s%s%s%s\n", prefix, sep, sep, sep, sep, sep, metric->unit[0] == '%' ? 1 : 2, metric->value, sep,
             metric->unit, metric->unit[0] ? "  " : "", metric->name);
    fputs(line, stderr);
    if (trace) fputs(line, trace);
  }
}

static int target_present(pid_t pid) {
  char path[64];
  struct stat st;
  snprintf(path, sizeof path, "/proc/%d", (int)pid);
  return stat(path, &st) == 0;
}

/* A process's comm (without its newline) into `comm`; "" where it is gone. */
static void read_comm(pid_t pid, char *comm, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
  comm[0] = 0;
  FILE *in = fopen(path, "r");
  if (!in) return;
  if (!fgets(comm, (int)size, in)) comm[0] = 0;
  fclose(in);
  comm[strcspn(comm, "\n")] = 0;
}

/* Whether the target is compare's served-run forker (native/perfcell-serve.c): its clones, children
 * of its parent, inherit its counters, so the target's counters count their programs. */
static int is_served_forker(pid_t pid) {
  char comm[64];
  read_comm(pid, comm, sizeof comm);
  return strcmp(comm, "perfcell-serve") == 0;
}

/* Whether a served program runs: a child of the forker's parent, other than the forker, that has
 * exec'd (its comm is no longer perfcell-serve) and has not exited (state Z or X). */
static int served_program_runs(pid_t forker) {
  char path[96], text[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)forker);
  FILE *in = fopen(path, "r");
  if (!in) return 0;
  size_t n = fread(text, 1, sizeof text - 1, in);
  fclose(in);
  text[n] = 0;
  char *paren = strrchr(text, ')');
  int server = 0;
  if (!paren || sscanf(paren + 2, "%*c %d", &server) != 1) return 0;
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", server, server);
  in = fopen(path, "r");
  if (!in) return 0;
  int child, runs = 0;
  while (!runs && fscanf(in, "%d", &child) == 1) {
    if (child == (int)forker) continue;
    char comm[64];
    read_comm(child, comm, sizeof comm);
    if (comm[0] == 0 || strcmp(comm, "perfcell-serve") == 0) continue;
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    FILE *stat_in = fopen(path, "r");
    if (!stat_in) continue;
    size_t got = fread(text, 1, sizeof text - 1, stat_in);
    fclose(stat_in);
    text[got] = 0;
    char *close = strrchr(text, ')');
    runs = close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
  }
  fclose(in);
  return runs;
}

/* Whether the target is perfcell run's exec gate still holding the program before its exec. */
static int is_held_by_gate(pid_t pid) {
  char comm[64];
  read_comm(pid, comm, sizeof comm);
  return strncmp(comm, "perfcell-exec", 13) == 0;
}

/* Whether the target is running or runnable now (state R in /proc/PID/stat). */
static int is_runnable(pid_t pid) {
  char path[64], text[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *in = fopen(path, "r");
  if (!in) return 0;
  size_t n = fread(text, 1, sizeof text - 1, in);
  fclose(in);
  text[n] = 0;
  char *paren = strrchr(text, ')');
  return paren && paren[1] == ' ' && paren[2] == 'R';
}

/* The target's (main thread's) time on a CPU plus its time waiting for one so far, ns
 * (/proc/PID/schedstat); -1 where it cannot be read. */
static long long runnable_ns(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
  FILE *in = fopen(path, "r");
  if (!in) return -1;
  long long on_cpu = 0, waiting = 0;
  int read = fscanf(in, "%lld %lld", &on_cpu, &waiting);
  fclose(in);
  return read == 2 ? on_cpu + waiting : -1;
}

static int usage(const char *message) {
  fprintf(stderr, "replay-perf: %s (this test double answers `perf --version` and `perf stat` only)\n", message);
  return 129;
}

/* `perf stat -x, -e EVENTS -- CMD`: one set of total rows for the whole run (perfcell's probes). */
static int stat_command(char **argv) {
  double start = now_s();
  pid_t child = fork();
  if (child == 0) {
    execvp(argv[0], argv);
    fprintf(stderr, "Workload failed: %s\n", strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  double elapsed = now_s() - start;
  print_rows("", elapsed, elapsed);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
    printf("perf version 6.1.187\n");
    return 0;
  }
  if (argc < 2 || strcmp(argv[1], "stat") != 0) return usage("no stat command");
  load_scenario();
  if (getenv("PERFCELL_REPLAY_TRACE")) {
    trace = fopen(getenv("PERFCELL_REPLAY_TRACE"), "a");
    if (trace) setvbuf(trace, NULL, _IOLBF, 0);
    /* `run ARGS`: each replay's lines start with its arguments, so a test can tell the perf that
     * measured from a probe (`perf stat -e EVENTS -- true`, which perfcell runs to check events) */
    if (trace) {
      char line[4096];
      size_t used = (size_t)snprintf(line, sizeof line, "run");
      for (int i = 1; i < argc && used < sizeof line; i++) used += (size_t)snprintf(line + used, sizeof line - used, " %s", argv[i]);
      fprintf(trace, "%s\n", line);
    }
  }

  pid_t pid = 0;
  int start_disabled = 0, control_fd = -1, ack_fd = -1;
  char **command = NULL;
  const char *events[MAX_EVENTS];
  int event_lists = 0;
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE(short_flag, long_flag) \
    ((strcmp(arg, short_flag) == 0 || strcmp(arg, long_flag) == 0) ? (i++, next) \
     : strncmp(arg, short_flag, strlen(short_flag)) == 0 && strlen(short_flag) == 2 && arg[2] ? arg + 2 \
     : strncmp(arg, long_flag "=", strlen(long_flag) + 1) == 0 ? arg + strlen(long_flag) + 1 : NULL)
    const char *value;
    if (strcmp(arg, "--") == 0) { command = argv + i + 1; break; }
    if ((value = VALUE("-x", "--field-separator"))) sep = value;
    else if ((value = VALUE("-I", "--interval-print"))) interval_ms = atol(value);
    else if ((value = VALUE("-p", "--pid"))) pid = (pid_t)atol(value);
    else if ((value = VALUE("-e", "--event"))) { if (event_lists < MAX_EVENTS) events[event_lists++] = value; }
    else if ((value = VALUE("-D", "--delay"))) start_disabled = atol(value) < 0;
    else if ((value = VALUE("-M", "--metrics"))) metrics_requested = 1;
    else if (strncmp(arg, "--control", 9) == 0) {
      const char *spec = arg[9] == '=' ? arg + 10 : (i++, next);
      if (!spec || sscanf(spec, "fd:%d,%d", &control_fd, &ack_fd) < 1) return usage("--control takes fd:CTL,ACK");
    } else if (arg[0] != '-') { command = argv + i; break; }
    /* anything else (--no-big-num, -a, ...) changes nothing in what is replayed */
  }
  if (!sep) return usage("only -x (CSV) output is replayed");
  for (int i = 0; i < event_lists; i++) add_events(events[i]);

  if (pid == 0) {
    if (!command || !command[0]) return usage("no --pid and no command");
    return stat_command(command);
  }
  if (interval_ms <= 0) return usage("only -I interval output is replayed with --pid");
  if (!target_present(pid)) {
    /* samples/perf-errors/local-perf61-no-such-pid.txt, exit status 234 as perf 6.1 here */
    fputs("Problems finding threads of monitor\n\n Usage: perf stat [<options>] [<command>]\n\n"
          "    -p, --pid <pid>       stat events on existing process id\n"
          "    -t, --tid <tid>       stat events on existing thread id\n", stderr);
    return 234;
  }
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

  /* SIGINT is delivered only inside ppoll(): perf prints the last partial interval when the
   * signal interrupts its poll (real perf can also be hit outside it and then ends silently). */
  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_BLOCK, &blocked, &waiting);
  sigdelset(&waiting, SIGINT);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_sigint;
  sigaction(SIGINT, &action, NULL);
  /* Best effort (root only): on a loaded machine the replay's own wait for a CPU would blur the
   * moments it sees; perf's output does not depend on it. */
  if (nice(-10) == -1) {}
  setvbuf(stderr, NULL, _IOLBF, 0);

  double zero = now_s();
  int enabled = !start_disabled;
  int alive = 1;
  /* counting waits for the target to run (see the counting model above) */
  int running = 0;
  int serving = is_served_forker(pid);
  long long cpu_baseline = runnable_ns(pid);
  if (start_disabled) fputs("Events disabled\n", stderr);
  double mark = zero, counted_s = 0, last_look = zero;
  /* late-tail: the disables so far; a late window's counts, held for the tick after its first */
  int disables = 0, holding = 0;
  double carried_s = 0;
  double deadline = zero + interval_ms / 1000.0;
  char control_buffer[256];
  size_t control_length = 0;

  int woken_by_exit = 0;
  for (;;) {
    /* perf's dispatch_events() asks is_target_alive() (does /proc/PID exist) after every poll()
     * wake-up: an interval tick or a control command. The target's exit itself does not wake perf
     * (the pidfd is the replay's own), so perf prints the tick after it and then exits. */
    if (!woken_by_exit && !target_present(pid)) return 0;
    woken_by_exit = 0;
    struct pollfd fds[2];
    int count = 0;
    if (control_fd >= 0) fds[count++] = (struct pollfd){ .fd = control_fd, .events = POLLIN };
    int pid_slot = -1;
    if (pidfd >= 0 && alive) { pid_slot = count; fds[count++] = (struct pollfd){ .fd = pidfd, .events = POLLIN }; }
    double wait_s = deadline - now_s();
    if (wait_s < 0) wait_s = 0;
    if (enabled && (!running || serving) && wait_s > 0.001) wait_s = 0.001;
    struct timespec timeout = { (time_t)wait_s, (long)((wait_s - (time_t)wait_s) * 1e9) };
    int ready = ppoll(fds, (nfds_t)count, &timeout, &waiting);
    double now = now_s();
    if (enabled && alive && running) counted_s += now - mark;
    mark = now;
    if (serving) {
      /* compare's served runs: what counts is a program between its exec and its exit, looked at
       * every millisecond while counting is on (the forker itself only ever sleeps) */
      running = enabled && served_program_runs(pid);
    } else if (enabled && !running && is_held_by_gate(pid)) {
      /* perfcell run's gate: the program starts at its exec (the gate's own few instructions
       * before it are nothing on a PMU, but its wait for a CPU on a busy machine would count here
       * as wall time) */
      cpu_baseline = runnable_ns(pid);
    } else if (enabled && !running) {
      long long ns = runnable_ns(pid);
      running = ns < 0 || ns != cpu_baseline || is_runnable(pid);
      /* Seen late when the replay itself waited for a CPU: count from when the target became
       * runnable, as far as its accounted run and wait time tell, but not before the last look. */
      if (running && alive && ns > cpu_baseline && cpu_baseline >= 0) {
        double since = now - (double)(ns - cpu_baseline) / 1e9;
        if (since < last_look) since = last_look;
        counted_s += now - since;
      } else if (running && alive && ns < 0) {
        /* ran and was reaped between two looks (`true`): at most the 1 ms between looks */
        counted_s += now - last_look < 0.001 ? now - last_look : 0.001;
      }
    }
    last_look = now;

    if (ready < 0 && errno == EINTR && got_sigint) {
      char prefix[64];
      double t = now - zero;
      if (trace) fprintf(trace, "SIGINT at %.9f\n", t);
      snprintf(prefix, sizeof prefix, "%6lu.%09lu%s", (unsigned long)t, (unsigned long)((t - floor(t)) * 1e9), sep);
      print_rows(prefix, counted_s + carried_s, interval_ms / 1000.0);
      /* perf's sig_atexit(): the default action, so it ends killed by SIGINT as the real one does */
      signal(SIGINT, SIG_DFL);
      sigprocmask(SIG_UNBLOCK, &blocked, NULL);
      raise(SIGINT);
      return 130;
    }
    if (now >= deadline) {
      char prefix[64];
      double t = now - zero;
      snprintf(prefix, sizeof prefix, "%6lu.%09lu%s", (unsigned long)t, (unsigned long)((t - floor(t)) * 1e9), sep);
      double shown_s = counted_s + carried_s;
      carried_s = 0;
      if (holding && !enabled) {
        carried_s = shown_s;
        shown_s = 0;
        holding = 0;
      }
      print_rows(prefix, shown_s, interval_ms / 1000.0);
      counted_s = 0;
      deadline = now + interval_ms / 1000.0;
      continue;
    }
    if (ready <= 0) continue; /* the 1 ms look at whether the target runs yet */
    int control_ready = control_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP));
    if (pid_slot >= 0 && (fds[pid_slot].revents & POLLIN)) {
      alive = 0; /* the target has exited: nothing more counts */
      woken_by_exit = !control_ready;
    }
    if (control_ready) {
      ssize_t n = read(control_fd, control_buffer + control_length, sizeof control_buffer - 1 - control_length);
      if (n <= 0) { control_fd = -1; continue; }
      control_length += (size_t)n;
      char *newline;
      while ((newline = memchr(control_buffer, '\n', control_length)) != NULL) {
        *newline = 0;
        int known = 1;
        if (trace) fprintf(trace, "%s at %.9f\n", control_buffer, now - zero);
        if (strcmp(control_buffer, "enable") == 0) {
          if (!enabled) { running = 0; cpu_baseline = runnable_ns(pid); }
          enabled = 1;
          fputs("Events enabled\n", stderr);
        }
        else if (strcmp(control_buffer, "disable") == 0) {
          enabled = 0;
          disables++;
          holding = late_tail_window == -1 || late_tail_window == disables;
          fputs("Events disabled\n", stderr);
        }
        else if (strcmp(control_buffer, "ping") != 0) known = 0;
        /* perf writes EVLIST_CTL_CMD_ACK_TAG with sizeof: "ack\n" and its NUL */
        if (known && ack_fd >= 0 && write(ack_fd, "ack\n", 5) < 0) {}
        size_t used = (size_t)(newline - control_buffer) + 1;
        memmove(control_buffer, control_buffer + used, control_length - used);
        control_length -= used;
      }
    }
  }
}
