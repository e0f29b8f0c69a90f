/*
 * perfcell-live: the live view of a long command, drawn from OUTSIDE the measured process.
 *
 *   perfcell-live --follow PID [DELAY_MS [REFRESH_MS]]
 *
 * perfcell writes one command a line on stdin:
 *   open PATH [PID [ELAPSED_MS [bottom]]]
 *                    a window starts: PATH is the file its perf writes to (read from its end on;
 *                    `-`: none, a window without perf, whose line shows time and memory only),
 *                    PID the process whose RSS is shown (else the PID it was started with),
 *                    ELAPSED_MS how long the window has been open already (a relay started late);
 *                    `bottom`: the line goes on the terminal's last row, kept out of the rows the
 *                    window's program writes to (below);
 *   mem RSS PEAK     the window's memory as perfcell reads it, bytes, shown from now on instead of
 *                    the process's: a run's whole process tree (its memory cgroup, or the sum of
 *                    its processes), the figures its report's peak is made of;
 *   close            the window ended: the line is erased, and "#perfcell-live erased" is written
 *                    to stdout, so perfcell can print its report on a clean line;
 *   drop             a window too short to have shown its line ended: closed, unanswered (a file of
 *                    short cells sends one a cell, and waits for nothing).
 * From DELAY_MS (1000) after `open`, one status line is drawn on stderr (a terminal) every
 * REFRESH_MS (250): elapsed time, the current and peak RSS (the last `mem`, else the process's
 * /proc/PID/status VmRSS and VmHWM) and each counter's rate over perf's interval rows read since
 * the last draw, as many of these fields, whole and in that order, as the terminal's width holds. perf writes to its file, which never blocks it, and the file is read only to draw.
 * The line is drawn on the cursor's row, where perfcell's own writes erase it first (output-guard.ts);
 * a `bottom` window's (`run`'s and `cells`', whose programs write to the terminal themselves) on
 * the last row instead, with the rows above it a scrolling region of their own (DECSTBM, as apt
 * draws its progress under dpkg's output): the programs' lines scroll there and never land on its row
 * (they had read "live 1.0s  RSS 1.2 MiB  peak 1.2 MiBtick2"). The region is reset when the line is
 * erased, and set again for the new size when the terminal's rows change.
 * The measured process gets no thread, timer or allocation of it: when the REPL's own process is
 * busy in a synchronous command, this process draws. One relay serves every window of a perfcell
 * process (a file's cells, `run -r`, the REPL's commands), not one per window. At EOF on stdin the
 * line is erased and the relay exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 32
#define LINE_MAX_BYTES 4096

struct event {
  char name[64];
  char unit[16];
  double value;
  double interval_s;
  /* perf's time of the event's previous row; < 0: none yet (a file is read from its middle) */
  double last_time_s;
  int valid;
  /* counts and seconds of the rows since the last draw */
  double sum_value;
  double sum_s;
};

static struct event events[MAX_EVENTS];
static int event_count = 0;
/* A file is read from its end on, which may fall inside one of perf's intervals (a ticking perf
   writes one row at a time): its rows are skipped until the next interval's, so the events are
   listed in perf's order (-e's), not from wherever the read began (a cell's line had read
   "task-clock … page-faults" for `-e page-faults,task-clock`). 1: looking for the first row;
   2: skipping the rows of `partial_time_s`; 0: in step. */
static int syncing = 0;
static double partial_time_s = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_all(int fd, const char *text, size_t length) {
  while (length > 0) {
    ssize_t written = write(fd, text, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;
    }
    text += written;
    length -= (size_t)written;
  }
}

