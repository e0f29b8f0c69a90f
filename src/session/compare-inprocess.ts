import { UsageError } from '../errors.ts';
import { analyzeRuns, type AlternativeRuns, type MetricResult } from '../experiment/analyze.ts';
import { runInterleavedUntilStopped, type InterleaveOutcome } from '../experiment/interleave.ts';
import type { PartialRun } from '../experiment/compare-document.ts';
import { describePartial } from '../experiment/partial-run.ts';
import { InterruptedError } from './interruption.ts';
import type { RunValues } from '../experiment/metrics.ts';
import { measureBatch, type BatchMeasurement } from './batch-window.ts';
import { addGc, type GcReport } from './gc.ts';
import { continueCount, rerunRoundNote } from './job-stops.ts';
import type { MeasureOptions } from './options.ts';
import { compileLoop, nextLoopCount, refuseAsync, type Loop } from './timeit.ts';
import { checkCompareAlternatives, checkInProcessCompareOptions } from './check-options.ts';
import { shownRate } from '../render/metric-units.ts';
import { whileTiming } from './timing-lock.ts';

export interface InProcessCompareOptions extends Pick<MeasureOptions, 'events' | 'intervalMs' | 'perf' | 'perfPath'> {
  /** Measured rounds (each alternative once per round, interleaved); default 10. */
  readonly runs?: number;
  /** Untimed rounds first; default 1. */
  readonly warmup?: number;
  /** Keep adding rounds until this many seconds of measured rounds; default none. */
  readonly minTime?: number;
  /** Calls per run, the same for every alternative; default: calibrated per alternative so a run lasts ≥ 10 ms. */
  readonly loops?: number;
  /**
   * Stops the rounds before their next run (the REPL's Ctrl-C in a line that awaits perfcell.compare):
   * no comparison is made, and the signal's reason is thrown.
   */
  readonly signal?: AbortSignal;
}

/** One alternative's calls per run and its collections over the measured runs. */
export interface InProcessAlternative {
  readonly name: string;
  readonly loops: number;
  readonly gc: GcReport;
}

/** compare's analysis of functions run in this process: every metric per call, each alternative against the first. */
export interface InProcessCompareResult {
  readonly alternatives: readonly InProcessAlternative[];
  /**
   * Each run's values per call (durationS, each counter, its rate per second, gc collections). A
   * counter is net of what an empty batch measured in the same round counted (see runValuesOfBatch),
   * so it can read a little below 0 for a function that causes none.
   */
  readonly runs: readonly AlternativeRuns[];
  readonly metrics: readonly MetricResult[];
  /** The time verdict of each alternative after the first against the first ("b is 4.9× ± 0.8 slower; p < 0.001"). */
  readonly verdicts: readonly string[];
  readonly warnings: readonly string[];
  /** Rounds a job-control stop (Ctrl-Z) fell into: their runs left out, and each round run again. */
  readonly roundsRerun: number;
  /**
   * Set on the runs an interruption left (see compareInProcess's `onInterrupted`): why the rounds
   * stopped and how many runs each alternative finished, in the words of the compare command's own.
   */
  readonly partial?: PartialRun;
}

const CALIBRATION_TARGET_S = 0.01;

/**
 * Pure: one measured batch → compare's run values, per call. Each counter is net of `window`, an
 * empty batch's counts (perf's switching and the batch's own set-up, e.g. 2-20 page-faults and
 * 0.5 ms of task-clock here), before it is divided by the calls: alternatives calibrated to
 * different call counts spread that same per-batch count over different numbers of calls, and a
 * function that touches no memory at 2,000 calls a run read 400× the page-faults per call of one
 * at 1,000,000 calls (a QA pass). Time is taken around the calls alone and needs no such part.
 */
