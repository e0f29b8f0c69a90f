import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { PerfRecord } from '../../parsers/perf-stat-types.ts';
import { parseProcStat } from '../../parsers/proc-stat.ts';
import { parseProcStatus } from '../../parsers/proc-status.ts';
import { parseChildrenCpuTicks, parsePidStat, parseStatusTgid, parseStatusUid } from '../../parsers/proc-pid-stat.ts';
import { PerfError, TargetError, UsageError } from '../errors.ts';
import { metricGroupNotes } from '../perf/metric-group-notes.ts';
import { watchPerf, type PerfWatch } from '../perf/watch.ts';
import { resetPeakRss } from '../proc/read-proc.ts';
import { monotonicNs } from '../session/clock.ts';
import { resolvePerfOptions, type MeasureOptions } from '../session/options.ts';
import { checkAttachOptions } from '../session/check-options.ts';
import type { CommandReport, PeakMethod } from '../session/report.ts';
import { buildAttachReport } from './attach-report.ts';
import { checkPerfEvents } from './perf-preflight.ts';
import { buildIntervalRow, createIntervalAssembler, MIN_ROW_WINDOW_S, type IntervalRow, type PerfInterval, type ProcPoint } from './interval-row.ts';
import { createWatchState, type AttachSeries, type WatchState, type WatchStateOptions } from './watch-state.ts';

/** Where attach reads the system from; tests pass fakes for single parts. */
export interface ProcSource {
  readonly readText: (path: string) => string;
  readonly writeText: (path: string, data: string) => void;
  readonly getuid: () => number;
  /** Monotonic clock, seconds. */
  readonly nowS: () => number;
  /** The uid that owns a file; absent, dumpability is not told. */
  readonly ownerUid?: (path: string) => number;
}

export const defaultProcSource: ProcSource = {
  readText: (path) => readFileSync(path, 'utf8'),
  writeText: (path, data) => writeFileSync(path, data),
  getuid: () => process.getuid?.() ?? 0,
  nowS: () => Number(monotonicNs()) / 1e9,
  ownerUid: (path) => statSync(path).uid,
};

export interface AttachOptions extends Pick<MeasureOptions, 'events' | 'metricGroups' | 'intervalMs' | 'perf' | 'perfPath'>, WatchStateOptions {
  /** Stop after this many seconds; default: until the process exits or `signal` aborts. */
  readonly durationS?: number;
  /** Abort (Ctrl-C) ends the watch with its summary, like the end of the duration. */
  readonly signal?: AbortSignal;
  /** Once perf watches. What it throws ends the watch, perf stopped, and attachToProcess rejects with it. */
  readonly onStart?: (info: AttachStart) => void;
  /** Each interval as it completes, with the state it was added to (for the live table). What it throws ends the watch as onStart's does. */
  readonly onRow?: (row: IntervalRow, state: WatchState) => void;
  /** Checks an explicit `-e` list before anything starts (perf-preflight.ts); tests pass a fake. */
  readonly checkEvents?: typeof checkPerfEvents;
}

export interface AttachStart {
  readonly pid: number;
  readonly comm: string;
  readonly intervalMs: number;
  /** Events perf counts; empty when perf is off or could not start with the default events. */
  readonly events: readonly string[];
}

export interface AttachResult {
  readonly report: CommandReport;
  readonly series: AttachSeries;
  readonly rowCount: number;
  /** Why the watch ended. */
  readonly endedBy: 'duration' | 'signal' | 'exit';
}

/**
 * The pid's name, refusing a pid that does not exist (or is a zombie), a thread's id, and another
 * user's process when not root.
 */
export function checkTarget(pid: number, source: ProcSource = defaultProcSource): { comm: string; isNotDumpable: boolean } {
  let stat;
  let status = '';
  try {
    stat = parsePidStat(source.readText(`/proc/${pid}/stat`));
    status = source.readText(`/proc/${pid}/status`);
  } catch {
    stat = undefined;
  }
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') {
    throw new TargetError('NO_SUCH_PROCESS', `no process with pid ${pid} (check the pid: the process may have exited)`);
  }
  // /proc/TID answers for a thread with its process's figures and perf --pid TID counts the whole
  // process, but the thread's end read as the target's exit: a watch of a worker thread's id said
  // 'pid N exited during the watch' and ended while its process ran on
  const processId = parseStatusTgid(status);
  if (processId !== null && processId !== pid) {
    throw new UsageError(`pid ${pid} is a thread of pid ${processId}, not a process (attach to its process: perfcell attach ${processId})`);
  }
  const owner = parseStatusUid(status);
  const uid = source.getuid();
  if (uid !== 0 && owner !== null && owner !== uid) {
    throw new TargetError(
      'NOT_PERMITTED',
      `cannot watch pid ${pid}: it belongs to uid ${owner} and perfcell runs as uid ${uid} (run as that user, or as root: sudo perfcell attach ${pid})`,
    );
  }
  return { comm: stat.comm, isNotDumpable: isNotDumpable(pid, owner, source) };
}

