/** Monotonic clock in nanoseconds; the only clock perfcell measures durations with. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

/**
 * The same clock in milliseconds, for waits, progress and run-to-run schedules. Not
 * `performance.now()`: Node loads perf_hooks at its first use, 1.6-2.2 ms here, which compare
 * and run paid on their way to the first run (BENCHMARKS.md, Pace notes).
 */
export function monotonicMs(): number {
  return Number(monotonicNs()) / 1e6;
}
