import { setImmediate as nextTurn } from 'node:timers/promises';
import { startPerf, type CountingSwitch, type PerfSession, type PerfWindowResult } from '../perf/controller.ts';
import { openLiveLine, type LiveLine } from '../live/follower.ts';
import { isPerfGoneOn, PerfError, UsageError } from '../errors.ts';
import { readChildrenCpuTicks, readCpuTicks, readProcMemory, resetPeakRss, USER_HZ } from '../proc/read-proc.ts';
import type { CpuTicks } from '../../parsers/proc-stat.ts';
import { monotonicNs } from './clock.ts';
import { buildCpuReport } from './cpu.ts';
import { buildPerfCounters, noCounters } from './counters.ts';
import { resolvePerfOptions, type MeasureOptions } from './options.ts';
import type { CommandReport, CountersReport, HeapReport, PeakMethod } from './report.ts';
import { needsSettling, settleRss, settleTargetOf, SETTLE_THRESHOLD_BYTES, type SettleReport } from './settle.ts';
import { startGcWindow, type GcReport, type GcWindow } from './gc.ts';
import { awaitBackgroundCompiles } from './background-compiles.ts';
import { continueCount, HELD_STOP_NOTE, heldStop } from './job-stops.ts';

/**
 * A measurement window over a living process (perfcell's own, for the REPL and cells).
 * prepareWindow() attaches perf with counting disabled, which takes tens of ms, so it can be
 * done while the person types; begin() only resets the peak, reads the starting point and
 * enables perf; end() reads the end point at once, then collects perf's samples.
 */
export interface MeasurementWindow {
  /**
   * Opens the window: perf counts from its end. With `switchInCommand` (a cell), where perf can be
   * switched synchronously, it returns the switch instead, and perf counts from `on()` to `off()`,
   * called by the command's first and last statements: nothing of perfcell's between them.
   */
  begin(how?: { switchInCommand?: boolean }): Promise<CountingSwitch | null>;
  /**
   * Closes the window. `marks` are the command's own start and end on the monotonic clock, where
   * the caller knows them closer than begin()/end() (a cell marks its first and last statement,
   * so the inspector's round trip stays out of its time).
   */
  end(outcome?: { exitCode?: number | null; signal?: string | null }, marks?: WindowMarks, hooks?: WindowEndHooks): Promise<CommandReport>;
  /**
   * Closes the window as this process exits (a REPL line's process.exit(), in the 'exit' event,
   * where only synchronous code runs): the time, CPU, RAM and collections up to now, unsettled, and
   * perf's counts where its switch is off already and its tail comes within EXIT_TAIL_LIMIT_MS
   * (perf's stopAtExit); a warning says what the report lacks. Null where the window was never opened.
   * `calledExit`: false where the process ends with nothing left to run (an await that never settles
   * once the input has ended), not by process.exit(); the warning says which.
   */
  endAtExit?(outcome: { exitCode: number; calledExit: boolean }, marks?: WindowMarks): CommandReport | null;
  /** Drops the window (perf stopped, nothing reported); safe to call twice. */
  cancel(): void;
}

/** What the caller of end() does at a point of the window's closing. */
export interface WindowEndHooks {
  /**
   * Called once the end point is read and perf's counts are in, just before the final memory is
   * settled (not where end() fails before): what runs here is in none of the window's figures, and
   * the settling collection sees what it let go. The notebook kernel shows a cell's value here and
   * drops it, so the value is not counted as RAM the cell kept (the display's garbage is collected
   * with the cell's). Must not throw.
   */
  readonly beforeSettle?: () => void;
}

export interface WindowMarks {
  readonly startNs?: bigint | undefined;
  readonly endNs?: bigint | undefined;
  /** This process's CPU at the command's start and end (own process only), read with the marks. */
  readonly startCpu?: NodeJS.CpuUsage | undefined;
  readonly endCpu?: NodeJS.CpuUsage | undefined;
  /** The collections from the start mark on (own process only): stopped at the end mark into `gcReport`, else at the window's end. */
  readonly gc?: GcWindow | undefined;
  readonly gcReport?: GcReport | undefined;
}

