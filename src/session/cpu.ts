import { cpuBusyPct, type CpuTicks } from '../../parsers/proc-stat.ts';
import type { CpuReport } from './report.ts';

/**
 * System mean and single-max busy % from two /proc/stat readings (what psutil's
 * cpu_percent(percpu=True) computes), plus the target's own CPU seconds.
 */
export function buildCpuReport(
  before: readonly CpuTicks[],
  after: readonly CpuTicks[],
  own: { userS: number | null; systemS: number | null },
): CpuReport {
  const perCpu = cpuBusyPct(before, after).filter((pct): pct is number => pct !== null);
  return {
    systemMeanPct: perCpu.length === 0 ? null : perCpu.reduce((sum, pct) => sum + pct, 0) / perCpu.length,
    singleMaxPct: perCpu.length === 0 ? null : Math.max(...perCpu),
    perCpuPct: perCpu,
    userS: own.userS,
    systemS: own.systemS,
  };
}
