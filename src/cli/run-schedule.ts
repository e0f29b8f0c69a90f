/** hyperfine's least measuring time (its --min-benchmarking-time), taken where -m or --max-runs is given without --min-time. */
export const HYPERFINE_MIN_TIME_S = 3;

/** How many measured rounds compare takes (experiment/interleave.ts's runs, minTimeS, maxRuns). */
export interface RunSchedule {
  /** Exactly this many, or at least this many with minTimeS. */
  readonly runs: number;
  readonly minTimeS: number | null;
  /** With minTimeS: at most this many; null: no cap. */
  readonly maxRuns: number | null;
}

/**
 * compare's rounds from its flags: `--runs N` exactly N (or at least N with `--min-time S`, until S
 * seconds); hyperfine's `-m/--min-runs` and `--max-runs` a range, run until --min-time (default
 * 3 s, as hyperfine) within it: at least the minimum (default `defaultRuns`, lowered to a smaller
 * maximum, as hyperfine lowers its 10), at most the maximum. `--runs` with either is refused, as
 * hyperfine refuses it.
 * @example runSchedule({ runs: 20 }, 10) // { runs: 20, minTimeS: null, maxRuns: null }
 * @example runSchedule({ minRuns: 5 }, 10) // { runs: 5, minTimeS: 3, maxRuns: null }
 * @example runSchedule({ maxRuns: 4 }, 10) // { runs: 4, minTimeS: 3, maxRuns: 4 }
 */
export function runSchedule(
  given: { readonly runs?: number; readonly minRuns?: number; readonly maxRuns?: number; readonly minTime?: number },
  defaultRuns: number,
): RunSchedule | { readonly problem: string } {
  const { runs, minRuns, maxRuns, minTime } = given;
  if (minRuns === undefined && maxRuns === undefined) return { runs: runs ?? defaultRuns, minTimeS: minTime ?? null, maxRuns: null };
  if (runs !== undefined) {
    return { problem: `--runs is an exact count: give it alone, or a range with ${minRuns === undefined ? '--max-runs' : '--min-runs'} (as hyperfine, which refuses both)` };
  }
  if (minRuns !== undefined && maxRuns !== undefined && minRuns > maxRuns) {
    return { problem: `--min-runs ${minRuns} is above --max-runs ${maxRuns} (give a range with the least first)` };
  }
  return { runs: minRuns ?? Math.min(defaultRuns, maxRuns ?? defaultRuns), minTimeS: minTime ?? HYPERFINE_MIN_TIME_S, maxRuns: maxRuns ?? null };
}
