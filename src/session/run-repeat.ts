import { summarizeRuns as summarizeValues } from '../experiment/statistics.ts';
import type { CommandReport } from './report.ts';

/** One metric over the runs of `run -r N`: mean, sample standard deviation (0 for one run), range. */
export interface RepeatStat {
  readonly mean: number;
  readonly stddev: number;
  readonly n: number;
  readonly min: number;
  readonly max: number;
  /** 's', 'bytes', or the counter's unit ('' for a count). */
  readonly unit: string;
}

/** The values each report has for each metric, by metric name (time, cpu user, cpu system, peak RSS, each counter's total). */
function metricValues(report: CommandReport): Array<{ name: string; unit: string; value: number | null }> {
  return [
    { name: 'time', unit: 's', value: report.durationS },
    { name: 'cpu user', unit: 's', value: report.cpu.userS },
    { name: 'cpu system', unit: 's', value: report.cpu.systemS },
    { name: 'peak RSS', unit: 'bytes', value: report.memory.peakRssBytes },
    ...report.counters.events.map((event) => ({ name: event.event, unit: event.unit, value: event.total })),
  ];
}

/**
 * Mean ± σ of each metric over the runs, as `perf stat -r N` prints them; a metric missing from a
 * run (a counter perf did not count that time) is summarised over the runs that have it.
 * @example summarizeRuns([a, b]).time // { mean: 0.0015, stddev: 0.0007, n: 2, min: 0.001, max: 0.002, unit: 's' }
 */
export function summarizeRuns(reports: readonly CommandReport[]): Record<string, RepeatStat> {
  const byName = new Map<string, { unit: string; values: number[] }>();
  for (const report of reports) {
    for (const { name, unit, value } of metricValues(report)) {
      if (value === null || !Number.isFinite(value)) continue;
      const entry = byName.get(name) ?? { unit, values: [] };
      entry.values.push(value);
      byName.set(name, entry);
    }
  }
  const result: Record<string, RepeatStat> = {};
  for (const [name, { unit, values }] of byName) {
    // the same n, mean, σ, min and max compare reports (a single run's σ is 0 here, as perf stat -r says)
    const summary = summarizeValues(values);
    result[name] = { mean: summary.mean!, stddev: summary.stdDev ?? 0, n: summary.n, min: summary.min!, max: summary.max!, unit };
  }
  return result;
}