export function runValuesOfBatch(batch: Pick<BatchMeasurement, 'durationS' | 'counters' | 'gc'>, loops: number, window: Pick<BatchMeasurement, 'counters'> | null = null): RunValues {
  const values: Record<string, number> = { durationS: batch.durationS / loops };
  for (const event of batch.counters.events) {
    if (event.status !== 'counted' || event.total === null) continue;
    const own = window?.counters.events.find((each) => each.event === event.event && each.status === 'counted')?.total ?? 0;
    const total = event.total - own;
    values[event.event] = total / loops;
    // over less than a millisecond a rate is noise, left out as compare's and the reports' are
    // (loops: 1 of () => 1, a batch of 2.4 µs, read 1.2M context-switches/s)
    const rate = shownRate({ perSecond: batch.durationS > 0 ? total / batch.durationS : null, countedSeconds: batch.durationS });
    if (rate !== null) values[`${event.event}/s`] = rate;
  }
  values['gc collections'] = batch.gc.collections / loops;
  return values;
}

function calibrateFrom(loop: Loop, fn: () => unknown, first: number): number {
  for (let loops = first; ; loops = nextLoopCount(loops)) {
    const startNs = process.hrtime.bigint();
    loop(fn, loops);
    if (Number(process.hrtime.bigint() - startNs) / 1e9 >= CALIBRATION_TARGET_S || loops >= 1e9) return loops;
  }
}

/**
 * Calls per run so that a run lasts CALIBRATION_TARGET_S: twice, because the first pass times
 * cold (interpreted) code and under-counts what the optimised function does in that time.
 */
function calibrate(loop: Loop, fn: () => unknown): number {
  return calibrateFrom(loop, fn, calibrateFrom(loop, fn, 1));
}

/**
 * `compare` for functions in this process: the alternatives run interleaved in rounds (A B, B A …
 * after the warm-up), each run a measured batch (time, perf's counters, V8's collections), then
 * compare's own statistics (analyzeRuns): mean, σ, median, min, max per metric per call, and each
 * alternative against the first with its interval, test and verdict. The functions must be synchronous.
 * Stopped by its `signal`, it throws the signal's reason; where that reason is an InterruptedError
 * (a Ctrl-C in a file's cell, a REPL line or a notebook cell), `onInterrupted` is first given the runs measured so far, analysed, with
 * `partial` saying so: a cell had thrown them away with the signal (a QA pass), as perfcell compare
 * had not.
 * @example const result = await compareInProcess({ rows: sumRows, columns: sumColumns }); result.verdicts[0] // 'columns is 3.9× ± 0.4 slower; p < 0.001'
 */
export async function compareInProcess(alternatives: Readonly<Record<string, () => unknown>>, options: InProcessCompareOptions = {}, onInterrupted?: (partial: InProcessCompareResult) => void): Promise<InProcessCompareResult> {
  checkCompareAlternatives(alternatives);
  const entries = Object.entries(alternatives);
  if (entries.length < 2) throw new UsageError('compare needs at least two named functions (e.g. perfcell.compare({ a: () => f(), b: () => g() }))');
  for (const [name, fn] of entries) if (typeof fn !== 'function') throw new UsageError(`compare: ${name} is not a function`);
  checkInProcessCompareOptions(options);
  return whileTiming('compare', () => compareEntries(entries, options, onInterrupted));
}

