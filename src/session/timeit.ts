import { UsageError } from '../errors.ts';
import { summarizeRuns, type RunSummary } from '../experiment/statistics.ts';
import { measureBatch, type BatchMeasurement } from './batch-window.ts';
import { addGc, type GcReport } from './gc.ts';
import { continuedSince, continueCount, rerunRunNote } from './job-stops.ts';
import type { MeasureOptions } from './options.ts';
import { baseEventName } from './counters.ts';
import { checkTimeitOptions } from './check-options.ts';
import { whileTiming } from './timing-lock.ts';
import { ASYNC_WAYS } from './async-ways.ts';

export interface TimeitOptions extends Pick<MeasureOptions, 'events' | 'intervalMs' | 'perf' | 'perfPath'> {
  /** Measured batches (IPython's -r); default 7. */
  readonly runs?: number;
  /** Seconds one batch should last at least: the calibration target (IPython's 0.2 s); default 0.2. */
  readonly minTime?: number;
  /** Untimed batches after calibration (JIT, caches); default 1. */
  readonly warmup?: number;
  /** Calls per batch (IPython's -n), a whole number ≥ 1; default: calibrated. */
  readonly loops?: number;
  /**
   * Stops the timing at the end of the batch it is aborted in (the REPL's Ctrl-C during `.timeit`):
   * the batches measured so far, at least one, are the result, and a warning says how many.
   */
  readonly signal?: AbortSignal;
}

/** A counter per call, averaged over the measured batches; null per call where perf could not count it. */
export interface PerCallCounter {
  readonly event: string;
  readonly perCall: number | null;
  readonly unit: string;
}

/** What `timeit` found: seconds per call over the batches, each counter per call, and the collections. */
export interface TimeitResult {
  readonly loops: number;
  readonly runs: number;
  /** Seconds per call: mean, σ (null under two runs), median, min and max over the batches. */
  readonly perCallS: RunSummary;
  /** Each batch's seconds per call. */
  readonly batchPerCallS: readonly number[];
  readonly counters: readonly PerCallCounter[];
  /** Events perf cannot count here. */
  readonly unsupported: readonly string[];
  /** All collections of the measured batches together. */
  readonly gc: GcReport;
  /** Collections per call (all kinds). */
  readonly gcPerCall: number;
  readonly warnings: readonly string[];
  /** Runs a job-control stop (Ctrl-Z) fell into: left out of the statistics, and run again. */
  readonly runsRerun: number;
}

/**
 * A synchronous function's first result passes; a promise (a thenable) is refused, `start` then the
 * ways to measure an async function: the REPL and cells have no measure(fn), which was all the
 * error named, and perfcell.compare timed such functions' promises being made, not their work.
 * The promise's rejection is taken, so it is not an unhandled one as well.
 */
export function refuseAsync(first: unknown, start: string): void {
  if (typeof (first as { then?: unknown } | null)?.then !== 'function') return;
  Promise.resolve(first).catch(() => undefined);
  throw new UsageError(`${start}: ${ASYNC_WAYS}`);
}

/** IPython's %timeit calibration: 1, 2, 5, 10, 20, 50 … calls until a batch lasts minTime. */
export function nextLoopCount(loops: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(loops));
  const lead = loops / magnitude;
  return lead < 2 ? 2 * magnitude : lead < 5 ? 5 * magnitude : 10 * magnitude;
}

/** Calls fn `loops` times. */
export type Loop = (fn: () => unknown, loops: number) => unknown;

/** Loops compiled so far: each one's source differs by it. */
let compiledLoops = 0;

/**
 * A loop compiled for this one function: a shared loop would see every timed function at one
 * call site and, once it has seen a few, stop inlining any (IPython compiles its template per
 * %timeit for the same reason). Its source is new each time: V8 keeps what `new Function` compiled
 * by its source text, feedback included, so loops of the same text had shared one call site after
 * all (Math.sqrt timed 2.7-4.4× slower than a hand-written loop once a few other functions had been
 * timed in the process, as a REPL session does).
 */
export function compileLoop(fn?: () => unknown): Loop {
  // The result is not kept: holding a double across iterations would box it, one allocation per call.
  const source = `// perfcell timeit loop ${++compiledLoops}\nfor (let i = 0; i < loops; i++) fn();`;
  // Compiled in fn's own realm: V8 inlines no call into another realm's function, so a loop of this
  // one called a file's cells' function (cells run in a vm context of their own) without inlining
  // it, and a number it returned was boxed, one allocation a call: Math.sqrt(2) timed 10-14 ns
  // and 2.3 GB of garbage in a cell, where a loop written in the cell took 0.7 ns (a QA pass).
  const RealmFunction = fn === undefined ? Function : functionOfRealm(fn);
  try {
    return new RealmFunction('fn', 'loops', source) as Loop;
  } catch {
    // a realm that refuses code from strings (vm's codeGeneration: { strings: false })
    return new Function('fn', 'loops', source) as Loop;
  }
}

/** The Function constructor of fn's realm: found up its prototype chain (an async or bound function's too), else this realm's. */
function functionOfRealm(fn: () => unknown): FunctionConstructor {
  for (let prototype: unknown = Object.getPrototypeOf(fn); prototype !== null && prototype !== undefined; prototype = Object.getPrototypeOf(prototype)) {
    const constructor: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
    if (typeof constructor === 'function' && constructor.name === 'Function' && constructor.prototype === prototype) return constructor as FunctionConstructor;
  }
  return Function;
}

