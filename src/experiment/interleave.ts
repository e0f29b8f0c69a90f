/** One thing to run repeatedly: an alternative, or the empty one that measures the noise floor. */
export interface Slot<T> {
  readonly name: string;
  readonly run: () => Promise<T>;
}

export interface InterleaveOptions {
  /** Rounds run first and thrown away (caches, JIT, page cache). */
  readonly warmup: number;
  /** Measured rounds: exactly this many, or at least this many with minTimeS. */
  readonly runs: number;
  /** Keep adding rounds until this many seconds of measured rounds have passed; null: stop at `runs`. */
  readonly minTimeS: number | null;
  /** Seconds on a monotonic clock; a parameter so tests can drive time. */
  readonly now?: () => number;
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

const defaultNow = (): number => performance.now() / 1000;

/**
 * Runs the slots in rounds, each round every slot once in the given order (A B A B …), so slow
 * drift (thermal, other load, a growing heap) touches all alternatives alike. Returns each
 * slot's measured results, warm-up rounds left out.
 * @example await runInterleaved([{ name: 'A', run: a }, { name: 'B', run: b }], { warmup: 1, runs: 3, minTimeS: null })
 *   // order: A B (warm-up), A B, A B, A B → [[a1, a2, a3], [b1, b2, b3]]
 */
export async function runInterleaved<T>(
  slots: readonly Slot<T>[],
  options: InterleaveOptions,
  onProgress: (progress: InterleaveProgress) => void = () => undefined,
): Promise<T[][]> {
  const now = options.now ?? defaultNow;
  for (let round = 1; round <= options.warmup; round++) {
    for (const slot of slots) {
      onProgress({ phase: 'warmup', round, rounds: options.warmup, slot: slot.name });
      await slot.run();
    }
  }
  const results: T[][] = slots.map(() => []);
  const startS = now();
  const estimate = (round: number): number => {
    if (options.minTimeS === null || round <= 1) return Math.max(options.runs, round);
    const perRoundS = (now() - startS) / (round - 1);
    return Math.max(options.runs, round, perRoundS > 0 ? Math.ceil(options.minTimeS / perRoundS) : round);
  };
  for (let round = 1; ; round++) {
    const rounds = estimate(round);
    for (const [index, slot] of slots.entries()) {
      onProgress({ phase: 'measure', round, rounds, slot: slot.name });
      results[index]!.push(await slot.run());
    }
    const isEnoughRuns = round >= options.runs;
    const isEnoughTime = options.minTimeS === null || now() - startS >= options.minTimeS;
    if (isEnoughRuns && isEnoughTime) return results;
  }
}
