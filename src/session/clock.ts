/** Monotonic clock in nanoseconds; the only clock perfcell measures durations with. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}