/* One CSV interval row: time,value,unit,event,... ; rows of other shapes are ignored. */
static void take_row(const char *line) {
  char copy[LINE_MAX_BYTES];
  snprintf(copy, sizeof copy, "%s", line);
  char *fields[5] = {0};
  int count = 0;
  char *cursor = copy;
  while (count < 5) {
    fields[count++] = cursor;
    char *comma = strchr(cursor, ',');
    if (comma == NULL) break;
    *comma = '\0';
    cursor = comma + 1;
  }
  if (count < 4) return;
  char *end = NULL;
  double time_s = strtod(fields[0], &end);
  if (end == fields[0]) return;
  const char *name = fields[3];
  while (*name == ' ') name++;
  if (*name == '\0') return;
  if (syncing == 1) {
    partial_time_s = time_s;
    syncing = 2;
    return;
  }
  if (syncing == 2 && time_s == partial_time_s) return;
  syncing = 0;
  struct event *event = NULL;
  for (int index = 0; index < event_count; index++) {
    if (strcmp(events[index].name, name) == 0) event = &events[index];
  }
  if (event == NULL) {
    if (event_count == MAX_EVENTS) return;
    event = &events[event_count++];
    memset(event, 0, sizeof *event);
    event->last_time_s = -1;
    snprintf(event->name, sizeof event->name, "%s", name);
  }
  snprintf(event->unit, sizeof event->unit, "%s", fields[2]);
  double value = strtod(fields[1], &end);
  int first = event->last_time_s < 0;
  double interval_s = time_s - event->last_time_s;
  event->last_time_s = time_s;
  if (first) return;
  /* a tick in which the process never ran reads <not counted> (perf's running time 0):
   * none of it, over the tick's span (an awaiting cell read 240 context-switches/s, its ticks
   * that counted one each, against its 10/s) */
  if (interval_s > 0 && strncmp(fields[1], "<not counted>", 13) == 0) {
    event->sum_s += interval_s;
    return;
  }
  if (end == fields[1] || fields[1][0] == '<' || interval_s <= 0) {
    event->valid = 0;
    return;
  }
  event->sum_value += value;
  event->sum_s += interval_s;
}

/* Each event's rate over the rows read since the last draw (kept where none came). */
static void sum_rows(void) {
  for (int index = 0; index < event_count; index++) {
    struct event *event = &events[index];
    if (event->sum_s <= 0) continue;
    event->value = event->sum_value;
    event->interval_s = event->sum_s;
    event->valid = 1;
    event->sum_value = 0;
    event->sum_s = 0;
  }
}

static void format_mib(char *buffer, size_t size, long kib) {
  if (kib < 0) snprintf(buffer, size, "?");
  else snprintf(buffer, size, "%.1f MiB", (double)kib / 1024.0);
}

/* 999.6/s is 1.0k/s, not "1000" (each step from where its own rounding would reach the next) */
static void format_rate(char *buffer, size_t size, double per_s) {
  if (per_s >= 999.95e6) snprintf(buffer, size, "%.1fG", per_s / 1e9);
  else if (per_s >= 999.95e3) snprintf(buffer, size, "%.1fM", per_s / 1e6);
  else if (per_s >= 999.5) snprintf(buffer, size, "%.1fk", per_s / 1e3);
  else snprintf(buffer, size, "%.0f", per_s);
}

static void read_rss(int pid, long *rss_kib, long *peak_kib) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *file = fopen(path, "r");
  if (file == NULL) return;
  char line[256];
  while (fgets(line, sizeof line, file) != NULL) {
    if (strncmp(line, "VmRSS:", 6) == 0) *rss_kib = strtol(line + 6, NULL, 10);
    else if (strncmp(line, "VmHWM:", 6) == 0) *peak_kib = strtol(line + 6, NULL, 10);
  }
  fclose(file);
}

static int drawn = 0;

/* A terminal of fewer rows keeps the line on the cursor's row (a region of one row scrolls nothing). */
#define MIN_BOTTOM_ROWS 3
/* The open window's line goes on the last row (`open ... bottom`). */
static int bottom_row = 0;
/* The rows the scrolling region was set for (the last row left out of it); 0: none is set. */
static int region_rows = 0;

/* What resets the scrolling region to the whole screen (DECSTBM homes the cursor: saved around it). */
#define RESET_REGION "\0337\033[r\0338"

/* The terminal's size (stderr); 0 rows and 0 columns where it cannot be read. */
static struct winsize terminal_size(void) {
  struct winsize size;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0) memset(&size, 0, sizeof size);
  return size;
}

/*
 * The sequence that leaves the last of `rows` rows out of the scrolling region, the cursor where
 * the program left it: a line feed that keeps the column (IND) and one back up (RI) scroll the
 * screen by one row only where the cursor is on the last row, and move it off that row; the cursor
 * is saved around DECSTBM, which homes it. Where a region was set for another size (the terminal
 * was resized), it is reset first.
 */
static int set_region(char *buffer, size_t size, int rows) {
  int length = snprintf(buffer, size, "%s\033D\033M\0337\033[1;%dr\0338", region_rows > 0 ? RESET_REGION : "", rows - 1);
  region_rows = rows;
  return length;
}

/* The window's memory as perfcell last sent it (`mem`), KiB; -1: none, the process's is read. */
static long sent_rss_kib = -1, sent_peak_kib = -1;