/** The label of the window now open over this very process, if any: two at once would reset each other's peak. */
let openSelfWindow: string | null = null;
/** perfcell's own measurements ran inside the open self window (see noteNestedMeasurement). */
let nestedInSelfWindow = false;

/**
 * Called as perfcell measures something of its own (timeit, compare of functions, measure of a
 * program) inside a command: the perf processes and gates it forks from this process are counted
 * with it by the window's perf (which follows new children), and their CPU lands in its children's.
 * The command's report then says so (a REPL line of `await perfcell.compare(…)` read 17,878
 * page-faults and "child processes cpu 0.34s" with no word of where they came from).
 */
export function noteNestedMeasurement(): void {
  if (openSelfWindow !== null) nestedInSelfWindow = true;
}

/** Programs perfcell is measuring from this process now (measureNestedProgram): a self window that opens meanwhile counts their gates and perfs too. */
let nestedProgramsRunning = 0;

/**
 * Runs one measurement of a program (measure(argv), the library's runProgram) as nested in a self
 * window open at any moment of it: one that opens after it began (measure(fn) and measure(argv)
 * started together, as Promise.all starts them) counts its gate and perf as much as one it began in.
 */
export async function measureNestedProgram<T>(run: () => Promise<T>): Promise<T> {
  noteNestedMeasurement();
  nestedProgramsRunning++;
  try {
    return await run();
  } finally {
    nestedProgramsRunning--;
  }
}

const NESTED_NOTE = "perfcell measured inside this command (timeit, compare or a program's measure): the perf processes it started are counted with the command, in its counters and child processes cpu";
/**
 * What the previous window over this process left in use, bytes. Memory a command kept can be let
 * go by the next one without moving anything inside its window: the REPL's `_` holds the last
 * result until the next command's value replaces it, after that command's window has closed.
 */
let previousSelfUsedBytes = 0;
/** A wait for V8's compiles longer than this takes a turn of the event loop before the command runs (begin()). */
const LOOP_CLOCK_SLACK_MS = 0.2;
/**
 * Whether garbage may be left from an earlier window over this process: one that ended with
 * settling off or cut short. A later command's allocations can then set off the collection that
 * lets that garbage go and leave its own in its place, moving nothing: it settles whatever it
 * moved, until a window ends settled.
 */
let selfGarbageMayRemain = false;

/** The label of the in-process window now open, or null: measure(fn) refuses to open a second one. */
export function openSelfWindowLabel(): string | null {
  return openSelfWindow;
}

/** The error for a second window over this process while one is open. */
export function overlapError(label: string): UsageError {
  return new UsageError(
    `a measurement of this process is already open (${label || 'unnamed'}); await it before measuring again (overlapping in-process windows would swap each other's RAM)`,
  );
}

interface Start {
  readonly ns: bigint;
  readonly rssBytes: number | null;
  readonly cpuTicks: readonly CpuTicks[];
  readonly cpuUsage: NodeJS.CpuUsage | null;
  /** This process's waited-for children's CPU at the start, clock ticks (own process only). */
  readonly childrenCpu: { userTicks: number; systemTicks: number } | null;
  readonly heap: NodeJS.MemoryUsage | null;
  readonly peakMethod: PeakMethod;
  /** This process's collections since the start (own process only). */
  readonly gc: GcWindow | null;
  /** This process's continues after a job-control stop so far (job-stops.ts). */
  readonly continues: number;
}

/** The command's own span, and the process's CPU over it (see spanOf). */
interface Span {
  readonly startMarked: boolean;
  readonly startNs: bigint;
  readonly commandEndNs: bigint;
  readonly cpuUsage: NodeJS.CpuUsage | null;
  readonly cpuWallNs: bigint;
}

/** The final memory: after settling, or as read at the end. */
interface Settled {
  readonly rssBytes: number | null;
  readonly usage: NodeJS.MemoryUsage | null;
  readonly report: SettleReport | null;
}

type Outcome = { readonly exitCode?: number | null; readonly signal?: string | null };

/** What begin() reads before perf counts. */
type StartReads = Omit<Start, 'gc' | 'cpuUsage' | 'ns' | 'continues'>;

