import type { CounterStatus, PerfRecord } from './perf-stat-types.ts';
import { isNeverRun } from './perf-stat-record.ts';
import { metricInUnit } from './rate-prefix.ts';

/**
 * Interval rows of a fine tick (a shared perf ticking every few ms, so that a window's last count
 * arrives soon after the window ends) regrouped into the intervals the person asked for.
 *
 * Interval k of the window holds the ticks that end in (fromS + k·intervalS, fromS + (k+1)·intervalS];
 * a tick that ends after the window (its tail: perf printed the counts up to the disable there) is
 * placed at the window's end. Each regrouped row carries the time of the last tick in it, so the
 * samples keep perf's own timestamps.
 *
 * Per event (and aggregation column): counts add up; the status is 'counted' if any tick counted;
 * the running share is the count-weighted mean of the ticks' shares (the share of the enabled time
 * the counter ran, when the event's rate is steady across ticks); perf's metric on the row is
 * Σ count / Σ (count / metric), exact for every metric perf prints beside a count (it is the count
 * over another quantity). Metric-only rows (`-M`) cannot be regrouped and are dropped: a shared
 * perf is not used with metric groups.
 */
export interface RegroupOptions {
  /** The interval asked for, seconds. */
  readonly intervalS: number;
  /** Where the window starts on perf's interval clock, seconds; null: at its first tick. */
  readonly fromS: number | null;
  /** Where the window ends on perf's interval clock, seconds; null: no clamp. */
  readonly untilS: number | null;
}

interface Sum {
  readonly first: PerfRecord;
  value: number | null;
  status: CounterStatus;
  /** Σ value·share over counted ticks with a share, and the Σ value under it. */
  shareWeighted: number;
  shareWeight: number;
  lowestShare: number | null;
  /** Seconds of the ticks that counted, and of those perf had it enabled in and never ran it (`<not counted>` at 0%). */
  countedS: number;
  missedS: number;
  metricCount: number;
  metricBase: number;
  metricUnit: string | undefined;
}

function keyOf(record: PerfRecord): string {
  return `${record.event}\u0000${record.cpu ?? ''}\u0000${record.core ?? ''}\u0000${record.socket ?? ''}\u0000${record.die ?? ''}\u0000${record.node ?? ''}\u0000${record.thread ?? ''}\u0000${record.cgroup ?? ''}`;
}

function mergedStatus(a: CounterStatus, b: CounterStatus): CounterStatus {
  if (a === 'counted' || b === 'counted') return 'counted';
  return a === 'not counted' || b === 'not counted' ? 'not counted' : 'not supported';
}

export function regroupIntervals(records: readonly PerfRecord[], options: RegroupOptions): PerfRecord[] {
  const regrouper = createRegrouper(options);
  for (const record of records) regrouper.add(record);
  const out = regrouper.end();
  // no interval rows at all: the totals rows, as they were
  return out.length > 0 ? out : records.filter((record) => record.time === null && record.isMetricRow !== true);
}

/**
 * The same, fed one row at a time: only the interval being filled is held, so a long window's
 * thousands of ticks never sit in memory at once (a 10-minute cell at 4 ms ticks is 150,000).
 */
export interface Regrouper {
  /** One row, in perf's order; rows without a time and metric-only rows are passed over. */
  add(record: PerfRecord): void;
  /** The regrouped rows, the interval being filled closed. */
  end(): PerfRecord[];
}

