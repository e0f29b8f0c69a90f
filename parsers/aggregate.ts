import { addToPart, emptyPart, foldParts, splitPmuEvent, type PmuPart } from './fold-hybrid.ts';
import type { CounterStatus, PerfRecord } from './perf-stat-types.ts';
import { addPrinted } from './printed-sum.ts';
import { isNeverRun } from './perf-stat-record.ts';
import { perSecondMetric } from './rate-prefix.ts';

/** One interval of one event: perf's timestamp (s) and the count over all aggregation columns. */
export interface EventSample {
  readonly timeS: number;
  /** null when the event was not supported in that interval; `<not counted>` reads as 0. */
  readonly value: number | null;
}

/** One event over one measurement window. */
export interface EventAggregate {
  readonly event: string;
  readonly unit: string;
  /** 'counted' if any interval (or totals row) counted; else 'not counted' if perf knew the event, else 'not supported'. */
  readonly status: CounterStatus;
  /** Sum of the counted interval values, or the totals rows when there were no intervals; null when never counted. */
  readonly total: number | null;
  /** Seconds covered by perf's own interval timestamps: last timestamp − startTimeS; null without intervals. */
  readonly countedSeconds: number | null;
  /** total / countedSeconds, from perf's timestamps, not a wall clock; null when either is missing or zero. */
  readonly perSecond: number | null;
  /** Interval samples in order (only the last `maxSamples` with `createAggregator`). */
  readonly samples: readonly EventSample[];
  /** Smallest and largest interval sample value (all samples, not only those kept); null without any. */
  readonly min: number | null;
  readonly max: number | null;
  /**
   * Lowest running percentage of a counted row (multiplexing): the count was extrapolated from
   * that share of the time; null when perf printed none. For a folded hybrid event, the lowest
   * share of the time its PMUs together ran (null when they covered all of it).
   */
  readonly lowestRunningPct: number | null;
  /**
   * Hybrid CPUs: the per-PMU split of an event perf printed once per core PMU
   * (`cpu_core/cycles/` + `cpu_atom/cycles/` fold into `cycles`), in the order first seen;
   * absent for an event perf printed once.
   */
  readonly pmus?: readonly PmuShare[];
  /**
   * perf's own metric for the event (`insn per cycle` on instructions, `of all branches` on
   * branch-misses), over the whole window; absent when perf printed none (or the parser was not
   * asked to keep them). Every such metric is the event's count over another quantity, so the
   * window's value is Σ count / Σ (count / metric) over the rows, exact without knowing the other.
   */
  readonly perfMetric?: PerfMetric;
}

/** A metric perf printed beside a count. */
export interface PerfMetric {
  readonly value: number;
  /** As perf printed it, a K/M/G prefix of `/sec` folded into the value: `insn per cycle`, `/sec`. */
  readonly unit: string;
}

/** What one core PMU took of a folded hybrid event. */
export interface PmuShare {
  /** `cpu_core`, `cpu_atom`. */
  readonly pmu: string;
  /** The row's name as perf printed it: `cpu_core/cycles/`. */
  readonly event: string;
  /** 'not counted' when no row of it ever counted: the task never ran on that core type. */
  readonly status: CounterStatus;
  /** The count taken on this PMU (value × running% / 100 per row and interval); null when it never counted. */
  readonly total: number | null;
  /** total / the folded total, 0..1; null when either is missing or the folded total is 0. */
  readonly share: number | null;
}

export interface AggregatorOptions {
  /** Raw samples kept per event (the most recent); running totals, min and max still see all. Default: all (Infinity). */
  readonly maxSamples?: number;
  /** perf timestamp (s) at which counting started; perf's own timestamps count from its start. Default 0. */
  readonly startTimeS?: number;
}

/**
 * Told each interval sample of each event as it closes (when the event's next timestamp comes),
 * oldest first, kept or not; the last one of each event stays open, in `result()`'s samples.
 */
export type ClosedSampleListener = (event: string, sample: EventSample) => void;

/** Aggregates a live stream of records with bounded memory. */
export interface Aggregator {
  add(record: PerfRecord): void;
  /** The aggregates so far, events in the order first seen. Does not reset anything. */
  result(): EventAggregate[];
  /** How many interval samples each event had, all of them (not only the `maxSamples` kept), events in the order first seen. */
  sampleCounts(): Map<string, number>;
}

