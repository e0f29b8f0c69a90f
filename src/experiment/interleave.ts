import { monotonicMs } from '../session/clock.ts';
import { continuedSince, startCountingContinues } from '../session/job-stops.ts';
import { iterationValue } from './iteration-env.ts';

/** One thing to run repeatedly: an alternative, or the empty one that measures the noise floor. */
export interface Slot<T> {
  readonly name: string;
  /**
   * `onEnded`: the run's timed part is over (a command's program has ended); the next run is armed
   * then. `warmup`: a warm-up run, whose result is thrown away (it need not wait for perf's counters).
   * `iteration`: which of this slot's runs it is, as $HYPERFINE_ITERATION says it (iteration-env.ts).
   */
  readonly run: (hooks?: { readonly onEnded?: () => void; readonly onStarted?: () => void; readonly warmup?: boolean; readonly iteration?: string }) => Promise<T>;
  /** Prepares this slot's next run ahead, outside any timed run (compare's commands: gate and perf); `warmup` and `iteration` as run()'s. */
  readonly arm?: (options?: { readonly warmup?: boolean; readonly iteration?: string }) => void;
  /** Ends what arm() prepared that no run used; awaited before the rounds return. */
  readonly disarm?: () => Promise<void>;
}

export interface InterleaveOptions {
  /** Rounds run first and thrown away (caches, JIT, page cache). */
  readonly warmup: number;
  /** Measured rounds: exactly this many, or at least this many with minTimeS. */
  readonly runs: number;
  /** Keep adding rounds until this many seconds of measured rounds have passed; null: stop at `runs`. */
  readonly minTimeS: number | null;
  /** With minTimeS: never more measured rounds than this (hyperfine's --max-runs); absent or null: no cap. */
  readonly maxRuns?: number | null;
  /** Seconds on a monotonic clock; a parameter so tests can drive time. */
  readonly now?: () => number;
  /**
   * How many times this process has been continued after a job-control stop so far
   * (src/session/job-stops.ts). A measured round during which it changes held a stop (Ctrl-Z, then
   * fg), which its runs' times would hold: that round's runs are left out, and the round runs again.
   */
  readonly continues?: () => number;
  /**
   * How many of the first slots (the alternatives) take turns at going first in the measured
   * rounds; the slots after them (the noise floor) keep their place at the end. Default: every slot.
   */
  readonly rotating?: number;
}

/** Where the schedule is, for a progress bar. */
export interface InterleaveProgress {
  readonly phase: 'warmup' | 'measure';
  /** 1-based round within its phase. */
  readonly round: number;
  /** Rounds this phase will have as far as known now (min-time estimates it from the rounds so far). */
  readonly rounds: number;
  readonly slot: string;
}

const defaultNow = (): number => monotonicMs() / 1000;

/** Why the rounds stopped before the schedule's end: a run threw (a failure, or an interruption). */
export interface InterleaveStop {
  /** What the run threw, or what `shouldStop` returned. */
  readonly error: unknown;
  readonly phase: 'warmup' | 'measure';
  /** 1-based round within its phase in which it stopped. */
  readonly round: number;
  /** The slot whose run stopped the rounds; null when stopped between runs. */
  readonly slot: string | null;
}

/** Every finished run, however the rounds ended. */
export interface InterleaveOutcome<T> {
  /** Each slot's measured results, in slot order; after a stop, the runs finished before it. */
  readonly results: T[][];
  /** Measured rounds in which every slot ran. */
  readonly completedRounds: number;
  /** null when the schedule ran to its end. */
  readonly stop: InterleaveStop | null;
  /**
   * Wall seconds each slot's runs took, warm-up included (what a slot, e.g. the noise floor, cost), in
   * slot order: from each run's call to its result, so a warm-up that ran ahead (compare's early
   * warm-ups, session/serve-process.ts) counts what was waited for it.
   */
  readonly spentS: readonly number[];
  /** Measured rounds that held a job-control stop (`continues`), their runs left out: each ran again. */
  readonly roundsRerun: number;
}

/**
 * Runs the slots in rounds, each round every slot once, so slow drift (thermal, other load, a
 * growing heap) touches all alternatives alike. The warm-up rounds keep the given order; in the
 * measured rounds the alternatives (`rotating`) take turns, A B, B A, A B … (balancedOrders), so
 * each comes first, after the noise floor, and just after each of the others as often: what runs just after a run
 * pays for it (a sleeping program's successor read 5-8% more task-clock), and in a fixed order
 * the second of one program given twice always paid, its task-clock "more" at p < 0.05 in 15
 * of 80 comparisons. Returns each slot's measured results, warm-up rounds left out. A run that throws stops the rounds: this
 * version throws it; `runInterleavedUntilStopped` returns what finished with it.
 * @example await runInterleaved([{ name: 'A', run: a }, { name: 'B', run: b }], { warmup: 1, runs: 3, minTimeS: null })
 *   // order: A B (warm-up), A B, B A, A B → [[a1, a2, a3], [b1, b2, b3]]
 */
