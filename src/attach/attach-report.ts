import { buildCpuReport } from '../session/cpu.ts';
import { countersFromAggregates, noCounters } from '../session/counters.ts';
import type { CommandReport, PeakMethod } from '../session/report.ts';
import type { ProcPoint } from './interval-row.ts';
import type { WatchState } from './watch-state.ts';

/** Everything the end of a watch knows, gathered by the OS edge. */
export interface AttachEnd {
  readonly pid: number;
  readonly comm: string;
  readonly startedAt: string;
  /** Our monotonic clock from attach to the end of the watch, seconds. */
  readonly durationS: number;
  /** Read at attach, right after VmHWM was reset. */
  readonly start: ProcPoint;
  /** Read at the end; its fields are null when the process had already exited. */
  readonly end: ProcPoint;
  /** The last reading that found the process's memory (equal to end when it still lives). */
  readonly lastAlive: ProcPoint;
  /** The last reading of its CPU times, up to its exit (a zombie's are final); lastAlive's when absent. */
  readonly lastTimes?: ProcPoint;
  /** A reading found a child process of the target. */
  readonly sawChildren?: boolean;
  readonly peakMethod: PeakMethod;
  readonly exited: boolean;
  /** At most how long before its exit the target was last read alive (its RAM and CPU time are that reading's); absent unless it exited. */
  readonly lastSeenBeforeExitS?: number;
  /** null when perf did not count (off, or failed with the default events). */
  readonly intervalMs: number | null;
  /** The -e list perf was given (see describeUserOnly: a `:u` written there is the user's, not perf's doing). */
  readonly requestedEvents?: readonly string[];
  readonly ticksPerSecond?: number;
  readonly warnings: readonly string[];
}

/**
 * The summary of a whole watch as a CommandReport, built from running aggregates only.
 * RAM: used = RSS at end − RSS at attach; the peak is VmHWM (reset at attach) read at the end,
 * or, when the process exited first, the largest VmHWM or RSS read while it lived.
 * @example buildAttachReport(state, end).memory.peakAboveFinalBytes // ≥ 0
 */
export function buildAttachReport(state: WatchState, end: AttachEnd): CommandReport {
  const warnings = [...end.warnings];
  const rssBeforeBytes = end.start.rssBytes;
  const rssAfterBytes = end.end.rssBytes ?? end.lastAlive.rssBytes ?? state.lastRssBytes;
  // VmHWM counts from attach only when it was reset there; otherwise it is the lifetime peak.
  const isReset = end.peakMethod === 'vmhwm-reset';
  const peakRssBytes = maxOf([
    isReset ? end.end.peakRssBytes : null,
    isReset ? end.lastAlive.peakRssBytes : null,
    state.maxRssBytes,
    rssBeforeBytes,
    rssAfterBytes,
  ]);
  if (end.exited) {
    const before = end.lastSeenBeforeExitS === undefined ? 'at most one interval' : `${formatMs(end.lastSeenBeforeExitS)} or less`;
    warnings.push(`pid ${end.pid} exited during the watch; its RAM and CPU time are as last seen alive, ${before} before it exited`);
  }
  // perf follows the children the target starts; /proc's RAM and CPU time are the pid's own (CPU
  // adds a child's when the target has waited for it)
  if (end.sawChildren === true) {
    warnings.push(`pid ${end.pid} had child processes during the watch: the counters count those it started (perf follows new children), its RAM is its own, and its CPU time adds theirs only once it has waited for them (child processes cpu)`);
  }
  const lastTimes = end.lastTimes ?? end.lastAlive;
  const ticksPerSecond = end.ticksPerSecond ?? 100;
  const seconds = (after: number | null, before: number | null): number | null =>
    after === null || before === null ? null : Math.max(0, after - before) / ticksPerSecond;

  const userS = seconds(lastTimes.utimeTicks, end.start.utimeTicks);
  const systemS = seconds(lastTimes.stimeTicks, end.start.stimeTicks);
  let counters = noCounters();
  if (end.intervalMs !== null) {
    // "did not run" only where /proc saw no CPU time: a target that ran (a busy program beside an
    // event perf could not schedule) had its event left out by perf, not by the scheduler
    const ran = (userS ?? 0) + (systemS ?? 0) > 0;
    const built = countersFromAggregates(state.aggregates(), {
      intervalMs: end.intervalMs,
      pauseS: 0,
      ...(end.requestedEvents === undefined ? {} : { requestedEvents: end.requestedEvents }),
      notCountedReason: ran
        ? `never counted while pid ${end.pid} ran (perf could not schedule it: counters taken by others, or more events than the PMU has counters)`
        : `never counted (pid ${end.pid} did not run on a CPU during the watch)`,
      // cachegrind runs a program from its start: attach has no --backend to point to
      hasCachegrind: false,
    });
    const metrics = state.metrics();
    counters = metrics.length === 0 ? built.counters : { ...built.counters, metrics };
    warnings.push(...built.notes);
  }
  return {
    label: `pid ${end.pid} (${end.comm})`,
    startedAt: end.startedAt,
    durationS: end.durationS,
    exitCode: null,
    signal: null,
    memory: {
      rssBeforeBytes,
      rssAfterBytes,
      usedBytes: rssAfterBytes === null || rssBeforeBytes === null ? null : rssAfterBytes - rssBeforeBytes,
      peakRssBytes,
      peakAboveFinalBytes: peakRssBytes === null || rssAfterBytes === null ? null : Math.max(0, peakRssBytes - rssAfterBytes),
      peakMethod: end.peakMethod,
      ...(end.exited && end.lastSeenBeforeExitS !== undefined ? { lastSeenBeforeExitS: end.lastSeenBeforeExitS } : {}),
    },
    cpu: buildCpuReport(end.start.machineTicks, end.end.machineTicks, {
      userS,
      systemS,
      wallS: end.durationS,
      // two readings in whole ticks
      resolutionS: 2 / ticksPerSecond,
      childrenS: seconds(lastTimes.childrenTicks ?? null, end.start.childrenTicks ?? null),
    }),
    counters,
    warnings,
    rssSeries: state.rssSeries(),
  };
}

/** `12 ms`, rounded up: a bound. */
function formatMs(seconds: number): string {
  return `${Math.max(1, Math.ceil(seconds * 1000))} ms`;
}

function maxOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : Math.max(...present);
}
