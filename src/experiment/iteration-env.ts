/**
 * Which run of an alternative this is, in its environment, as hyperfine 1.19 gives it
 * ($HYPERFINE_ITERATION: `warmup-0`, `warmup-1`, … then `0`, `1`, …, counted per command from 0):
 * scripts written for hyperfine name a log per run with it. compare sets it, and the same as
 * $PERFCELL_ITERATION, for each run's program and its --prepare and --conclude commands.
 */

/** The value for a run: the phase's 1-based round, counted from 0 as hyperfine counts. @example iterationValue('warmup', 1) // 'warmup-0' */
export function iterationValue(phase: 'warmup' | 'measure', round: number): string {
  return phase === 'warmup' ? `warmup-${round - 1}` : String(round - 1);
}

/** The variables a run with this value gets; none without one. @example iterationEnvironment('3') // { PERFCELL_ITERATION: '3', HYPERFINE_ITERATION: '3' } */
export function iterationEnvironment(iteration: string | undefined): Readonly<Record<string, string>> {
  return iteration === undefined ? {} : { PERFCELL_ITERATION: iteration, HYPERFINE_ITERATION: iteration };
}
