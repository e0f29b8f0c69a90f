/*
 * How perfcell's native helpers read a request: exact reads, a header line, and LEN bytes of
 * NUL-ended fields split into an argv. The exec gates (through gate-common.h) and perfcell-perf-hold
 * (the library loaded into perf, which takes nothing else of the gates': no signal handler, no
 * globals) include it. Each function is static, as in gate-common.h; included after _GNU_SOURCE.
 */
#ifndef PERFCELL_REQUEST_FIELDS_H
#define PERFCELL_REQUEST_FIELDS_H

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads exactly `size` bytes (through EINTR, and EAGAIN on a descriptor left non-blocking); 0 at EOF or error. */
static int read_exactly(int fd, void *buffer, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, (char *)buffer + got, size - got);
    if (n > 0) got += (size_t)n;
    else if (n == 0) return 0;
    else if (errno == EAGAIN) {
      struct pollfd wait = {fd, POLLIN, 0};
      poll(&wait, 1, -1);
    } else if (errno != EINTR) return 0;
  }
  return 1;
}

/* A line up to '\n' (read a byte at a time: nothing after it is consumed), without the '\n'; 0 at EOF or for an overlong line. */
static int read_line(int fd, char *line, size_t size) {
  size_t used = 0;
  for (;;) {
    if (used == size - 1 || !read_exactly(fd, line + used, 1)) return 0;
    if (line[used] == '\n') break;
    used++;
  }
  line[used] = '\0';
  return 1;
}

/* A request's payload, `length` bytes of NUL-ended fields, as a NULL-ended array pointing into it; NULL when out of memory. */
static char **split_fields(char *payload, size_t length) {
  size_t count = 0;
  for (size_t i = 0; i < length; i++) count += payload[i] == '\0';
  char **fields = calloc(count + 1, sizeof *fields);
  if (fields == NULL) return NULL;
  size_t at = 0;
  for (char *field = payload; field < payload + length; field += strlen(field) + 1) fields[at++] = field;
  fields[at] = NULL;
  return fields;
}

/* One request: a line "PREFIXLEN\n" (read a byte at a time, so nothing after it is consumed), then
   LEN bytes of NUL-ended fields, at most `max_length`. Its fields as a NULL-ended array, or NULL at
   EOF or for a request that is not one. With forward >= 0 the request is also written there as it came.
   (perfcell-serve reads its requests a line at a time, "go" and "cancel" among them: not with this.) */
static __attribute__((unused)) char **read_fields(int fd, const char *prefix, size_t max_length, int forward) {
  char header[32];
  if (!read_line(fd, header, sizeof header)) return NULL;
  size_t used = strlen(header);
  size_t prefix_length = strlen(prefix);
  if (strncmp(header, prefix, prefix_length) != 0) return NULL;
  size_t length = strtoul(header + prefix_length, NULL, 10);
  if (length == 0 || length > max_length) return NULL;
  char *payload = malloc(length + 1);
  if (payload == NULL || !read_exactly(fd, payload, length)) return NULL;
  payload[length] = '\0';
  header[used++] = '\n'; /* forwarded as it came */
  if (forward >= 0 && (write(forward, header, used) != (ssize_t)used || write(forward, payload, length) != (ssize_t)length)) return NULL;
  return split_fields(payload, length);
}

#endif
