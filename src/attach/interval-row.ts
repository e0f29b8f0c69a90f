import { aggregateRecords } from '../../parsers/aggregate.ts';
import type { CounterStatus, PerfRecord } from '../../parsers/perf-stat-types.ts';
import { cpuBusyPct, type CpuTicks } from '../../parsers/proc-stat.ts';

/**
 * The shortest window, seconds, over which a row gets a CPU % and rates per second: one tick of
 * /proc's CPU time (1/USER_HZ, 10 ms). Over less, one tick more or less reads 0 % or several
 * hundred % (a 1 ms last interval of one busy thread read 0-304 %), and a rate over a few ms says
 * more about when perf read its counters than about the process: the reports' rule, under 10 ms
 * the seconds only. perf's -I is 10 ms at least, so only a last interval, cut short by the end of
 * the watch, is ever this short; its counts stay.
 */
export const MIN_ROW_WINDOW_S = 0.01;

/** All rows perf printed for one `-I` timestamp. */
export interface PerfInterval {
  /** perf's interval timestamp, seconds since perf started (≈ since attach). */
  readonly timeS: number;
  readonly records: readonly PerfRecord[];
}

/** What the OS edge reads from /proc at one instant, to pair with a perf interval. */
export interface ProcPoint {
  /** Our monotonic clock, seconds. */
  readonly atS: number;
  /** null once the process has released its memory (it is exiting, or has exited). */
  readonly rssBytes: number | null;
  /** VmHWM, bytes; null with rssBytes. */
  readonly peakRssBytes: number | null;
  /** CPU time of the target in user mode and in the kernel, clock ticks (a zombie's are its final ones); null once it has gone. */
  readonly utimeTicks: number | null;
  readonly stimeTicks: number | null;
  /**
   * The process has exited: no /proc entry, or a zombie. Not the same as rssBytes === null: a
   * process that exits releases its memory first and goes on running (freeing it) for a while.
   */
  readonly exited: boolean;
  /** CPU time of the children it has waited for (cutime + cstime), clock ticks; absent or null when not read. */
  readonly childrenTicks?: number | null;
  /** Whether it had a child process at this reading (/proc/PID/task/PID/children); absent when not read. */
  readonly hasChildren?: boolean;
  /** Per-CPU busy/total ticks of the whole machine (/proc/stat). */
  readonly machineTicks: readonly CpuTicks[];
}

/** One event in one interval. */
export interface IntervalEvent {
  readonly event: string;
  readonly unit: string;
  readonly status: CounterStatus;
  /** The count in this interval; `<not counted>` reads 0 (the event exists, the target did not run); null when not supported. */
  readonly value: number | null;
  /** value / intervalS; null when value is, or when the interval is under MIN_ROW_WINDOW_S. */
  readonly perSecond: number | null;
  /** perf counted the event only this % of the interval and scaled it up (multiplexing); absent at 100% or when perf printed none. */
  readonly runningPct?: number;
}

/** One line of the live watch: what `perf stat -I` prints, with RSS and CPU beside it. */
export interface IntervalRow {
  /** perf's timestamp at the end of the interval, seconds since the watch began. */
  readonly timeS: number;
  /** Length of this interval on perf's clock, seconds. */
  readonly intervalS: number;
  /** RSS of the target when the interval's counts arrived, bytes; null once it has gone. */
  readonly rssBytes: number | null;
  /** The target's CPU use over the interval, % of one CPU (200 = two CPUs busy); null when unknown or under MIN_ROW_WINDOW_S. */
  readonly cpuPct: number | null;
  /** Mean busy % of all CPUs of the machine over the interval; null when no tick passed. */
  readonly systemCpuPct: number | null;
  readonly events: readonly IntervalEvent[];
}

/** Groups a stream of perf records into intervals, one per timestamp. */
export interface IntervalAssembler {
  /** Returns the previous interval when this record starts a new one. Totals rows (no time) are ignored. */
  add(record: PerfRecord): PerfInterval | undefined;
  /** The interval being assembled, if any (call when perf has been quiet for a moment, or at the end). */
  flush(): PerfInterval | undefined;
}

/**
 * perf prints each interval as a burst of rows with one timestamp; the burst is complete when
 * the next timestamp appears or perf falls quiet, so the OS edge also calls flush() on a short timer.
 * @example
 * const assembler = createIntervalAssembler();
 * assembler.add({ time: 0.1, event: 'page-faults', value: 3, unit: '', status: 'counted', runningPct: 100 }); // undefined
 * assembler.flush(); // { timeS: 0.1, records: [that record] }
 */
export function createIntervalAssembler(): IntervalAssembler {
  let timeS: number | null = null;
  let records: PerfRecord[] = [];
  const take = (): PerfInterval | undefined => {
    if (timeS === null) return undefined;
    const interval = { timeS, records };
    timeS = null;
    records = [];
    return interval;
  };
  return {
    add(record) {
      if (record.time === null) return undefined;
      const finished = timeS !== null && record.time !== timeS ? take() : undefined;
      timeS = record.time;
      records.push(record);
      return finished;
    },
    flush: take,
  };
}

/**
 * Pairs a perf interval with /proc readings taken before and after it. Rows of one event that
 * differ by an aggregation column are summed, as the summary does.
 * @example buildIntervalRow({ timeS: 0.2, records }, 0.1, before, after) // { timeS: 0.2, intervalS: 0.1, cpuPct: 100, ... }
 */
export function buildIntervalRow(
  interval: PerfInterval,
  previousTimeS: number,
  before: ProcPoint,
  after: ProcPoint,
  ticksPerSecond = 100,
): IntervalRow {
  const intervalS = Math.max(0, interval.timeS - previousTimeS);
  // the summary's own reading of one timestamp: aggregation columns summed, hybrid PMUs folded
  const events = aggregateRecords(interval.records).map((aggregate): IntervalEvent => {
    const value = aggregate.samples[0]?.value ?? null;
    return {
      event: aggregate.event,
      unit: aggregate.unit,
      status: aggregate.status,
      value,
      perSecond: value === null || intervalS < MIN_ROW_WINDOW_S ? null : value / intervalS,
      ...(aggregate.lowestRunningPct === null || aggregate.lowestRunningPct >= 100 ? {} : { runningPct: aggregate.lowestRunningPct }),
    };
  });
  return {
    timeS: interval.timeS,
    intervalS,
    rssBytes: after.rssBytes,
    cpuPct: processCpuPct(before, after, ticksPerSecond),
    systemCpuPct: meanOrNull(cpuBusyPct(before.machineTicks, after.machineTicks)),
    events,
  };
}

/** The target's CPU % of one CPU between two readings; null when either is missing or they are under MIN_ROW_WINDOW_S apart. */
export function processCpuPct(before: ProcPoint, after: ProcPoint, ticksPerSecond = 100): number | null {
  const wallS = after.atS - before.atS;
  const ticksBefore = ownTicks(before);
  const ticksAfter = ownTicks(after);
  if (ticksBefore === null || ticksAfter === null || wallS < MIN_ROW_WINDOW_S) return null;
  return Math.max(0, (100 * (ticksAfter - ticksBefore)) / ticksPerSecond / wallS);
}

function ownTicks(point: ProcPoint): number | null {
  return point.utimeTicks === null || point.stimeTicks === null ? null : point.utimeTicks + point.stimeTicks;
}

function meanOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length;
}