/** compareInProcess once its arguments are checked and no other timing runs. */
async function compareEntries(entries: readonly (readonly [string, () => unknown])[], options: InProcessCompareOptions, onInterrupted?: (partial: InProcessCompareResult) => void): Promise<InProcessCompareResult> {
  for (const [name, fn] of entries) refuseAsync(fn(), `compare times synchronous functions (${name} returned a promise)`);
  const measureOptions: MeasureOptions = {
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    ...(options.perfPath === undefined ? {} : { perfPath: options.perfPath }),
  };
  let perf = options.perf !== false;
  const warnings = new Set<string>();
  // A loop compiled per alternative: one shared call site would stop inlining after a few functions.
  const loopOf = entries.map(([, fn]) => compileLoop(fn));
  const loopsOf = entries.map(([, fn], index) => options.loops ?? calibrate(loopOf[index]!, fn));
  const measure = async (body: () => void): Promise<BatchMeasurement> => {
    const batch = await measureBatch(body, { ...measureOptions, perf });
    for (const warning of batch.warnings) warnings.add(warning);
    if (!batch.perfWorked) perf = false;
    return batch;
  };
  const slots = entries.map(([name, fn], index) => ({
    name,
    run: async (): Promise<BatchMeasurement> => {
      const loops = loopsOf[index]!;
      const loop = loopOf[index]!;
      return measure(() => void loop(fn, loops));
    },
  }));
  // An empty batch each round, after the alternatives (compare's noise floor): what the window
  // itself counts, taken off each of the round's batches. None where nothing is counted.
  const windowSlot = perf ? [{ name: 'noise floor', run: () => measure(() => undefined) }] : [];
  const warmup = options.warmup ?? 1;
  // measured runs only: the warm-up rounds' and those of a round a Ctrl-Z stop fell into (run again) are left out
  const outcome = await runInterleavedUntilStopped([...slots, ...windowSlot], { warmup, runs: options.runs ?? 10, minTimeS: options.minTime ?? null, continues: continueCount, rotating: slots.length, shouldStop: () => (options.signal?.aborted === true ? options.signal.reason : undefined) });
  if (outcome.stop !== null) {
    const stopError = outcome.stop.error;
    // before any measured run (the calibration, the warm-up) there is nothing to lose
    const hasRuns = outcome.results.slice(0, entries.length).some((batches) => batches.length > 0);
    if (stopError instanceof InterruptedError && onInterrupted !== undefined && hasRuns) {
      const names = [...entries.map(([name]) => name), ...windowSlot.map((slot) => slot.name)];
      const partial = describePartial(outcome, stopError, names, true);
      if (partial !== null) onInterrupted({ ...resultOf(entries, loopsOf, outcome, windowSlot.length > 0, warnings), partial });
    }
    throw stopError;
  }
  return resultOf(entries, loopsOf, outcome, windowSlot.length > 0, warnings);
}

/**
 * The measured runs analysed. A round an interruption cut short has no noise floor run (the floor
 * runs last), so its runs keep their time and collections, not counts net of a floor they lack
 * (gross counts beside net ones in one alternative's figures).
 */
function resultOf(entries: readonly (readonly [string, () => unknown])[], loopsOf: readonly number[], outcome: InterleaveOutcome<BatchMeasurement>, hasFloor: boolean, warnings: Set<string>): InProcessCompareResult {
  if (outcome.roundsRerun > 0) warnings.add(rerunRoundNote(outcome.roundsRerun));
  const windows = hasFloor ? (outcome.results[entries.length] ?? []) : [];
  const valuesOf = (batch: BatchMeasurement, index: number, round: number): RunValues => {
    const window = windows[round];
    if (hasFloor && window === undefined) return runValuesOfBatch({ ...batch, counters: { ...batch.counters, events: [] } }, loopsOf[index]!);
    return runValuesOfBatch(batch, loopsOf[index]!, window ?? null);
  };
  const results = entries.map((_, index) => (outcome.results[index] ?? []).map((batch, round) => valuesOf(batch, index, round)));
  const gcOf = entries.map((_, index) => (outcome.results[index] ?? []).map((batch) => batch.gc));
  const runs: AlternativeRuns[] = entries.map(([name], index) => ({ name, runs: results[index] ?? [] }));
  const metrics = analyzeRuns(runs, null);
  const time = metrics.find((metric) => metric.metric.key === 'durationS');
  return {
    alternatives: entries.map(([name], index) => ({ name, loops: loopsOf[index]!, gc: addGc(gcOf[index]!) })),
    runs,
    metrics,
    verdicts: time?.comparisons.map((comparison) => comparison.verdict) ?? [],
    warnings: [...warnings],
    roundsRerun: outcome.roundsRerun,
  };
}