/**
 * Aggregates the records of one measurement window, per event. Rows of one timestamp that
 * differ by aggregation column (cpu, core, socket, node, thread, cgroup) are summed into one
 * sample; totals rows are used only when the window has no interval rows (`--summary` repeats them).
 * @example
 * aggregateRecords([
 *   { time: 0.1, event: 'page-faults', value: 10, unit: '', status: 'counted', runningPct: null },
 *   { time: 0.2, event: 'page-faults', value: 30, unit: '', status: 'counted', runningPct: null },
 * ])
 * // → [{ event: 'page-faults', total: 40, countedSeconds: 0.2, perSecond: 200, min: 10, max: 30, ... }]
 */
export function aggregateRecords(records: readonly PerfRecord[], options: { startTimeS?: number } = {}): EventAggregate[] {
  const aggregator = createAggregator(options.startTimeS === undefined ? {} : { startTimeS: options.startTimeS });
  for (const record of records) aggregator.add(record);
  return aggregator.result();
}

/**
 * The incremental form of `aggregateRecords`, for long watches. `onClosedSample` (not in the
 * library's options) sees every sample as it closes, so a caller can write them out with none kept.
 */
export function createAggregator(options: AggregatorOptions = {}, onClosedSample?: ClosedSampleListener): Aggregator {
  const wanted = options.maxSamples ?? Number.POSITIVE_INFINITY;
  const maxSamples = Number.isNaN(wanted) ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(wanted));
  const startTimeS = options.startTimeS ?? 0;
  const events = new Map<string, EventState>();
  return {
    add(record) {
      // perf's metric-only rows (`-M`) are not counters: session/counters.ts keeps them apart
      if (record.isMetricRow === true) return;
      const perPmu = splitPmuEvent(record.event);
      const name = perPmu === undefined ? record.event : perPmu.event;
      let state = events.get(name);
      if (state === undefined) {
        state = new EventState(name, maxSamples, startTimeS, onClosedSample);
        events.set(name, state);
      }
      state.add(record, perPmu?.pmu);
    },
    result() {
      return [...events.values()].map((state) => state.toAggregate(startTimeS));
    },
    sampleCounts() {
      return new Map([...events].map(([name, state]) => [name, state.sampleCount]));
    },
  };
}

/** Rows of one event at one timestamp, summed (or, for a hybrid event, summed per PMU). */
interface OpenSample {
  timeS: number;
  value: number;
  counted: boolean;
  supported: boolean;
  /** A row of it read `<not counted>` at 0% running: perf had it enabled and never gave it a counter. */
  missed?: boolean;
  /** Hybrid events only: the rows of each PMU, folded when the sample is read. */
  parts?: PmuPart[];
}

/** Per PMU of a hybrid event: its printed name and what it took in closed samples. */
interface PmuTotal {
  readonly pmu: string;
  readonly event: string;
  total: number;
  counted: boolean;
}

class EventState {
  private unit = '';
  private notCountedSeen = false;
  // intervals
  private open: OpenSample | undefined;
  private intervalCounted = false;
  private closedTotal = 0;
  private closedCount = 0;
  private closedMin = Number.POSITIVE_INFINITY;
  private closedMax = Number.NEGATIVE_INFINITY;
  private lowestIntervalPct: number | null = null;
  // seconds of the closed samples that counted, and of those perf had it enabled and never ran it
  private countedIntervalS = 0;
  private missedIntervalS = 0;
  private closedUntilS: number;
  private readonly times: number[] = [];
  private readonly values: (number | null)[] = [];
  private head = 0;
  // totals rows
  private totalsCounted = false;
  private totalsSum = 0;
  private lowestTotalsPct: number | null = null;
  // perf's metric: Σ count and Σ count / metric over the rows that printed one, interval rows
  // apart from totals rows, as the total is (a capture of -I --summary holds both, the same counts twice)
  private readonly intervalMetric: MetricSum = { unit: undefined, counts: 0, denominator: 0 };
  private readonly totalsMetric: MetricSum = { unit: undefined, counts: 0, denominator: 0 };
  // hybrid events: PMUs in order first seen, their totals over closed samples, and the totals rows per PMU
  private readonly pmus: PmuTotal[] = [];
  private totalsParts: PmuPart[] | undefined;