/** What finish() reads at the window's end, once perf counts no more. */
interface EndReads {
  readonly memory: ReturnType<typeof readProcMemory>;
  readonly cpuTicks: readonly CpuTicks[];
  readonly endUsage: NodeJS.MemoryUsage | null;
  readonly childrenCpu: { userTicks: number; systemTicks: number } | null;
  readonly gc: GcReport | null;
}

/** `attachPerf`: where the window's perf comes from (cells take one armed ahead from a pool). */
export function prepareWindow(pid: number, options: MeasureOptions = {}, attachPerf: typeof startPerf = startPerf): MeasurementWindow {
  const perfOptions = resolvePerfOptions(options);
  const isSelf = pid === process.pid;
  const warnings: string[] = [];
  let perf: PerfSession | null = perfOptions.enabled ? attachPerf(pid, perfOptions) : null;
  /** The live view's line of a window without perf (perf's window draws its own). */
  let line: LiveLine | null = null;
  let start: Start | null = null;
  let holdsSelf = false;
  const startedAt = new Date();
  const label = options.label ?? '';
  /** How long begin() waited for V8's background compiles (readStartPoint). */
  let compilesWaitedMs = 0;
  const releaseSelf = (): void => {
    if (holdsSelf) openSelfWindow = null;
    holdsSelf = false;
  };

  return {
    async begin(how = {}) {
      if (isSelf) {
        if (openSelfWindow !== null) throw overlapError(openSelfWindow);
        openSelfWindow = label;
        nestedInSelfWindow = nestedProgramsRunning > 0;
        holdsSelf = true;
      }
      // The starting point is read once perf is ready, right before the enable goes out: perf
      // counts from the moment it takes the enable, and over perfcell's own process it counts
      // perfcell's work too, so reads made while it acks would be counted into the command.
      let read: StartReads | null = null;
      const readStart = (): void => {
        read = readStartPoint();
      };
      let counting: CountingSwitch | null = null;
      if (perf !== null) {
        try {
          if (how.switchInCommand === true) counting = (await perf.prepareSwitch?.(readStart)) ?? null;
          // Node times a timer from the event loop's clock, read as each turn begins: after a wait for
          // V8's compiles, a timer the command sets would come early by the wait (an `await` of
          // 500 ms read 499.8 ms). A turn of the loop reads the clock again; the enable's ack takes one.
          if (counting !== null && compilesWaitedMs > LOOP_CLOCK_SLACK_MS) await nextTurn();
          if (counting === null) await perf.enable(readStart);
        } catch (error: unknown) {
          perf = null;
          // the command goes on without counters (isPerfGoneOn: even with -e), or ends here
          if (!isPerfGoneOn(error) && (perfOptions.explicit || !(error instanceof PerfError))) {
            releaseSelf();
            throw error;
          }
          warnings.push(`${error.message}; measuring RAM, time and CPU only`);
        }
      }
      // Without perf (--no-perf, or a perf that failed), the live view still shows the time and
      // memory; opened before the start is read (the first forks the relay).
      if (perf === null && perfOptions.live === true) line = openLiveLine(null, pid);
      // without perf, or where perf failed before it was ready
      const reads: StartReads = read ?? readStartPoint();
      if (reads.peakMethod === 'sampled') warnings.push(`cannot reset the peak RSS of pid ${pid} (not our process?); the peak is the larger of start and end`);
      const gc = isSelf ? startGcWindow() : null;
      // The process's CPU and the clock last and together, so the own CPU % has one window.
      start = { ...reads, gc, continues: continueCount(), cpuUsage: isSelf ? process.cpuUsage() : null, ns: monotonicNs() };
      return counting;
    },

    async end(outcome = {}, marks = {}, hooks = {}) {
      const endNs = monotonicNs();
      if (start === null) throw new Error('end() before begin()');
      // the report waits until the relay has erased the line
      const erased = line?.close();
      line = null;
      try {
        const report = await finish(start, endNs, outcome, marks, hooks);
        await erased;
        return report;
      } finally {
        releaseSelf();
      }
    },

    endAtExit(outcome, marks = {}) {
      const endNs = monotonicNs();
      if (start === null) return null;
      const span = spanOf(start, endNs, marks);
      // read once perf counts no more (the command's end mark switched it off), before perf's lines are parsed
      const endReads = readEndPoint(start, marks, span.startMarked);
      const window = perf?.stopAtExit?.({ startNs: span.startNs, endNs: span.commandEndNs }, EXIT_TAIL_LIMIT_MS) ?? null;
      let counters = noCounters();
      if (window !== null) {
        const built = buildPerfCounters(window, perfOptions.intervalMs, perfOptions.events, perfOptions.metricGroups, { hasCachegrind: false });
        counters = built.counters;
        warnings.push(...built.notes);
      }
      warnings.push(exitNote(outcome.exitCode, perf !== null && window === null, outcome.calledExit));
      const unsettled: Settled = { rssBytes: endReads.memory?.rssBytes ?? null, usage: endReads.endUsage, report: null };
      // perf and the live line's relay end with this process (their exit hooks, PR_SET_PDEATHSIG)
      return reportOf(start, span, endReads, counters, unsettled, { exitCode: outcome.exitCode });
    },

    cancel() {
      void line?.close();
      line = null;
      perf?.kill();
      perf = null;
      start?.gc?.stop();
      releaseSelf();
    },
  };

  /** The window's starting point in /proc: the peak reset, RSS, the machine's CPU, the heap. */
  function readStartPoint(): StartReads {
    // V8's background compiles finish first: they are threads of this process, which perf and its CPU count
    if (isSelf) compilesWaitedMs += awaitBackgroundCompiles();
    return {
      peakMethod: resetPeakRss(pid) ? 'vmhwm-reset' : 'sampled',
      rssBytes: readProcMemory(pid)?.rssBytes ?? null,
      cpuTicks: readCpuTicks(),
      heap: isSelf ? process.memoryUsage() : null,
      childrenCpu: isSelf ? readChildrenCpuTicks() : null,
    };
  }

  /** The window's end point, read once perf counts no more (see finish()). */
  function readEndPoint(begun: Start, marks: WindowMarks, startMarked: boolean): EndReads {
    const childrenCpu = begun.childrenCpu === null ? null : readChildrenCpuTicks();
    // The collections of the command only: the settling collection comes after this stop.
    // Over the command's own span where its start mark began one (the time's span), else the window's.
    const windowGc = begun.gc?.stop() ?? null;
    const markedGc = marks.gc === undefined ? null : (marks.gcReport ?? marks.gc.stop());
    const gc = windowGc === null ? null : startMarked && markedGc !== null ? markedGc : windowGc;
    return { childrenCpu, gc, memory: readProcMemory(pid), cpuTicks: readCpuTicks(), endUsage: begun.heap ? process.memoryUsage() : null };
  }

  /**
   * The command's span: its marks where it gave them (inside the window), else the window's; and
   * the process's CPU over that span where both marks read it, else over the window's, read first
   * (a getrusage, about 1 µs): read after the end point's reads, it would count them into a window
   * they are not in. perf's counted seconds (the rates) are the same span.
   */
  function spanOf(begun: Start, endNs: bigint, marks: WindowMarks): Span {
    const startMarked = marks.startNs !== undefined && marks.startNs >= begun.ns && marks.startNs <= endNs;
    const startNs = startMarked ? marks.startNs : begun.ns;
    const endMarked = marks.endNs !== undefined && marks.endNs >= startNs && marks.endNs <= endNs;
    const commandEndNs = endMarked ? marks.endNs : endNs;
    const markedCpu = begun.cpuUsage !== null && startMarked && endMarked && marks.startCpu !== undefined && marks.endCpu !== undefined;
    const cpuUsage = markedCpu
      ? { user: marks.endCpu.user - marks.startCpu.user, system: marks.endCpu.system - marks.startCpu.system }
      : begun.cpuUsage === null ? null : process.cpuUsage(begun.cpuUsage);
    const cpuWallNs = markedCpu ? commandEndNs - startNs : endNs - begun.ns;
    return { startMarked, startNs, commandEndNs, cpuUsage, cpuWallNs };
  }

  async function finish(begun: Start, endNs: bigint, outcome: Outcome, marks: WindowMarks, hooks: WindowEndHooks): Promise<CommandReport> {
    // perf is stopped first: its SIGINT or disable goes out now (perf idle in poll() takes it as
    // soon as it runs), and the report does not wait for perf's teardown. /proc is read once perf
    // counts no more: over perfcell's own process it counts perfcell's work too, and reads made
    // while it takes the disable would be counted into the command (a SIGINTed perf reads its
    // counters as it prints: its last interval is awaited only where its teardown needs it).
    const span = spanOf(begun, endNs, marks);
    const { startNs, commandEndNs, startMarked } = span;
    // The end point is read once perf counts no more, and before stop() reads and parses the
    // window's lines: over perfcell's own process that parse is perfcell's work, its allocations
    // in RSS, the peak and the heap (a cell that waited 1 s, allocating nothing, read 5.3 MiB used
    // where its 2 ms ticks were parsed first).
    let ends: EndReads | null = null;
    const readEnd = (): EndReads => (ends ??= readEndPoint(begun, marks, startMarked));
    let window: PerfWindowResult | null = null;
    if (perf !== null) {
      try {
        window = await perf.stop({ startNs, endNs: commandEndNs, awaitExit: false, whenCountingEnds: readEnd });
      } finally {
        // a stop that failed before counting ended: its error is thrown once the end is read
        readEnd();
      }
    }
    const endReads = readEnd();

    let counters: CountersReport = noCounters();
    if (window !== null) {
      // cachegrind runs programs: no way to cache counts for code in this process (REPL, cells, kernel)
      const built = buildPerfCounters(window, perfOptions.intervalMs, perfOptions.events, perfOptions.metricGroups, { hasCachegrind: !isSelf });
      counters = built.counters;
      warnings.push(...built.notes);
      perf = null;
    }
    if (holdsSelf && nestedInSelfWindow) warnings.push(NESTED_NOTE);
    // a stop of perfcell is its own command's (cells, the REPL, the kernel): another process went on meanwhile
    if (isSelf && (await heldStop(begun.continues, endNs - begun.ns))) warnings.push(HELD_STOP_NOTE);
    hooks.beforeSettle?.();
    // Settling runs only now, with perf gone: the collection and the reads are outside the counts.
    const settled = await settleFinal(begun, endReads.endUsage, endReads.memory?.rssBytes ?? null);
    return reportOf(begun, span, endReads, counters, settled, outcome);
  }

  /** The report of the window's figures, read and settled. */
  function reportOf(begun: Start, span: Span, endReads: EndReads, counters: CountersReport, settled: Settled, outcome: Outcome): CommandReport {
    const { memory, cpuTicks, childrenCpu, gc } = endReads;
    // Settling lets the command's garbage go; what it adds itself (the collection's own pages, its
    // reads) is not the command's: the final figure is never above the RSS at the window's end,
    // which its peak covers (a QA pass: peak 76.03 under final 76.31 MB, "used" 4.67 MiB for 3.91).
    const endRssBytes = memory?.rssBytes ?? null;
    const rssAfterBytes = settled.rssBytes === null || endRssBytes === null ? settled.rssBytes : Math.min(settled.rssBytes, endRssBytes);
    if (isSelf) previousSelfUsedBytes = rssAfterBytes === null || begun.rssBytes === null ? 0 : rssAfterBytes - begun.rssBytes;
    const peakRssBytes =
      begun.peakMethod === 'vmhwm-reset'
        ? maxOrNull(memory?.peakRssBytes ?? null, memory?.rssBytes ?? null)
        : maxOrNull(begun.rssBytes, memory?.rssBytes ?? null);
    const heap = begun.heap && settled.usage ? heapDelta(begun.heap, settled.usage) : null;
    const durationS = Number(span.commandEndNs - span.startNs) / 1e9;
    return {
      label,
      startedAt: startedAt.toISOString(),
      durationS,
      exitCode: outcome.exitCode ?? null,
      signal: outcome.signal ?? null,
      memory: {
        rssBeforeBytes: begun.rssBytes,
        rssAfterBytes,
        usedBytes: rssAfterBytes === null || begun.rssBytes === null ? null : rssAfterBytes - begun.rssBytes,
        peakRssBytes,
        peakAboveFinalBytes: peakRssBytes === null || rssAfterBytes === null ? null : Math.max(0, peakRssBytes - rssAfterBytes),
        peakMethod: begun.peakMethod,
        ...(heap === null ? {} : { heap }),
        ...(settled.report === null ? {} : { settle: settled.report }),
      },
      cpu: buildCpuReport(begun.cpuTicks, cpuTicks, {
        userS: span.cpuUsage === null ? null : span.cpuUsage.user / 1e6,
        systemS: span.cpuUsage === null ? null : span.cpuUsage.system / 1e6,
        wallS: Number(span.cpuWallNs) / 1e9,
        childrenS: childrenCpuDelta(begun.childrenCpu, childrenCpu),
      }),
      counters,
      warnings,
      ...(gc === null ? {} : { gc }),
    };
  }

  /**
   * The final memory of a command in this process: the end reading, or, where the command's
   * garbage could still move RSS, the reading after V8 has collected it and RSS stopped falling.
   */
  async function settleFinal(
    begun: Start,
    endUsage: NodeJS.MemoryUsage | null,
    endRssBytes: number | null,
  ): Promise<Settled> {
    if (!isSelf || begun.heap === null || endUsage === null) return { rssBytes: endRssBytes, usage: endUsage, report: null };
    if (options.settle === false) {
      selfGarbageMayRemain = true;
      return { rssBytes: endRssBytes, usage: endUsage, report: { status: 'off', durationMs: 0 } };
    }
    const pendingRelease = previousSelfUsedBytes >= SETTLE_THRESHOLD_BYTES;
    if (!pendingRelease && !selfGarbageMayRemain && !needsSettling(begun.heap, endUsage)) return { rssBytes: endRssBytes, usage: endUsage, report: { status: 'not-needed', durationMs: 0 } };
    const settled = await settleRss(undefined, settleTargetOf(begun.heap));
    // where V8 refuses gc() ('unavailable') no window can let garbage go: nothing to carry over
    selfGarbageMayRemain = settled.report.status === 'cut-short';
    const usage = process.memoryUsage();
    return { rssBytes: settled.rssBytes, usage, report: settled.report };
  }
}

