import type { EventAggregate } from '../../parsers/aggregate.ts';
import type { CounterStatus } from '../../parsers/perf-stat-types.ts';
import { summarizeRuns as summarizeValues } from '../experiment/statistics.ts';
import type { CommandReport } from './report.ts';
import { runningPctOfEvent } from './counters.ts';

/**
 * What one core PMU of a hybrid CPU took of a folded event over the runs (each run's report keeps
 * it as `pmus`): mean ± σ of its count, and its share of the folded mean.
 */
export interface RepeatPmuStat {
  /** `cpu_core`, `cpu_atom`. */
  readonly pmu: string;
  /** The row's name as perf printed it: `cpu_core/cycles/`. */
  readonly event: string;
  /** 'not counted' when it counted in none of the runs: the task never ran on that core type. */
  readonly status: CounterStatus;
  /** The runs its figures are over: those of the event (a run that did not count on it never ran there, and adds 0); 0 when it never counted. */
  readonly n: number;
  /** Mean, sample σ (0 for one run), least and most of its count over the runs of the event; null when it never counted. */
  readonly mean: number | null;
  readonly stddev: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Its counts over the runs / the folded event's, 0..1 (run's `cpu_core 75%`); null when it never counted or the event's are 0. */
  readonly share: number | null;
}

/** One metric over the runs of `run -r N`: mean, sample standard deviation (0 for one run), range. */
export interface RepeatStat {
  readonly mean: number;
  readonly stddev: number;
  readonly n: number;
  readonly min: number;
  readonly max: number;
  /** 's', 'bytes', or the counter's unit ('' for a count). */
  readonly unit: string;
  /**
   * Counters only: the lowest running % of the event in any run (below 100: perf multiplexed it and
   * scaled its counts up, as `perf stat -r` shows beside each mean); 100 for a hybrid event whose
   * PMUs together counted all of the time; null when perf printed none.
   */
  readonly lowestRunningPct?: number | null;
  /** Counters of a hybrid CPU only: what each core PMU took, in the order the runs' reports list them. */
  readonly pmus?: readonly RepeatPmuStat[];
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
  const counted = countedEvents(reports);
  const result: Record<string, RepeatStat> = {};
  for (const [name, { unit, values }] of byName) {
    // the same n, mean, σ, min and max compare reports (a single run's σ is 0 here, as perf stat -r says)
    const summary = summarizeValues(values);
    const events = counted.get(name);
    result[name] = { mean: summary.mean!, stddev: summary.stdDev ?? 0, n: summary.n, min: summary.min!, max: summary.max!, unit, ...(events === undefined ? {} : counterFields(events)) };
  }
  return result;
}

/** Each counter's counted events over the runs, by name (the runs its mean is over). */
function countedEvents(reports: readonly CommandReport[]): Map<string, EventAggregate[]> {
  const byName = new Map<string, EventAggregate[]>();
  for (const event of reports.flatMap((report) => report.counters.events)) {
    if (event.status !== 'counted' || event.total === null || !Number.isFinite(event.total)) continue;
    const events = byName.get(event.event) ?? [];
    events.push(event);
    byName.set(event.event, events);
  }
  return byName;
}

/**
 * What a counter's line in each run's report says beside its count, over the runs: the lowest
 * running % (a count scaled from part of the time in any run is no exact figure in the mean) and
 * the per-PMU split of a hybrid event.
 */
function counterFields(events: readonly EventAggregate[]): Pick<RepeatStat, 'lowestRunningPct' | 'pmus'> {
  // a hybrid event counted all of the time by its PMUs together: 100, as compare's lowestRunningPct says
  const pcts = events.map(runningPctOfEvent).filter((pct): pct is number => pct !== null);
  const lowestRunningPct = pcts.length === 0 ? null : Math.min(...pcts);
  const pmus = [...new Map(events.flatMap((event) => (event.pmus ?? []).map((share) => [share.pmu, share.event] as const)))];
  if (pmus.length === 0) return { lowestRunningPct };
  const foldedSum = events.reduce((sum, event) => sum + (event.total ?? 0), 0);
  return {
    lowestRunningPct,
    pmus: pmus.map(([pmu, printed]): RepeatPmuStat => {
      const shares = events.map((event) => event.pmus?.find((share) => share.pmu === pmu));
      if (!shares.some((share) => share?.status === 'counted')) {
        return { pmu, event: printed, status: shares.find((share) => share !== undefined)?.status ?? 'not counted', n: 0, mean: null, stddev: null, min: null, max: null, share: null };
      }
      // a run the task never ran on this core type took nothing there: 0, so the PMUs' means add up to about the event's
      const taken = shares.map((share) => (share?.status === 'counted' ? (share.total ?? 0) : 0));
      const summary = summarizeValues(taken);
      const share = foldedSum === 0 ? null : taken.reduce((sum, value) => sum + value, 0) / foldedSum;
      return { pmu, event: printed, status: 'counted', n: summary.n, mean: summary.mean, stddev: summary.stdDev ?? 0, min: summary.min, max: summary.max, share };
    }),
  };
}
