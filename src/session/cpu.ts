import { cpuBusyPct, type CpuTicks } from '../../parsers/proc-stat.ts';
import { availableParallelism } from 'node:os';
import type { CpuReport } from './report.ts';

/**
 * /proc/stat counts in ticks of 1/USER_HZ s (10 ms): a window that moved a CPU's counters by
 * fewer ticks than this reads 0 %, 50 % or 100 % by quantisation alone, so it gets no percentage.
 */
export const MIN_TICKS_PER_CPU = 3;

/**
 * The shortest wall time, seconds, over which the command's own CPU gets a percentage. Its CPU
 * time is exact to the µs (getrusage/wait4 sum the scheduler's ns), but it counts every thread of
 * the process: in a sub-millisecond window (the REPL's `1+1`) a V8 compiler or GC helper thread
 * running for a few hundred µs reads as 50-250 % of one cpu, a figure about those threads, not
 * the command. From 10 ms on, such a burst moves the percentage by a few points at most.
 */
export const MIN_OWN_PCT_WALL_S = 0.01;

/** Why the command's own CPU has no percentage although its seconds are known. */
export type OwnPctWithheld = NonNullable<CpuReport['ownPctWithheld']>;

/**
 * The command's own CPU (user + system seconds, and as % of one CPU over the wall time: over 100
 * only where several of its threads or processes ran at once; none under MIN_OWN_PCT_WALL_S, nor
 * beyond what every CPU of the machine could give, which only a measuring error produces) and the
 * machine-wide picture: mean and busiest-CPU busy % from two /proc/stat readings (what psutil's
 * cpu_percent(percpu=True) computes), which include every other process on the machine.
 * Machine-wide figures are null, and `machineWindowTooShort` true, when a CPU's counters moved by
 * fewer than MIN_TICKS_PER_CPU ticks.
 * @example buildCpuReport(before, after, { userS: 0.45, systemS: 0.05, wallS: 0.5 }).ownPct // 100
 * @example buildCpuReport(before, after, { userS: 0.0004, systemS: 0, wallS: 0.0006 }).ownPctWithheld // 'window-too-short'
 */
export function buildCpuReport(
  before: readonly CpuTicks[],
  after: readonly CpuTicks[],
  own: { userS: number | null; systemS: number | null; wallS?: number | null; childrenS?: number | null; resolutionS?: number },
): CpuReport {
  const tooShort = isWindowTooShort(before, after);
  const perCpu = tooShort ? [] : cpuBusyPct(before, after).filter((pct): pct is number => pct !== null);
  const ownS = own.userS === null || own.systemS === null ? null : own.userS + own.systemS;
  const wallS = own.wallS ?? null;
  const share = ownShare(ownS, wallS, before.length > 0 ? before.length : availableParallelism());
  // CPU read in clock ticks (attach's /proc readings: `resolutionS`) can come out a tick or two over
  // the wall time for one busy thread: 101% of one cpu, "several threads at once", was the ticks' doing
  const withinTicks = share.ownPct !== null && ownS !== null && wallS !== null && own.resolutionS !== undefined && share.ownPct > 100 && ownS - wallS <= own.resolutionS;
  const { ownPct, withheld } = withinTicks ? { ...share, ownPct: 100 } : share;
  return {
    systemMeanPct: perCpu.length === 0 ? null : perCpu.reduce((sum, pct) => sum + pct, 0) / perCpu.length,
    singleMaxPct: perCpu.length === 0 ? null : Math.max(...perCpu),
    perCpuPct: perCpu,
    userS: own.userS,
    systemS: own.systemS,
    ownPct,
    ...(withheld === null ? {} : { ownPctWithheld: withheld }),
    machineWindowTooShort: tooShort,
    ...(own.childrenS === null || own.childrenS === undefined || own.childrenS <= 0 ? {} : { childrenS: own.childrenS }),
  };
}

/**
 * The own CPU as % of one CPU, or why it has none. `cpuCount` bounds it: n CPUs give at most
 * n × 100 % (a 2 % margin for the reads around the window).
 * @example ownShare(0.0004, 0.0005, 2) // { ownPct: null, withheld: 'window-too-short' }
 * @example ownShare(0.6, 0.3, 2) // { ownPct: 200, withheld: null }
 */
export function ownShare(ownS: number | null, wallS: number | null, cpuCount: number): { ownPct: number | null; withheld: OwnPctWithheld | null } {
  if (ownS === null || wallS === null || wallS <= 0) return { ownPct: null, withheld: null };
  if (wallS < MIN_OWN_PCT_WALL_S) return { ownPct: null, withheld: 'window-too-short' };
  const pct = (100 * ownS) / wallS;
  if (pct > 102 * Math.max(1, cpuCount)) return { ownPct: null, withheld: 'more-than-every-cpu' };
  return { ownPct: pct, withheld: null };
}

/** Whether the smallest per-CPU tick count of the window is under MIN_TICKS_PER_CPU (or nothing was read). */
export function isWindowTooShort(before: readonly CpuTicks[], after: readonly CpuTicks[]): boolean {
  if (before.length === 0 || after.length === 0) return true;
  let fewest = Infinity;
  for (const [index, end] of after.entries()) {
    const start = before[index];
    if (start === undefined) continue;
    fewest = Math.min(fewest, end.total - start.total);
  }
  return !(fewest >= MIN_TICKS_PER_CPU);
}
