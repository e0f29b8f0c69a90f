import type { PerfRecord } from './perf-stat-types.ts';

/** One of perf's own metrics (`-M` groups, topdown) as its metric-only rows gave it. */
export interface PerfMetricReading {
  /** The metric's name as perf printed it: `tma_backend_bound`, `IPC`. */
  readonly name: string;
  /**
   * perf's value: the mean of its per-interval values (each interval's value is perf's own ratio for
   * that interval, so a short last interval weighs as much as a whole one), or the one total row.
   */
  readonly value: number;
  /** Its unit as printed (`%`), `''` when perf printed only the name. */
  readonly unit: string;
  /** How many rows (intervals) gave it. */
  readonly readings: number;
}

/**
 * perf's metric-only rows (records with `isMetricRow`, from a parser made with `metrics: true`)
 * summed up per metric name, in the order perf first printed them.
 * @example
 * summarizeMetricRows(parsePerfStat(',,,,,70.1,%  tma_backend_bound', { metrics: true }).records)
 * // → [{ name: 'tma_backend_bound', value: 70.1, unit: '%', readings: 1 }]
 */
export function summarizeMetricRows(records: readonly PerfRecord[]): PerfMetricReading[] {
  const summary = createMetricSummary();
  for (const record of records) summary.add(record);
  return summary.result();
}

/** summarizeMetricRows one record at a time, keeping only a sum per metric (attach's endless watch). */
export function createMetricSummary(): { add(record: PerfRecord): void; result(): PerfMetricReading[] } {
  const byName = new Map<string, { unit: string; sum: number; readings: number }>();
  return {
    add(record) {
      if (record.isMetricRow !== true || record.metricValue === undefined) return;
      const seen = byName.get(record.event);
      if (seen === undefined) byName.set(record.event, { unit: record.metricUnit ?? '', sum: record.metricValue, readings: 1 });
      else {
        seen.sum += record.metricValue;
        seen.readings++;
      }
    },
    result: () => [...byName].map(([name, { unit, sum, readings }]) => ({ name, value: sum / readings, unit, readings })),
  };
}
