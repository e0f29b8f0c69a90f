/*
 * own-span MS LABEL FILE: sleeps MS ms as test/fixtures/sleep-ms.c does, and appends "LABEL NS" to
 * FILE, NS its own span on CLOCK_MONOTONIC from main's first statement to the sleep's end: the part
 * of a run that is the program's own, whichever tool times it (scripts/lib/own-span.mjs).
 *
 *   cc -O2 -o /tmp/own-span scripts/lib/own-span.c
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}
int main(int argc, char **argv) {
  long long start = now_ns();
  if (argc < 4) return 2;
  long ms = atol(argv[1]);
  struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&t, &t) != 0) {}
  long long end = now_ns();
  char line[256];
  int length = snprintf(line, sizeof line, "%s %lld\n", argv[2], end - start);
  int fd = open(argv[3], O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0 || write(fd, line, (size_t)length) != length) return 1;
  return close(fd) != 0;
}
