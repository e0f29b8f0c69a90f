import { cpuBusyPct, type CpuTicks } from '../../parsers/proc-stat.ts';
import type { CpuReport } from './report.ts';

/**
 * /proc/stat counts in ticks of 1/USER_HZ s (10 ms): a window that moved a CPU's counters by
 * fewer ticks than this reads 0 %, 50 % or 100 % by quantisation alone, so it gets no percentage.
 */
export const MIN_TICKS_PER_CPU = 3;

/**
 * The command's own CPU (user + system seconds, and as % of one CPU over the wall time) and the
 * machine-wide picture: mean and busiest-CPU busy % from two /proc/stat readings (what psutil's
 * cpu_percent(percpu=True) computes), which include every other process on the machine.
 * Machine-wide figures are null, and `machineWindowTooShort` true, when a CPU's counters moved by
 * fewer than MIN_TICKS_PER_CPU ticks.
 * @example buildCpuReport(before, after, { userS: 0.45, systemS: 0.05, wallS: 0.5 }).ownPct // 100
 */
export function buildCpuReport(
  before: readonly CpuTicks[],
  after: readonly CpuTicks[],
  own: { userS: number | null; systemS: number | null; wallS?: number | null },
): CpuReport {
  const tooShort = isWindowTooShort(before, after);
  const perCpu = tooShort ? [] : cpuBusyPct(before, after).filter((pct): pct is number => pct !== null);
  const ownS = own.userS === null || own.systemS === null ? null : own.userS + own.systemS;
  const wallS = own.wallS ?? null;
  return {
    systemMeanPct: perCpu.length === 0 ? null : perCpu.reduce((sum, pct) => sum + pct, 0) / perCpu.length,
    singleMaxPct: perCpu.length === 0 ? null : Math.max(...perCpu),
    perCpuPct: perCpu,
    userS: own.userS,
    systemS: own.systemS,
    ownPct: ownS === null || wallS === null || wallS <= 0 ? null : (100 * ownS) / wallS,
    machineWindowTooShort: tooShort,
  };
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