export async function runInterleaved<T>(
  slots: readonly Slot<T>[],
  options: InterleaveOptions,
  onProgress: (progress: InterleaveProgress) => void = () => undefined,
): Promise<T[][]> {
  const outcome = await runInterleavedUntilStopped(slots, options, onProgress);
  if (outcome.stop !== null) throw outcome.stop.error;
  return outcome.results;
}

/**
 * Like runInterleaved, but a run that throws, or `shouldStop` returning an error before a run
 * (Ctrl-C), ends the rounds without losing anything: every run finished before it is returned,
 * with why and where it stopped. Partial results are results.
 */
export async function runInterleavedUntilStopped<T>(
  slots: readonly Slot<T>[],
  options: InterleaveOptions & { readonly shouldStop?: () => unknown },
  onProgress: (progress: InterleaveProgress) => void = () => undefined,
): Promise<InterleaveOutcome<T>> {
  try {
    return await runRounds(slots, options, onProgress);
  } finally {
    // Nothing armed outlives the rounds: an armed gate holds a forked child, and its perf is attached.
    await Promise.all(slots.map((slot) => slot.disarm?.()));
  }
}

async function runRounds<T>(
  slots: readonly Slot<T>[],
  options: InterleaveOptions & { readonly shouldStop?: () => unknown },
  onProgress: (progress: InterleaveProgress) => void,
): Promise<InterleaveOutcome<T>> {
  const now = options.now ?? defaultNow;
  if (options.continues !== undefined) await startCountingContinues(options.continues);
  const maxRuns = options.minTimeS === null ? Number.POSITIVE_INFINITY : (options.maxRuns ?? Number.POSITIVE_INFINITY);
  const results: T[][] = slots.map(() => []);
  const spentS = slots.map(() => 0);
  let roundsRerun = 0;
  const rotating = Math.max(0, Math.min(options.rotating ?? slots.length, slots.length));
  const orders = balancedOrders(rotating);
  /**
   * The measured rounds begun so far, a round run again (a Ctrl-Z stop fell into it) counted
   * again: each takes the next turn, so the run armed at the end of a round (the next turn's
   * first) is the one that comes next, whether the round is kept or runs again.
   */
  let turnsBegun = 0;
  /** The slots' indexes in the order a round runs them: the alternatives in measured turn `turn`'s order, then the rest. */
  const orderOf = (phase: 'warmup' | 'measure', turn: number): number[] => {
    const indexes = slots.map((_, index) => index);
    if (phase === 'warmup' || rotating < 2) return indexes;
    return [...orders[(turn - 1) % orders.length]!, ...indexes.slice(rotating)];
  };
  // The run after this one, if the schedule surely has one: the last measured round of a fixed
  // count has none (with min-time it may, so it is armed; disarm() ends it if unused).
  const nextRun = (phase: 'warmup' | 'measure', round: number, position: number): { slot: Slot<T>; warmup: boolean; iteration: string } | undefined => {
    if (position + 1 < slots.length) return { slot: slots[orderOf(phase, turnsBegun)[position + 1]!]!, warmup: phase === 'warmup', iteration: iterationValue(phase, round) };
    const isLastRound = phase === 'measure' ? (options.minTimeS === null && round >= options.runs) || round >= maxRuns : round >= options.warmup && options.runs <= 0;
    if (isLastRound) return undefined;
    const warmup = phase === 'warmup' && round < options.warmup;
    // the next round: the phase's next, or the first measured one after the last warm-up
    const first = warmup ? 0 : orderOf('measure', turnsBegun + 1)[0]!;
    return { slot: slots[first]!, warmup, iteration: warmup ? iterationValue('warmup', round + 1) : iterationValue('measure', phase === 'warmup' ? 1 : round + 1) };
  };
  /** Runs `slot` (index `index`), the `position`th of its round. */
  const timed = async (index: number, position: number, slot: Slot<T>, phase: 'warmup' | 'measure', round: number): Promise<T> => {
    const fromS = now();
    // Armed once this run's timed part is over, so the arming never shares the CPUs with a timed
    // run: while this run's last interval is read and its results recorded.
    let isArmed = false;
    const armNext = (): void => {
      if (isArmed) return;
      isArmed = true;
      const stop = options.shouldStop?.();
      const next = stop === undefined || stop === null ? nextRun(phase, round, position) : undefined;
      next?.slot.arm?.({ warmup: next.warmup, iteration: next.iteration });
    };
    try {
      // PERFCELL_PREARM_DURING=1 arms while this run is timed instead: only to measure what that
      // costs the run on 2 CPUs (BENCHMARKS.md, pace); never the default.
      const warmup = phase === 'warmup';
      const iteration = iterationValue(phase, round);
      const result = await slot.run(isArmedDuringRun() ? { onStarted: armNext, onEnded: armNext, warmup, iteration } : { onEnded: armNext, warmup, iteration });
      armNext();
      return result;
    } finally {
      spentS[index]! += now() - fromS;
    }
  };
  let completedRounds = 0;
  const stopBefore = (phase: 'warmup' | 'measure', round: number): InterleaveStop | null => {
    const error = options.shouldStop?.();
    return error === undefined || error === null ? null : { error, phase, round, slot: null };
  };
  for (let round = 1; round <= options.warmup; round++) {
    for (const [index, slot] of slots.entries()) {
      const stop = stopBefore('warmup', round);
      if (stop !== null) return { results, completedRounds, stop, spentS, roundsRerun };
      onProgress({ phase: 'warmup', round, rounds: options.warmup, slot: slot.name });
      try {
        await timed(index, index, slot, 'warmup', round);
      } catch (error: unknown) {
        return { results, completedRounds, spentS, roundsRerun, stop: { error, phase: 'warmup', round, slot: slot.name } };
      }
    }
  }
  const startS = now();
  /** Seconds of measured rounds left out for a job-control stop: not measuring time (min-time). */
  let rerunS = 0;
  const measuredS = (): number => now() - startS - rerunS;
  const estimate = (round: number): number => {
    if (options.minTimeS === null || round <= 1) return Math.max(options.runs, round);
    const perRoundS = measuredS() / (round - 1);
    return Math.min(maxRuns, Math.max(options.runs, round, perRoundS > 0 ? Math.ceil(options.minTimeS / perRoundS) : round));
  };
  /** Whether a job-control stop fell into the round that began at `continuesBefore`. */
  const roundHeldStop = async (continuesBefore: number | undefined): Promise<boolean> =>
    continuesBefore !== undefined && options.continues !== undefined && continuedSince(continuesBefore, options.continues);
  /** Leaves out the runs of the round in progress (a job-control stop held it): those of its first `ran` slots in `order`. */
  const dropRound = (order: readonly number[], ran: number): void => {
    for (const index of order.slice(0, ran)) results[index]!.pop();
  };
  for (let round = 1; ; round++) {
    const rounds = estimate(round);
    const roundFromS = now();
    const continuesBefore = options.continues?.();
    turnsBegun += 1;
    const order = orderOf('measure', turnsBegun);
    /** A stop of the rounds: the round's finished runs are kept, unless a job-control stop held them too (left out, not run again). */
    const stopped = async (stop: InterleaveStop, ran: number): Promise<InterleaveOutcome<T>> => {
      if (await roundHeldStop(continuesBefore)) dropRound(order, ran);
      return { results, completedRounds, stop, spentS, roundsRerun };
    };
    for (const [position, index] of order.entries()) {
      const slot = slots[index]!;
      const stop = stopBefore('measure', round);
      if (stop !== null) return stopped(stop, position);
      onProgress({ phase: 'measure', round, rounds, slot: slot.name });
      try {
        results[index]!.push(await timed(index, position, slot, 'measure', round));
      } catch (error: unknown) {
        return stopped({ error, phase: 'measure', round, slot: slot.name }, position);
      }
    }
    if (await roundHeldStop(continuesBefore)) {
      dropRound(order, slots.length);
      roundsRerun++;
      rerunS += now() - roundFromS;
      round--;
      continue;
    }
    completedRounds = round;
    const isEnoughRuns = round >= options.runs;
    const isEnoughTime = options.minTimeS === null || measuredS() >= options.minTimeS || round >= maxRuns;
    if (isEnoughRuns && isEnoughTime) return { results, completedRounds, stop: null, spentS, roundsRerun };
  }
}

/**
 * Orders of `count` alternatives, round after round, in which each comes first as often and just
 * after each other one as often (Williams' design: a Latin square balanced for what came before,
 * two of them, the second reversed, for an odd count); the first order is 0 1 … count-1.
 * @example balancedOrders(2) // [[0, 1], [1, 0]]
 * @example balancedOrders(3) // [[0, 1, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [0, 2, 1], [1, 0, 2]]
 */
export function balancedOrders(count: number): number[][] {
  if (count < 2) return [Array.from({ length: count }, (_, index) => index)];
  // 0, 1, n-1, 2, n-2, …
  const first = [0];
  for (let low = 1, high = count - 1; first.length < count; ) first.push(first.length % 2 === 1 ? low++ : high--);
  // named so that the first order is the given one: a renaming keeps the balance
  const name = new Array<number>(count);
  first.forEach((index, at) => (name[index] = at));
  const square = Array.from({ length: count }, (_, shift) => first.map((index) => name[(index + shift) % count]!));
  return count % 2 === 0 ? square : [...square, ...square.map((order) => [...order].reverse())];
}

function isArmedDuringRun(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment['PERFCELL_PREARM_DURING'] === '1';
}