/**
 * Runs `fn` in batches, each inside one measured window (time between perf's enable and its
 * SIGINT, perf's counters, V8's collections), like IPython's %timeit: the batch size is
 * calibrated until a batch lasts `minTime`, then `runs` batches are measured. fn must be
 * synchronous (a promise it returns is not awaited).
 * @example const result = await timeit(() => Math.sqrt(2)); result.perCallS.mean // ≈ 1e-9
 */
export async function timeit(fn: () => unknown, options: TimeitOptions = {}): Promise<TimeitResult> {
  if (typeof fn !== 'function') throw new UsageError('timeit needs a function (e.g. perfcell.timeit(() => Math.sqrt(2)))');
  checkTimeitOptions(options);
  return whileTiming('timeit', () => timeBatches(fn, options));
}

/** timeit once its arguments are checked and no other timing runs. */
async function timeBatches(fn: () => unknown, options: TimeitOptions): Promise<TimeitResult> {
  const runs = options.runs ?? 7;
  const minTimeS = options.minTime ?? 0.2;
  const warmup = options.warmup ?? 1;
  const loop = compileLoop(fn);
  refuseAsync(fn(), 'timeit times synchronous functions (this one returned a promise)');

  // An abort is heard at a turn of the event loop (the REPL's Ctrl-C, a SIGINT, a timer): one
  // after each untimed step, so that one in the first call, the calibration or the warmup goes to
  // the one batch measured, not through them first (a function of 1 s a call went on 3 s). Two
  // immediates: the first, queued from the poll phase, runs in that turn's check phase, before
  // any timer or signal is looked at again.
  const isStopped = async (): Promise<boolean> => {
    if (options.signal === undefined) return false;
    for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    return options.signal.aborted;
  };
  let stopped = await isStopped();
  let loops = options.loops ?? 0;
  if (loops === 0) {
    // Timing only, no perf: calibration should be quick, and it warms the JIT up as well.
    for (loops = 1; !stopped; loops = nextLoopCount(loops)) {
      const startNs = process.hrtime.bigint();
      loop(fn, loops);
      const isLongEnough = Number(process.hrtime.bigint() - startNs) / 1e9 >= minTimeS || loops >= 1e10;
      // stopped: the batch is of the calls this step made, too short for minTime but measured
      stopped = await isStopped();
      if (isLongEnough || stopped) break;
    }
  }
  for (let index = 0; index < warmup && !stopped; index++) {
    loop(fn, loops);
    stopped = await isStopped();
  }

  const measureOptions: MeasureOptions = {
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    ...(options.perfPath === undefined ? {} : { perfPath: options.perfPath }),
    perf: options.perf !== false,
  };
  const batches: BatchMeasurement[] = [];
  const warnings = new Set<string>();
  let perf = measureOptions.perf !== false;
  let runsRerun = 0;
  for (let index = 0; index < runs; index++) {
    // a batch is synchronous: an abort is heard between batches, and the first is always measured
    if (options.signal?.aborted === true && batches.length > 0) {
      warnings.add(`interrupted after ${batches.length} of ${runs} runs: the figures are of those`);
      break;
    }
    const continues = continueCount();
    const batch = await measureBatch(() => void loop(fn, loops), { ...measureOptions, perf });
    for (const warning of batch.warnings) warnings.add(warning);
    // perf that cannot count here is not spawned again for every batch.
    if (!batch.perfWorked) perf = false;
    // a Ctrl-Z stop fell into this batch, whose time holds it: left out, and run again
    if (await continuedSince(continues)) {
      runsRerun++;
      index--;
      continue;
    }
    batches.push(batch);
  }
  if (runsRerun > 0) warnings.add(rerunRunNote(runsRerun));
  return summarizeBatches(batches, loops, [...warnings], runsRerun);
}

/** Pure: the batches of one timeit → per-call statistics. */
export function summarizeBatches(batches: readonly Pick<BatchMeasurement, 'durationS' | 'counters' | 'gc'>[], loops: number, warnings: readonly string[] = [], runsRerun = 0): TimeitResult {
  const batchPerCallS = batches.map((batch) => batch.durationS / loops);
  const events = new Map<string, { total: number; batches: number; unit: string }>();
  const unsupported = new Set<string>();
  for (const batch of batches) {
    for (const event of batch.counters.events) {
      const entry = events.get(event.event) ?? { total: 0, batches: 0, unit: event.unit };
      if (event.status === 'counted' && event.total !== null) {
        entry.total += event.total;
        entry.batches++;
      }
      events.set(event.event, entry);
    }
    for (const event of batch.counters.unsupported) unsupported.add(baseEventName(event.event));
  }
  const gc = addGc(batches.map((batch) => batch.gc));
  const calls = loops * batches.length;
  return {
    loops,
    runs: batches.length,
    perCallS: summarizeRuns(batchPerCallS),
    batchPerCallS,
    counters: [...events.entries()].map(([event, entry]) => ({
      event,
      perCall: entry.batches === 0 ? null : entry.total / (entry.batches * loops),
      unit: entry.unit,
    })),
    unsupported: [...unsupported],
    gc,
    gcPerCall: calls === 0 ? 0 : gc.collections / calls,
    warnings,
    runsRerun,
  };
}
