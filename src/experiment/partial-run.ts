import { InterruptedError } from '../session/interruption.ts';
import type { PartialRun } from './compare-document.ts';
import type { InterleaveOutcome } from './interleave.ts';

/**
 * What a comparison that stopped early says about itself, in its JSON and on stderr; null when
 * it ran to its end. `error` is what stopped it: an InterruptedError, or a failure (a run, or a
 * check cell after the rounds, when `outcome.stop` is null).
 */
export function describePartial(outcome: InterleaveOutcome<unknown>, error: unknown, names: readonly string[]): PartialRun | null {
  if (error === null || error === undefined) return null;
  const runs = Object.fromEntries(names.map((name, index) => [name, outcome.results[index]?.length ?? 0]));
  const stop = outcome.stop;
  const stoppedAt = stop === null
    ? { phase: 'after' as const, round: null, alternative: null }
    : { phase: stop.phase, round: stop.round, alternative: stop.slot };
  const rounds = `${outcome.completedRounds} complete round${outcome.completedRounds === 1 ? '' : 's'}`;
  if (error instanceof InterruptedError) {
    const signal = error.interruption.signal;
    return {
      reason: 'interrupted',
      signal,
      message: `perfcell: interrupted by ${signal} after ${rounds}; the results above are partial (the run in progress was dropped)`,
      completedRounds: outcome.completedRounds,
      runs,
      stoppedAt,
    };
  }
  const where = stop === null ? 'after the rounds' : `in ${stop.phase === 'warmup' ? 'warm-up ' : ''}round ${stop.round}`;
  return {
    reason: 'failed',
    signal: null,
    message: `partial: a run failed ${where}, after ${rounds}; the results above hold the runs that finished`,
    completedRounds: outcome.completedRounds,
    runs,
    stoppedAt,
  };
}
