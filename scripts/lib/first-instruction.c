/*
 * A program with no C library whose first instruction reads CLOCK_MONOTONIC and writes it (ns, as 8
 * raw bytes) to its stdout, then exits: where a program's own time begins, for spawn-clock.c.
 * x86-64 Linux only (its system calls are made by number).
 *
 *   cc -O2 -static -nostdlib -fno-stack-protector -o /tmp/first-instruction scripts/lib/first-instruction.c
 */
#if !defined(__x86_64__) || !defined(__linux__)
#error "first-instruction.c makes x86-64 Linux system calls by number"
#endif
typedef long long i64;
struct timespec_raw {
  i64 seconds;
  i64 nanoseconds;
};
static long sys3(long number, long a, long b, long c) {
  long result;
  __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return result;
}
enum { SYS_WRITE = 1, SYS_CLOCK_GETTIME = 228, SYS_EXIT_GROUP = 231, CLOCK_MONOTONIC_ID = 1 };
void _start(void) {
  struct timespec_raw now;
  sys3(SYS_CLOCK_GETTIME, CLOCK_MONOTONIC_ID, (long)&now, 0);
  i64 ns = now.seconds * 1000000000LL + now.nanoseconds;
  sys3(SYS_WRITE, 1, (long)&ns, 8);
  sys3(SYS_EXIT_GROUP, 0, 0, 0);
  for (;;) {
  }
}
