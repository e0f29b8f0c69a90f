import { InterruptedError } from '../session/interruption.ts';
import type { PartialRun } from './compare-document.ts';
import { HookFailedError, HookInterruptedError } from './hook-command.ts';
import type { InterleaveOutcome } from './interleave.ts';

/**
 * What a comparison that stopped early says about itself, in its JSON and on stderr; null when
 * it ran to its end. `error` is what stopped it: an InterruptedError, or a failure (a run, a
 * --prepare command, or after the rounds, when `outcome.stop` is null, a check cell or a --cleanup
 * command: then every round is in, and the message says so).
 */
export function describePartial(outcome: InterleaveOutcome<unknown>, error: unknown, names: readonly string[]): PartialRun | null {
  if (error === null || error === undefined) return null;
  const runs = Object.fromEntries(names.map((name, index) => [name, outcome.results[index]?.length ?? 0]));
  const stop = outcome.stop;
  const hook = error instanceof HookFailedError || error instanceof HookInterruptedError ? { kind: error.hook, alternative: error.alternative } : null;
  const stoppedAt = stop === null
    ? { phase: 'after' as const, round: null, alternative: hook?.alternative ?? null }
    : { phase: stop.phase, round: stop.round, alternative: stop.slot };
  const rounds = `${outcome.completedRounds} complete round${outcome.completedRounds === 1 ? '' : 's'}`;
  const inHook = hook === null ? '' : ` in the --${hook.kind} command for '${hook.alternative}'`;
  // after the rounds (a check cell, a --cleanup command) nothing measured was lost
  const kept = stop === null ? 'the results above hold every run' : null;
  if (error instanceof InterruptedError) {
    const signal = error.interruption.signal;
    return {
      reason: 'interrupted',
      signal,
      message: `perfcell: interrupted by ${signal}${inHook} after ${rounds}; ${kept ?? 'the results above are partial (the run in progress was dropped)'}`,
      completedRounds: outcome.completedRounds,
      runs,
      stoppedAt,
    };
  }
  const what = hook === null ? 'a run' : `the --${hook.kind} command for '${hook.alternative}'`;
  return {
    reason: 'failed',
    signal: null,
    message: stop === null
      ? `${what} failed after the rounds (${rounds}); ${kept}`
      : `partial: ${what} failed in ${stop.phase === 'warmup' ? 'warm-up ' : ''}round ${stop.round}, after ${rounds}; the results above hold the runs that finished`,
    completedRounds: outcome.completedRounds,
    runs,
    stoppedAt,
  };
}