static void draw(int pid, double elapsed_s, long *peak_seen_kib) {
  long rss_kib = sent_rss_kib, hwm_kib = sent_peak_kib;
  if (sent_rss_kib < 0) read_rss(pid, &rss_kib, &hwm_kib);
  if (hwm_kib > *peak_seen_kib) *peak_seen_kib = hwm_kib;
  if (rss_kib > *peak_seen_kib) *peak_seen_kib = rss_kib;
  char rss[32], peak[32];
  format_mib(rss, sizeof rss, rss_kib);
  format_mib(peak, sizeof peak, *peak_seen_kib);
  /* Never wider than the terminal: a wrapped line could not be erased with one \r. */
  struct winsize size = terminal_size();
  int columns = 80;
  if (size.ws_col > 0) columns = size.ws_col;
  else if (getenv("COLUMNS") != NULL && atoi(getenv("COLUMNS")) > 0) columns = atoi(getenv("COLUMNS"));
  int room = columns - 1;
  char text[1024];
  int length = snprintf(text, sizeof text, "live %.1fs", elapsed_s);
  /* a terminal narrower than the first field: that one cut, nothing else */
  if (length > room) length = room < 0 ? 0 : room;
  /* The rest a field at a time, each with its two spaces; the first that does not fit ends the
     line: cut at the width, it had read "live 1.0s  RSS 1.6 MiB  peak 1.6 MiB  p" at 40 columns
     (the p of page-faults). The fields come in their order of weight (memory, then -e's order). */
  char field[160];
  int fits = 1;
  for (int index = -2; fits && index < event_count; index++) {
    int field_length;
    if (index == -2) field_length = snprintf(field, sizeof field, "  RSS %s", rss);
    else if (index == -1) field_length = snprintf(field, sizeof field, "  peak %s", peak);
    else {
      const struct event *event = &events[index];
      if (!event->valid) continue;
      double per_s = event->value / event->interval_s;
      if (strcmp(event->unit, "msec") == 0) {
        field_length = snprintf(field, sizeof field, "  %s %.2f CPUs", event->name, per_s / 1000.0);
      } else {
        char rate[32];
        format_rate(rate, sizeof rate, per_s);
        field_length = snprintf(field, sizeof field, "  %s %s/s", event->name, rate);
      }
    }
    fits = field_length < (int)sizeof field && length + field_length <= room && length + field_length < (int)sizeof text;
    if (fits) {
      memcpy(text + length, field, (size_t)field_length);
      length += field_length;
    }
  }
  char line[1200];
  int total;
  int rows = size.ws_row;
  if (bottom_row && rows >= MIN_BOTTOM_ROWS) {
    char region[96];
    int region_length = 0;
    if (region_rows != rows) region_length = set_region(region, sizeof region, rows);
    /* one write: the region (when it changes) and the line, drawn with the cursor saved and put back */
    total = snprintf(line, sizeof line, "%.*s\0337\033[%d;1H%.*s\033[K\0338", region_length, region, rows, length, text);
  } else {
    /* a terminal shrunk below MIN_BOTTOM_ROWS scrolls whole again, its line on the cursor's row */
    const char *reset = region_rows > 0 ? RESET_REGION : "";
    region_rows = 0;
    total = snprintf(line, sizeof line, "%s\r%.*s\033[K", reset, length, text);
  }
  write_all(STDERR_FILENO, line, (size_t)total);
  drawn = 1;
}

static void erase(void) {
  if (!drawn) return;
  if (region_rows > 0) {
    /* the whole screen scrolls again, and the last row (of the size it has now) is cleared */
    char text[64];
    int rows = terminal_size().ws_row;
    int length = snprintf(text, sizeof text, "\0337\033[r\033[%d;1H\033[2K\0338", rows >= MIN_BOTTOM_ROWS ? rows : region_rows);
    write_all(STDERR_FILENO, text, (size_t)length);
    region_rows = 0;
  } else {
    write_all(STDERR_FILENO, "\r\033[K", 4);
  }
  drawn = 0;
}

/* Splits text into lines: whole ones go to take_row (perf's markers are not rows), the rest waits in pending. */
static void take_text(const char *text, size_t length, char *pending, size_t *pending_len) {
  for (size_t index = 0; index < length; index++) {
    if (text[index] != '\n') {
      if (*pending_len < LINE_MAX_BYTES - 1) pending[(*pending_len)++] = text[index];
      continue;
    }
    pending[*pending_len] = '\0';
    const char *line = pending;
    while (*line == ' ' || *line == '\t') line++;
    if (strncmp(line, "Events ", 7) != 0) take_row(line);
    *pending_len = 0;
  }
}