/**
 * Whether a process is not dumpable: the kernel gives root the files under /proc/PID of a setuid
 * or setgid program, or of one that called prctl(PR_SET_DUMPABLE, 0), whoever it runs as, and
 * refuses its clear_refs and perf to anyone else as it does another user's process.
 */
function isNotDumpable(pid: number, owner: number | null, source: ProcSource): boolean {
  if (owner === null || owner === 0 || source.ownerUid === undefined) return false;
  try {
    return source.ownerUid(`/proc/${pid}/stat`) === 0;
  } catch {
    return false;
  }
}

/** One reading of the target and the machine; the target's fields are null once it has gone. */
export function readProcPoint(pid: number, source: ProcSource = defaultProcSource): ProcPoint {
  const atS = source.nowS();
  const attempt = <T>(read: () => T | undefined): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  const memory = attempt(() => parseProcStatus(source.readText(`/proc/${pid}/status`)));
  const statText = attempt(() => source.readText(`/proc/${pid}/stat`));
  const stat = statText === undefined ? undefined : parsePidStat(statText);
  const children = statText === undefined ? undefined : parseChildrenCpuTicks(statText);
  const childList = attempt(() => source.readText(`/proc/${pid}/task/${pid}/children`));
  const machineTicks = attempt(() => parseProcStat(source.readText('/proc/stat'))) ?? [];
  // An exiting process drops its VmRSS line when it releases its memory, then runs on while the
  // kernel frees it (25 ms for 300 MiB here) before it is a zombie: its stat line, CPU times
  // included, stays to the end; a zombie's are its final ones.
  const hasMemory = memory?.rssBytes != null && stat !== undefined;
  return {
    atS,
    rssBytes: hasMemory ? (memory?.rssBytes ?? null) : null,
    peakRssBytes: hasMemory ? (memory?.peakRssBytes ?? null) : null,
    utimeTicks: stat?.utimeTicks ?? null,
    stimeTicks: stat?.stimeTicks ?? null,
    machineTicks,
    exited: stat === undefined || stat.state === 'Z' || stat.state === 'X',
    childrenTicks: children === undefined ? null : children.userTicks + children.systemTicks,
    ...(childList === undefined ? {} : { hasChildren: childList.trim() !== '' }),
  };
}

/** How often a watch looks whether its target still lives, in ms (at most every interval). */
export const EXIT_POLL_MS = 20;

/**
 * The interval in which the target exited, ended at its exit: perf stamps it when it prints it
 * (at its next tick, or when stopped), but the target ran only until it exited, so its counts are
 * over that span and its rates per second of it. `exitS` is the exit on perf's clock.
 * @example endedAtExit({ timeS: 2.0, records }, 1.0, 1.4).timeS // 1.4, and each record's time with it
 */
export function endedAtExit(interval: PerfInterval, previousTimeS: number, exitS: number): PerfInterval {
  const timeS = Math.min(interval.timeS, Math.max(previousTimeS, exitS));
  if (timeS === interval.timeS) return interval;
  return { timeS, records: interval.records.map((record) => (record.time === null ? record : { ...record, time: timeS })) };
}

/**
 * How long a watch whose -d is a whole number of intervals waits past its duration for perf's last
 * interval (beside perf's quiet spell, see attachToProcess), in ms: perf's ticks come late, more so
 * on a busy machine, and each is stamped on perf's clock, which starts after perfcell's.
 */
const LAST_TICK_GRACE_MS = 50;

/**
 * The number of perf's intervals in a duration, when it is a whole number of them (`-d 1 -I 500`:
 * 2), else null: such a watch ends with perf's interval of that number, as `perf stat -I 500
 * --interval-count 2` does.
 * @example intervalsInDuration(0.3, 100) // 3
 * @example intervalsInDuration(1.2, 500) // null
 */