export function createRegrouper(options: RegroupOptions): Regrouper {
  let baseS = options.fromS;
  const groupOf = (timeS: number, base: number): number => {
    const clamped = options.untilS === null ? timeS : Math.min(timeS, options.untilS);
    // a tick that ends exactly on a boundary belongs to the interval it closes
    return Math.max(0, Math.ceil((clamped - base) / options.intervalS - 1e-9) - 1);
  };
  const out: PerfRecord[] = [];
  let group = -1;
  let lastTimeS = 0;
  // the tick being read ends at tickEndS, and began where the one before it ended (the window's
  // first at fromS; unknown without one: 0 s, its count kept and its time weighed as none)
  let tickEndS: number | null = null;
  let tickS = 0;
  let sums = new Map<string, Sum>();
  const flush = (): void => {
    for (const sum of sums.values()) out.push(recordOf(sum, lastTimeS));
    sums = new Map();
  };
  return {
    add(record) {
      if (record.time === null || record.isMetricRow === true) return;
      const timeS = record.time;
      baseS ??= timeS;
      const recordGroup = groupOf(timeS, baseS);
      if (recordGroup !== group && sums.size > 0) flush();
      group = recordGroup;
      lastTimeS = timeS;
      if (timeS !== tickEndS) {
        const tickStartS = tickEndS ?? options.fromS;
        tickS = tickStartS === null ? 0 : Math.max(0, timeS - tickStartS);
        tickEndS = timeS;
      }
      const key = keyOf(record);
      let sum = sums.get(key);
      if (sum === undefined) {
        sum = { first: record, value: null, status: record.status, shareWeighted: 0, shareWeight: 0, lowestShare: null, countedS: 0, missedS: 0, metricCount: 0, metricBase: 0, metricUnit: undefined };
        sums.set(key, sum);
      }
      add(sum, record, tickS);
    },
    end() {
      flush();
      return out;
    },
  };
}

function add(sum: Sum, record: PerfRecord, tickS: number): void {
  sum.status = mergedStatus(sum.status, record.status);
  if (isNeverRun(record)) sum.missedS += tickS;
  if (record.status !== 'counted' || record.value === null) return;
  sum.countedS += tickS;
  sum.value = (sum.value ?? 0) + record.value;
  if (record.runningPct !== null) {
    sum.shareWeighted += record.value * record.runningPct;
    sum.shareWeight += record.value;
    sum.lowestShare = sum.lowestShare === null ? record.runningPct : Math.min(sum.lowestShare, record.runningPct);
  }
  const metric = record.metricValue;
  if (metric !== undefined && metric !== 0 && Number.isFinite(metric) && record.value !== 0) {
    // in the first tick's unit: perf picks a rate's prefix per row (488.027 /sec, then 1.079 K/sec),
    // and a row in a unit that is not the first's quantity is left out, as the aggregator leaves it
    sum.metricUnit ??= record.metricUnit ?? '';
    const inFirstUnit = metricInUnit(metric, record.metricUnit ?? '', sum.metricUnit);
    if (inFirstUnit === undefined || inFirstUnit === 0) return;
    sum.metricCount += record.value;
    sum.metricBase += record.value / inFirstUnit;
  }
}

function recordOf(sum: Sum, timeS: number): PerfRecord {
  const { first } = sum;
  // to perf's two decimals: 100 stays 100 exactly, not 99.99999 of floating-point sums
  const weighted = sum.shareWeight > 0 ? Math.round((100 * sum.shareWeighted) / sum.shareWeight) / 100 : null;
  const counted = weighted ?? sum.lowestShare ?? (sum.status === 'counted' ? first.runningPct : null);
  // ticks in which perf never ran the counter (multiplexing's turns as long as a tick) hold none of
  // its counts: the interval's count is scaled from the seconds of the ticks that counted to those
  // too, as perf scales within a tick, and its share says so. By the ticks' seconds, not their
  // number: under load a late tick is long, and counting ticks read 2.4 times the rate once (a
  // replay of turns of one tick, rotate 2, beside four helpers' tests)
  const coverage = sum.countedS > 0 && sum.missedS > 0 ? sum.countedS / (sum.countedS + sum.missedS) : 1;
  const runningPct = coverage < 1 ? Math.round(100 * (counted ?? 100) * coverage) / 100 : counted;
  const {
    metricValue: _metricValue,
    metricUnit: _metricUnit,
    ...rest
  } = first;
  return {
    ...rest,
    time: timeS,
    value: sum.status === 'counted' ? (sum.value ?? 0) / coverage : null,
    status: sum.status,
    runningPct: sum.status === 'counted' ? runningPct : first.runningPct,
    ...(sum.metricBase > 0 ? { metricValue: sum.metricCount / sum.metricBase, metricUnit: sum.metricUnit ?? '' } : {}),
  };
}