  constructor(
    private readonly event: string,
    private readonly maxSamples: number,
    startTimeS: number,
    private readonly onClosedSample?: ClosedSampleListener,
  ) {
    this.closedUntilS = startTimeS;
  }

  add(record: PerfRecord, pmu?: string): void {
    if (this.unit === '' && record.unit !== '') this.unit = record.unit;
    if (pmu !== undefined) {
      this.addPerPmu(record, pmu);
      return;
    }
    if (record.metricValue !== undefined && record.metricUnit !== undefined) {
      addMetric(record.time === null ? this.totalsMetric : this.intervalMetric, record.value, record.metricValue, record.metricUnit);
    }
    const counted = record.status === 'counted' && record.value !== null;
    if (record.status === 'not counted') this.notCountedSeen = true;
    const pct = counted ? record.runningPct : null;

    if (record.time === null) {
      if (counted) {
        this.totalsCounted = true;
        this.totalsSum += record.value ?? 0;
        if (pct !== null && (this.lowestTotalsPct === null || pct < this.lowestTotalsPct)) this.lowestTotalsPct = pct;
      }
      return;
    }

    let open = this.open;
    if (open === undefined || open.timeS !== record.time) {
      if (open !== undefined) this.close(open);
      open = { timeS: record.time, value: 0, counted: false, supported: false };
      this.open = open;
    }
    if (record.status !== 'not supported') open.supported = true;
    if (isNeverRun(record)) open.missed = true;
    if (counted) {
      open.counted = true;
      open.value += record.value ?? 0;
      this.intervalCounted = true;
      if (pct !== null && (this.lowestIntervalPct === null || pct < this.lowestIntervalPct)) this.lowestIntervalPct = pct;
    }
  }

  private withMetric(aggregate: EventAggregate): EventAggregate {
    // the interval rows where there are any, as plainAggregate takes the total from them
    const sum = this.intervalMetric.unit === undefined ? this.totalsMetric : this.intervalMetric;
    if (sum.unit === undefined || sum.denominator <= 0) return aggregate;
    // to 15 digits, as perSecondMetric: count / (count / 0.466) is 0.4660000000000001, where perf printed 0.466
    const value = Number((sum.counts / sum.denominator).toPrecision(15));
    return { ...aggregate, perfMetric: { value, unit: sum.unit } };
  }

  /**
   * A row of one PMU of a hybrid event: kept per PMU until its sample is read. Its perf metric is
   * not kept: perf 6.x divides one PMU's count by the other's (lkml-2023-kanliang-adl-hybrid-default:
   * `cpu_atom/branch-misses/ # 127.47% of all branches`, over cpu_core's branches).
   */
  private addPerPmu(record: PerfRecord, pmu: string): void {
    if (record.status === 'not counted') this.notCountedSeen = true;
    if (!this.pmus.some((known) => known.pmu === pmu)) this.pmus.push({ pmu, event: record.event, total: 0, counted: false });
    let parts: PmuPart[];
    if (record.time === null) {
      parts = this.totalsParts ??= [];
    } else {
      let open = this.open;
      if (open === undefined || open.timeS !== record.time) {
        if (open !== undefined) this.close(open);
        open = { timeS: record.time, value: 0, counted: false, supported: false, parts: [] };
        this.open = open;
      }
      parts = open.parts ??= [];
    }
    let part = parts.find((candidate) => candidate.pmu === pmu);
    if (part === undefined) {
      part = emptyPart(pmu);
      parts.push(part);
    }
    addToPart(part, record.value, record.runningPct, record.status);
    if (record.time === null && part.counted) this.totalsCounted = true;
    if (record.time !== null && part.counted) this.intervalCounted = true;
  }

  toAggregate(startTimeS: number): EventAggregate {
    if (this.pmus.length > 0) return this.foldedAggregate(startTimeS);
    return this.withMetric(this.plainAggregate(startTimeS));
  }

