/**
 * perf's interval clock zero on this process's clock, bounded from below. perf stamps its -I
 * intervals from its own zero, which perfcell knows from above (a line reads after perf stamped
 * it), and from perf's "Events disabled" line of -D -1; but perf prints that line before it reads
 * the clock its stamps count from, so a perf preempted in between has its zero later than the
 * line says, and every interval of it was placed before where it was (a QA pass: 5 of 100 runs of
 * `run -I 10 -r 5` beside four busy loops; 300 ms with strace holding that write). A stamp perf
 * took after a moment of ours (`afterNs`: a program's end perf was seen waiting past, a command
 * it answered before it read the counters) puts its zero at that moment less the stamp, or later.
 * @example zeroAtLeastNs(1_000_000_000n, 1_500_000_000n, 0.2) // 1_300_000_000n
 * @example zeroAtLeastNs(1_000_000_000n, 1_100_000_000n, 0.2) // 1_000_000_000n, already later
 */
export function zeroAtLeastNs(zeroNs: bigint | null, afterNs: bigint, stampS: number): bigint {
  const atLeastNs = afterNs - BigInt(Math.round(stampS * 1e9));
  return zeroNs === null || zeroNs < atLeastNs ? atLeastNs : zeroNs;
}