/* Windows announced on stdin, each read from the file its perf writes to. */
static int follow(int default_pid, double delay_s, double refresh_s) {
  int pid = default_pid;
  char command[LINE_MAX_BYTES];
  size_t command_len = 0;
  char pending[LINE_MAX_BYTES];
  size_t pending_len = 0;
  char chunk[65536];
  int file = -1;
  /* a window is open (with or without a perf file) */
  int is_open = 0;
  double opened_at = 0, next_draw = 0;
  long peak_seen_kib = -1;
  for (;;) {
    int timeout_ms = -1;
    if (is_open) {
      double due = next_draw > opened_at + delay_s ? next_draw : opened_at + delay_s;
      double now = now_s();
      timeout_ms = due <= now ? 0 : (int)((due - now) * 1000.0) + 1;
    }
    struct pollfd input = {.fd = STDIN_FILENO, .events = POLLIN};
    int ready = poll(&input, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) return 71;
    if (ready > 0) {
      ssize_t got = read(STDIN_FILENO, chunk, sizeof chunk);
      if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
        erase();
        return 0;
      }
      for (ssize_t index = 0; index < got; index++) {
        if (chunk[index] != '\n') {
          if (command_len < sizeof command - 1) command[command_len++] = chunk[index];
          continue;
        }
        command[command_len] = '\0';
        command_len = 0;
        if (strncmp(command, "open ", 5) == 0) {
          char *path = command + 5;
          char *space = strchr(path, ' ');
          pid = default_pid;
          bottom_row = 0;
          double elapsed_s = 0;
          if (space != NULL) {
            *space = '\0';
            char *rest = NULL;
            pid = (int)strtol(space + 1, &rest, 10);
            if (pid <= 0) pid = default_pid;
            if (rest != NULL && *rest == ' ') {
              elapsed_s = strtod(rest + 1, &rest) / 1000.0;
              bottom_row = rest != NULL && strcmp(rest, " bottom") == 0;
            }
          }
          if (file >= 0) close(file);
          file = strcmp(path, "-") == 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
          if (file >= 0) lseek(file, 0, SEEK_END);
          syncing = 1;
          is_open = 1;
          opened_at = now_s() - (elapsed_s > 0 ? elapsed_s : 0);
          next_draw = 0;
          pending_len = 0;
          peak_seen_kib = -1;
          sent_rss_kib = sent_peak_kib = -1;
          event_count = 0;
        } else if (strncmp(command, "mem ", 4) == 0) {
          char *rest = NULL;
          double rss_bytes = strtod(command + 4, &rest);
          double peak_bytes = rest != NULL ? strtod(rest, NULL) : 0;
          if (rss_bytes >= 0 && peak_bytes >= 0) {
            sent_rss_kib = (long)(rss_bytes / 1024.0);
            sent_peak_kib = (long)(peak_bytes / 1024.0);
          }
        } else if (strcmp(command, "close") == 0 || strcmp(command, "drop") == 0) {
          if (file >= 0) close(file);
          file = -1;
          is_open = 0;
          erase();
          static const char marker[] = "#perfcell-live erased\n";
          if (command[0] == 'c') write_all(STDOUT_FILENO, marker, sizeof marker - 1);
        }
      }
    }
    double now = now_s();
    if (is_open && now >= opened_at + delay_s && now >= next_draw) {
      for (; file >= 0;) {
        ssize_t got = read(file, chunk, sizeof chunk);
        if (got <= 0) break;
        take_text(chunk, (size_t)got, pending, &pending_len);
      }
      sum_rows();
      draw(pid, now - opened_at, &peak_seen_kib);
      next_draw = now + refresh_s;
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3 || strcmp(argv[1], "--follow") != 0) {
    fprintf(stderr, "usage: perfcell-live --follow PID [DELAY_MS [REFRESH_MS]]\n");
    return 2;
  }
  int pid = atoi(argv[2]);
  double delay_s = argc > 3 ? atof(argv[3]) / 1000.0 : 1.0;
  double refresh_s = argc > 4 ? atof(argv[4]) / 1000.0 : 0.25;
  /* In the command's process group (so that Ctrl-Z stops it with the command), it gets what is sent
     to the group: Ctrl-C, Ctrl-\, a hangup, and the SIGTERM of `timeout`, which signals its whole
     group. They are the command's. The relay ends at EOF on stdin (perfcell closed it, or died) and
     erases its line and the scrolling region then: killed by them, it had left the terminal's last
     row taken. */
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  return follow(pid, delay_s, refresh_s);
}