  private plainAggregate(startTimeS: number): EventAggregate {
    const open = this.open;
    const hasIntervals = open !== undefined;
    if (!hasIntervals) {
      const total = this.totalsCounted ? this.totalsSum : null;
      return {
        event: this.event,
        unit: this.unit,
        status: this.status(this.totalsCounted),
        total,
        countedSeconds: null,
        perSecond: null,
        samples: [],
        min: null,
        max: null,
        lowestRunningPct: this.lowestTotalsPct,
      };
    }
    const aggregate = this.intervalAggregate(open, sampleValue(open), startTimeS, this.lowestIntervalPct);
    return this.withMissedIntervals(aggregate, open);
  }

  /**
   * perf scales a count up from the part of an interval its counter ran, but an interval in which
   * the counter never ran at all (multiplexing's turns as long as the interval: a window's last few
   * ms) reads `<not counted>` at 0%, and its counts are missing from the sum. (A shared perf's 4 ms
   * ticks are scaled as they are regrouped, regroup-intervals.ts: an interval of them reaches here
   * `<not counted>` only where none of its ticks ran the counter.) The total is then scaled as perf
   * scales within an interval, from the seconds of the intervals that counted to those too, and the
   * share is said, so that neither the count nor a ratio of it passes for one counted all of the
   * time (a replay of such turns, `rotate 2`, read miss ratio 16.7% and IPC 1.33 for 25% and 2.00,
   * unmarked).
   */
  private withMissedIntervals(aggregate: EventAggregate, open: OpenSample): EventAggregate {
    const openS = Math.max(0, open.timeS - this.closedUntilS);
    const countedS = this.countedIntervalS + (open.counted ? openS : 0);
    const missedS = this.missedIntervalS + (!open.counted && open.missed === true ? openS : 0);
    if (aggregate.total === null || missedS <= 0 || countedS <= 0) return aggregate;
    const scale = (countedS + missedS) / countedS;
    const total = aggregate.total * scale;
    const countedSeconds = aggregate.countedSeconds;
    return {
      ...aggregate,
      total,
      perSecond: countedSeconds !== null && countedSeconds > 0 ? total / countedSeconds : aggregate.perSecond,
      // to perf's two decimals, as the regrouper's: JSON had read 52.00000000000004
      lowestRunningPct: lowerOf(aggregate.lowestRunningPct, Math.round((10_000 * countedS) / (countedS + missedS)) / 100),
    };
  }

  /** The aggregate of the interval samples, the open one's value being `openValue` (plain or folded). */
  private intervalAggregate(open: OpenSample, openValue: number | null, startTimeS: number, lowestRunningPct: number | null): EventAggregate {
    const min = openValue === null ? this.closedMin : Math.min(this.closedMin, openValue);
    const max = openValue === null ? this.closedMax : Math.max(this.closedMax, openValue);
    const total = this.intervalCounted ? addPrinted(this.closedTotal, openValue ?? 0) : null;
    const countedSeconds = open.timeS - startTimeS;
    return {
      event: this.event,
      unit: this.unit,
      status: this.status(this.intervalCounted),
      total,
      countedSeconds,
      perSecond: total !== null && countedSeconds > 0 ? total / countedSeconds : null,
      samples: this.samples(open, openValue),
      min: Number.isFinite(min) ? min : null,
      max: Number.isFinite(max) ? max : null,
      lowestRunningPct,
    };
  }

  private status(counted: boolean): CounterStatus {
    if (counted) return 'counted';
    return this.notCountedSeen ? 'not counted' : 'not supported';
  }

  /** A hybrid event: its samples folded across PMUs, and the per-PMU split of the total. */
  private foldedAggregate(startTimeS: number): EventAggregate {
    const open = this.open;
    if (open === undefined) {
      const folded = foldParts(this.totalsParts ?? []);
      const byPmu = new Map((this.totalsParts ?? []).map((part, index) => [part.pmu, folded.contributions[index] ?? null]));
      return {
        event: this.event,
        unit: this.unit,
        status: this.status(folded.value !== null && this.totalsCounted),
        total: this.totalsCounted ? folded.value : null,
        countedSeconds: null,
        perSecond: null,
        samples: [],
        min: null,
        max: null,
        lowestRunningPct: folded.runningPct,
        pmus: this.shares(this.totalsCounted ? folded.value : null, (pmu) => byPmu.get(pmu) ?? null, false),
      };
    }
    const folded = foldParts(open.parts ?? []);
    const openValue = folded.value;
    const byPmu = new Map((open.parts ?? []).map((part, index) => [part.pmu, folded.contributions[index] ?? null]));
    const aggregate = this.intervalAggregate(open, openValue, startTimeS, lowerOf(this.lowestIntervalPct, folded.runningPct));
    return { ...aggregate, pmus: this.shares(aggregate.total, (pmu) => byPmu.get(pmu) ?? null, true) };
  }