/**
 * How long a report made as the process exits waits for perf's tail (its tick after the disable,
 * nudged: 1-3 ms here), napping in the 'exit' event: a perf that does not answer costs the exit this.
 */
const EXIT_TAIL_LIMIT_MS = 200;

/**
 * What a report made as the process exits lacks, and why. `countsMissing`: perf counted it, and
 * its counts could not be read (no tail within EXIT_TAIL_LIMIT_MS, or a perf not switched by the command).
 * `calledExit`: the command called process.exit(); false where the process ended with nothing
 * left to run while the command awaited (a promise that never settles, its input ended).
 * @example exitNote(0, false) // 'process.exit(0) ended perfcell during this command: its report was made as it exited, with final RAM unsettled'
 */
export function exitNote(exitCode: number, countsMissing: boolean, calledExit = true): string {
  const lacks = countsMissing ? "with no perf counts (perf's last ones could not be read as it exited) and final RAM unsettled" : 'with final RAM unsettled';
  const cause = calledExit ? `process.exit(${exitCode}) ended perfcell during this command` : "this command's promise had not settled when perfcell ended, with nothing left to run";
  return `${cause}: its report was made as it exited, ${lacks}`;
}

/** The CPU the children this process reaped in the window used, seconds (counted in whole ticks); null when unread. */
function childrenCpuDelta(before: { userTicks: number; systemTicks: number } | null, after: { userTicks: number; systemTicks: number } | null): number | null {
  if (before === null || after === null) return null;
  return Math.max(0, after.userTicks + after.systemTicks - before.userTicks - before.systemTicks) / USER_HZ;
}

function heapDelta(before: NodeJS.MemoryUsage, after: NodeJS.MemoryUsage): HeapReport {
  return {
    heapUsedDeltaBytes: after.heapUsed - before.heapUsed,
    externalDeltaBytes: after.external - before.external,
    arrayBuffersDeltaBytes: after.arrayBuffers - before.arrayBuffers,
    heapUsedAfterBytes: after.heapUsed,
  };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