export function intervalsInDuration(durationS: number, intervalMs: number): number | null {
  const count = (durationS * 1000) / intervalMs;
  const whole = Math.round(count);
  return whole >= 1 && Math.abs(count - whole) < 1e-9 ? whole : null;
}

/** An interval of perf's with events in which none counted (the target never ran in it). */
function isTrailingInterval(interval: PerfInterval): boolean {
  return interval.records.length > 0 && interval.records.every((record) => record.status === 'not counted');
}

/**
 * Watches a running process until `durationS` passes, `signal` aborts or the process exits:
 * one row per interval (perf's `-I` when perf counts, else a timer), then the summary report.
 * VmHWM is reset at attach, so the summary's peak is the peak during the watch.
 */
export async function attachToProcess(pid: number, options: AttachOptions = {}, source: ProcSource = defaultProcSource): Promise<AttachResult> {
  checkAttachOptions(pid, options);
  const { comm, isNotDumpable } = checkTarget(pid, source);
  const perfOptions = resolvePerfOptions(options);
  // An -e list perf refuses is an error before the first record (onStart) and before VmHWM is
  // reset; without -e (the default events) perf's failure is a warning and RAM and CPU go on.
  if (perfOptions.enabled && perfOptions.explicit) {
    const refused = await (options.checkEvents ?? checkPerfEvents)(perfOptions);
    if (refused !== null) throw refused;
  }
  const intervalMs = perfOptions.intervalMs;
  const warnings: string[] = [];
  const state = createWatchState(options);
  const assembler = createIntervalAssembler();
  const startedAt = new Date().toISOString();

  const peakMethod: PeakMethod = resetPeakRss(pid, source.writeText) ? 'vmhwm-reset' : 'sampled';
  if (peakMethod === 'sampled') {
    const why = isNotDumpable ? ' (it is not dumpable, so only root may write its clear_refs)' : '';
    warnings.push(`cannot reset the peak RSS of pid ${pid}${why}; the peak is the largest RSS seen each interval`);
  }
  const start = readProcPoint(pid, source);
  let previous = start;
  /** The last reading with the target's memory (its RAM as last seen). */
  let lastAlive = start;
  /** The last reading before it exited (its CPU times as last seen); a zombie's are final. */
  let lastTimes = start;
  /**
   * When the target exited, on our clock: the first reading that found it gone, at most
   * EXIT_POLL_MS late (so its last interval's rates are, if anything, low: put midway, a 6 ms
   * last slice read 2,297 msec/s of task-clock for one thread); `lastSeenBeforeS` bounds how long
   * before its exit its memory was last read.
   */
  let exit: { readonly atS: number; readonly lastSeenBeforeS: number } | null = null;
  function noteGone(point: ProcPoint): void {
    if (exit === null) exit = { atS: point.atS, lastSeenBeforeS: point.atS - lastAlive.atS };
  }
  /** Whether any reading found a child of the target: perf counts children (it follows new ones), RAM and CPU time do not. */
  let sawChildren = start.hasChildren === true;
  const look = (point: ProcPoint): void => {
    if (point.hasChildren === true) sawChildren = true;
    if (point.rssBytes !== null) lastAlive = point;
    if (point.utimeTicks !== null) lastTimes = point;
    if (point.exited) noteGone(point);
  };
  let previousTimeS = 0;
  let resolveFinished: (endedBy: AttachResult['endedBy']) => void = () => undefined;
  const finished = new Promise<AttachResult['endedBy']>((resolve) => {
    resolveFinished = resolve;
  });
  /** What ended the watch (the first to), once something has. */
  let endedBy: AttachResult['endedBy'] | null = null;
  const finish = (reason: AttachResult['endedBy']): void => {
    endedBy ??= reason;
    resolveFinished(reason);
  };
  /**
   * What the caller's onStart or onRow threw: it ends the watch, perf stopped, and the watch
   * rejects with it. Thrown where it was called, it left perf watching and the caller's script
   * held open (onStart), or was an uncaught exception from perf's output (onRow).
   */
  let callbackFailure: { readonly error: unknown } | null = null;
  const callCaller = (call: () => void): void => {
    if (callbackFailure !== null) return;
    try {
      call();
    } catch (error: unknown) {
      callbackFailure = { error };
      finish('exit');
    }
  };
  const durationIntervals = options.durationS === undefined ? null : intervalsInDuration(options.durationS, intervalMs);
  /** perf's intervals made rows so far. */
  let perfIntervals = 0;
  /**
   * A -d of whole intervals has had perf's interval at its end: all perf prints after it lies past
   * the duration, whichever ended the watch (that interval, or -d's timer while its row still
   * waited out its quiet spell: a late last tick had then a row of the stop after it).
   */
  const isPastDuration = (): boolean => durationIntervals !== null && perfIntervals >= durationIntervals;
  /**
   * Whether perf printed `interval` only because perfcell stopped it, at its last tick or a few ms
   * after: past the end of a -d of whole intervals, or a stop (Ctrl-C, -d's timer) under
   * MIN_ROW_WINDOW_S after a tick. Its counts are the stop's latency; as a row its CPU % and rates
   * are noise, and as a sample of the summary it was the minimum of every event (a spinner's
   * task-clock: 0.03 msec). Such an interval is neither a row nor part of the summary.
   */
  const isStopSliver = (interval: PerfInterval): boolean =>
    interval.records.length > 0 &&
    (isPastDuration() || ((endedBy === 'signal' || endedBy === 'duration') && perfIntervals > 0 && interval.timeS - previousTimeS < MIN_ROW_WINDOW_S));
  const emit = (arrived: PerfInterval): void => {
    if (isStopSliver(arrived)) return;
    const point = readProcPoint(pid, source);
    look(point);
    // perf prints one more interval once the target has gone, in which nothing ran: every event
    // <not counted>. It is no part of the watch: as a row it read 0/s and dragged each event's
    // minimum in the summary to 0.
    if (point.exited && isTrailingInterval(arrived)) {
      finish('exit');
      return;
    }
    const interval = exit === null ? arrived : endedAtExit(arrived, previousTimeS, exit.atS - (perfClockOffsetS ?? start.atS));
    for (const record of interval.records) state.addRecord(record);
    const row = buildIntervalRow(interval, previousTimeS, previous, point);
    previousTimeS = interval.timeS;
    if (!point.exited) previous = point;
    state.addRow(row, peakMethod === 'vmhwm-reset' ? point.peakRssBytes : null);
    if (arrived.records.length > 0) perfIntervals += 1;
    if (options.onRow !== undefined) callCaller(() => options.onRow?.(row, state));
    if (point.exited) finish('exit');
    else if (endedBy === null && isPastDuration()) finish('duration');
  };

  // perf prints one interval as a burst of lines: a short quiet spell after a record ends the burst.
  const quietMs = Math.min(30, Math.max(5, Math.floor(intervalMs / 4)));
  let quietTimer: NodeJS.Timeout | undefined;
  const flushQuiet = (): void => {
    const interval = assembler.flush();
    if (interval) emit(interval);
  };
  /**
   * Our clock minus perf's (its interval timestamps count from its own start): the least of the
   * differences between when an interval's first line arrived and its timestamp, perf printing
   * each interval as it stamps it. null before the first.
   */
  let perfClockOffsetS: number | null = null;
  let stampedS: number | null = null;
  const onRecord = (record: PerfRecord): void => {
    if (record.time !== null && record.time !== stampedS) {
      stampedS = record.time;
      const offsetS = source.nowS() - record.time;
      if (perfClockOffsetS === null || offsetS < perfClockOffsetS) perfClockOffsetS = offsetS;
    }
    // an interval's records reach the summary with its row (emit), once it is known whether the target still lived
    if (record.time === null) state.addRecord(record);
    const done = assembler.add(record);
    if (done) emit(done);
    clearTimeout(quietTimer);
    quietTimer = setTimeout(flushQuiet, quietMs);
  };

  // The target is looked at every EXIT_POLL_MS between intervals: its exit ends the watch at once
  // (perf would notice only at its next tick, up to an interval later), and its CPU time and RAM
  // are as read at most that long before it exited, not up to an interval before.
  const exitPoll = setInterval(() => {
    const point = readProcPoint(pid, source);
    look(point);
    if (point.exited) finish('exit');
  }, Math.min(EXIT_POLL_MS, intervalMs));

  let ticker: NodeJS.Timeout | undefined;
  const startTicker = (): void => {
    const zeroS = source.nowS();
    ticker = setInterval(() => emit({ timeS: source.nowS() - zeroS, records: [] }), intervalMs);
  };

  let perf: PerfWatch | null = null;
  /** The watch's perf, kept after `perf` is cleared: what it said about -M groups goes in the report. */
  let started: PerfWatch | null = null;
  let countedEvents: readonly string[] = [];
  let stopping = false;
  let failure: unknown = null;
  if (perfOptions.enabled) {
    const watch = watchPerf(pid, perfOptions, onRecord, { isPidNotDumpable: isNotDumpable });
    perf = watch;
    started = watch;
    countedEvents = perfOptions.events;
    void watch.ended.then((end) => {
      if (stopping) return;
      if (end.problem === null) {
        finish('exit'); // perf ends by itself when the target exits
        return;
      }
      perf = null;
      if (readProcPoint(pid, source).exited) {
        finish('exit');
      } else if (perfOptions.explicit) {
        failure = end.problem;
        finish('exit');
      } else {
        warnings.push(`${end.problem.message}; watching RAM and CPU only`);
        startTicker();
      }
    });
  } else {
    startTicker();
  }
  if (options.onStart !== undefined) callCaller(() => options.onStart?.({ pid, comm, intervalMs, events: countedEvents }));

  let durationTimer: NodeJS.Timeout | undefined;
  // -d on perfcell's clock, except that a duration of whole intervals ends with perf's last one
  // (emit): the timer waits for it until it is due on perf's clock, which runs behind perfcell's by
  // perf's start-up and on which each tick comes a little late (1.0013 s for the second of 500 ms),
  // and perf has had its quiet spell and some grace. Before, the two raced: `-d 1 -I 500` ended
  // with a last row at 0.986 s, or with one of 1 ms after the row at 1.0 s.
  const onDurationEnd = (): void => {
    if (perf !== null && durationIntervals !== null && perfIntervals < durationIntervals) {
      const lateS = Math.max(0, previousTimeS - (perfIntervals * intervalMs) / 1000);
      const dueS = perfClockOffsetS === null ? source.nowS() : perfClockOffsetS + (durationIntervals * intervalMs) / 1000 + lateS;
      durationTimer = setTimeout(() => finish('duration'), Math.max(0, (dueS - source.nowS()) * 1000) + quietMs + LAST_TICK_GRACE_MS);
      return;
    }
    finish('duration');
  };
  if (options.durationS !== undefined) durationTimer = setTimeout(onDurationEnd, options.durationS * 1000);
  const onAbort = (): void => finish('signal');
  if (options.signal?.aborted) finish('signal');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let end: ProcPoint;
  let reason: AttachResult['endedBy'];
  try {
    reason = await finished;
    clearInterval(exitPoll);
    end = readProcPoint(pid, source);
    look(end);
    stopping = true;
    clearTimeout(durationTimer);
    clearInterval(ticker);
    if (perf !== null) {
      const watch: PerfWatch = perf;
      await watch.stop();
    }
  } finally {
    clearInterval(exitPoll);
    options.signal?.removeEventListener('abort', onAbort);
    clearTimeout(durationTimer);
    clearInterval(ticker);
    (perf as PerfWatch | null)?.kill();
  }
  clearTimeout(quietTimer);
  flushQuiet();
  if (callbackFailure !== null) throw (callbackFailure as { readonly error: unknown }).error;
  // perf does not fail on an -M group it lacks: it says so and counts the -e events alone
  if (started !== null) warnings.push(...metricGroupNotes((await (started as PerfWatch).ended).messages, options.metricGroups ?? [], state.metrics().length > 0));
  if (failure !== null) throw failure instanceof PerfError ? failure : new Error(String(failure));

  const exited = exit as { readonly atS: number; readonly lastSeenBeforeS: number } | null;
  const report = buildAttachReport(state, {
    pid,
    comm,
    startedAt,
    // a watch the target's exit ended lasted until that exit, not until perfcell noticed it
    durationS: (end.exited && exited !== null ? exited.atS : end.atS) - start.atS,
    ...(end.exited && exited !== null ? { lastSeenBeforeExitS: exited.lastSeenBeforeS } : {}),
    start,
    end,
    lastAlive,
    lastTimes,
    sawChildren,
    peakMethod,
    exited: end.exited,
    intervalMs: countedEvents.length > 0 && perf !== null ? intervalMs : null,
    requestedEvents: countedEvents,
    warnings,
  });
  return { report, series: state.series(), rowCount: state.rowCount, endedBy: reason };
}