  /** Each PMU's total (closed samples, when `withClosed`, plus `extra`) and its share of `total`. */
  private shares(total: number | null, extra: (pmu: string) => number | null, withClosed: boolean): PmuShare[] {
    return this.pmus.map((known) => {
      const more = extra(known.pmu);
      const counted = (withClosed && known.counted) || more !== null;
      const pmuTotal = counted ? (withClosed ? known.total : 0) + (more ?? 0) : null;
      return {
        pmu: known.pmu,
        event: known.event,
        status: counted ? 'counted' : this.notCountedSeen ? 'not counted' : 'not supported',
        total: pmuTotal,
        share: pmuTotal === null || total === null || total === 0 ? null : pmuTotal / total,
      };
    });
  }

  /** Interval samples seen, kept or not: the closed ones and the open one. */
  get sampleCount(): number {
    return this.closedCount + (this.open === undefined ? 0 : 1);
  }

  private close(sample: OpenSample): void {
    this.closedCount += 1;
    const sampleS = Math.max(0, sample.timeS - this.closedUntilS);
    this.closedUntilS = Math.max(this.closedUntilS, sample.timeS);
    if (sample.counted) this.countedIntervalS += sampleS;
    else if (sample.missed === true) this.missedIntervalS += sampleS;
    let value: number | null;
    if (sample.parts === undefined) value = sampleValue(sample);
    else {
      const folded = foldParts(sample.parts);
      value = folded.value;
      this.lowestIntervalPct = lowerOf(this.lowestIntervalPct, folded.runningPct);
      sample.parts.forEach((part, index) => {
        const contribution = folded.contributions[index] ?? null;
        const known = this.pmus.find((candidate) => candidate.pmu === part.pmu);
        if (known === undefined || contribution === null) return;
        known.total += contribution;
        known.counted = true;
      });
    }
    if (value !== null) {
      this.closedTotal = addPrinted(this.closedTotal, value);
      if (value < this.closedMin) this.closedMin = value;
      if (value > this.closedMax) this.closedMax = value;
    }
    this.onClosedSample?.(this.event, { timeS: sample.timeS, value });
    if (this.maxSamples === 0) return;
    if (this.times.length < this.maxSamples) {
      this.times.push(sample.timeS);
      this.values.push(value);
    } else {
      // a ring: overwrite the oldest kept sample
      this.times[this.head] = sample.timeS;
      this.values[this.head] = value;
      this.head = (this.head + 1) % this.maxSamples;
    }
  }

  /** Kept closed samples oldest first, then the open one, trimmed to maxSamples. */
  private samples(open: OpenSample, openValue: number | null): EventSample[] {
    const out: EventSample[] = [];
    const kept = this.times.length;
    for (let i = 0; i < kept; i++) {
      const at = (this.head + i) % kept;
      out.push({ timeS: this.times[at] ?? 0, value: this.values[at] ?? null });
    }
    out.push({ timeS: open.timeS, value: openValue });
    return out.length > this.maxSamples ? out.slice(out.length - this.maxSamples) : out;
  }
}

/** perf's metric summed over some rows of one event: Σ count and Σ count / metric, in the first unit seen. */
interface MetricSum {
  unit: string | undefined;
  counts: number;
  denominator: number;
}

function addMetric(sum: MetricSum, count: number | null, metric: number, printedUnit: string): void {
  const { value, unit } = perSecondMetric(metric, printedUnit);
  if (count === null || count <= 0 || !(value > 0)) return;
  if (sum.unit !== undefined && sum.unit !== unit) return;
  sum.unit = unit;
  sum.counts += count;
  sum.denominator += count / value;
}

function lowerOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Counted rows summed; `<not counted>` alone counts as 0 while the event is supported. */
function sampleValue(sample: OpenSample): number | null {
  if (sample.counted) return sample.value;
  return sample.supported ? 0 : null;
}
