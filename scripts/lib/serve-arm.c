/*
 * What compare's server (native/perfcell-serve.c) costs a run by itself, without Node or perf:
 * the arm (request → "pid" line: the forker clones the held child, which gets ready and waits)
 * and the run (go → the end report: the child's exec, the program, its exit, the reap). Builds
 * taking turns in one process each, medians over the runs, in ms.
 *
 *   cc -O2 -o /tmp/serve-arm scripts/lib/serve-arm.c
 *   /tmp/serve-arm RUNS PROGRAM SERVER [SERVER...]
 *   e.g. /tmp/serve-arm 200 /bin/true /tmp/A/dist/perfcell-serve dist/perfcell-serve
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* One line from fd, a byte at a time; 0 at EOF. */
static int read_line(int fd, char *line, size_t size) {
  size_t used = 0;
  while (used < size - 1) {
    if (read(fd, line + used, 1) != 1) return 0;
    if (line[used++] == '\n') break;
  }
  line[used] = '\0';
  return 1;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, int count) {
  qsort(values, (size_t)count, sizeof *values, by_value);
  return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

struct server {
  const char *path;
  int control, report;
};

static int start(struct server *server) {
  int control[2], report[2];
  if (pipe(control) != 0 || pipe(report) != 0) return 0;
  if (fork() == 0) {
    dup2(control[0], 3);
    dup2(report[1], 4);
    execl(server->path, server->path, "3", "4", (char *)NULL);
    _exit(127);
  }
  close(control[0]);
  close(report[1]);
  server->control = control[1];
  server->report = report[0];
  char line[256];
  return read_line(server->report, line, sizeof line) && strncmp(line, "ready ", 6) == 0;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: serve-arm RUNS PROGRAM SERVER [SERVER...]\n");
    return 2;
  }
  int runs = atoi(argv[1]);
  const char *program = argv[2];
  int count = argc - 3;
  struct server *servers = calloc((size_t)count, sizeof *servers);
  double *arm = calloc((size_t)(count * runs), sizeof *arm), *run = calloc((size_t)(count * runs), sizeof *run);
  for (int s = 0; s < count; s++) {
    servers[s].path = argv[3 + s];
    if (!start(&servers[s])) {
      fprintf(stderr, "serve-arm: %s did not start\n", servers[s].path);
      return 1;
    }
  }
  /* the request: no fields but "--" and the program */
  char payload[4096];
  int length = snprintf(payload, sizeof payload, "--%c%s%c", 0, program, 0);
  char header[32], line[4096];
  int header_length = snprintf(header, sizeof header, "cmd %d\n", length);
  for (int i = 0; i < runs; i++) {
    for (int s = 0; s < count; s++) {
      struct server *server = &servers[s];
      double armed_at = now_ms();
      if (write(server->control, header, (size_t)header_length) < 0 || write(server->control, payload, (size_t)length) < 0) return 1;
      if (!read_line(server->report, line, sizeof line) || strncmp(line, "pid ", 4) != 0 || atoi(line + 4) <= 0) {
        fprintf(stderr, "serve-arm: %s did not arm (%s)\n", server->path, line);
        return 1;
      }
      double released_at = now_ms();
      if (write(server->control, "go\n", 3) < 0) return 1;
      if (!read_line(server->report, line, sizeof line) || line[0] != '{') return 1;
      arm[s * runs + i] = released_at - armed_at;
      run[s * runs + i] = now_ms() - released_at;
    }
  }
  for (int s = 0; s < count; s++) {
    printf("%s: arm %.3f ms, go → end report %.3f ms (medians of %d)\n", servers[s].path, median(arm + s * runs, runs), median(run + s * runs, runs), runs);
  }
  return 0;
}
