import { InterruptedError } from '../session/interruption.ts';
import type { PartialRun } from './compare-document.ts';
import { HookFailedError, HookInterruptedError } from './hook-command.ts';
import type { InterleaveOutcome } from './interleave.ts';

// What the results hold, the message's last clause (after '; '). partialCause() cuts these off, so
// they are written here once.
const HOLDS_EVERY_RUN = 'the results above hold every run';
const HOLDS_FINISHED_RUNS = 'the results above hold the runs that finished';
const HOLDS_PARTIAL = 'the results above are partial (the run in progress was dropped)';
const HOLDS_NO_COMPARISON = 'no comparison is made: the document holds the runs that finished';
const LEADS = ['perfcell: ', 'partial: '] as const;

/**
 * What a comparison that stopped early says about itself, in its JSON and on stderr; null when
 * it ran to its end. `error` is what stopped it: an InterruptedError, or a failure (a run, a
 * --setup or --prepare command, or after the rounds, when `outcome.stop` is null, a check cell or a
 * --cleanup command: then every round is in, and the message says so). The message is what stopped
 * compare, then `; ` and what the results hold (partialCause() gives the first part).
 * `isRunKept`: the run an interruption fell into finished and is kept (perfcell.compare's runs are
 * synchronous batches, and the signal is heard after the one it fell into), where a command's run
 * is cut short by it and dropped.
 */
export function describePartial(outcome: InterleaveOutcome<unknown>, error: unknown, names: readonly string[], isRunKept = false): PartialRun | null {
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
  const kept = stop === null ? HOLDS_EVERY_RUN : null;
  if (error instanceof InterruptedError) {
    const signal = error.interruption.signal;
    return {
      reason: 'interrupted',
      signal,
      message: `perfcell: interrupted by ${signal}${inHook} after ${rounds}; ${kept ?? (isRunKept ? HOLDS_FINISHED_RUNS : HOLDS_PARTIAL)}`,
      completedRounds: outcome.completedRounds,
      runs,
      stoppedAt,
    };
  }
  // after the rounds only a --cleanup command (a hook) or a check cell runs
  const what = hook !== null ? `the --${hook.kind} command for '${hook.alternative}'` : stop === null ? 'a check cell' : 'a run';
  return {
    reason: 'failed',
    signal: null,
    message: stop === null
      ? `${what} failed after the rounds (${rounds}); ${HOLDS_EVERY_RUN}`
      : `partial: ${what} failed in ${stop.phase === 'warmup' ? 'warm-up ' : ''}round ${stop.round}, after ${rounds}; ${HOLDS_FINISHED_RUNS}`,
    completedRounds: outcome.completedRounds,
    runs,
    stoppedAt,
  };
}

/**
 * The partial block of a comparison cut short before every alternative had a finished run, whose
 * document holds runs but no comparison: `cause` says what stopped it and before which alternative
 * ("interrupted by SIGINT before 'sleep 3' had a finished run").
 */
export function withoutComparison(partial: PartialRun, cause: string): PartialRun {
  return { ...partial, message: `perfcell: ${cause}; ${HOLDS_NO_COMPARISON}` };
}

/**
 * What stopped a comparison, from its partial block's message, without what the results hold
 * (which speaks of "the results above"): for a place with no results above it, such as a CSV cell.
 * @example partialCause(partial) // "the --cleanup command for 'a' failed after the rounds (3 complete rounds)"
 */
export function partialCause(partial: PartialRun): string {
  const lead = LEADS.find((prefix) => partial.message.startsWith(prefix));
  let cause = lead === undefined ? partial.message : partial.message.slice(lead.length);
  for (const holds of [HOLDS_EVERY_RUN, HOLDS_FINISHED_RUNS, HOLDS_PARTIAL, HOLDS_NO_COMPARISON]) {
    if (cause.endsWith(`; ${holds}`)) cause = cause.slice(0, -`; ${holds}`.length);
  }
  return cause;
}

/**
 * A partial block's message without compare's `perfcell: ` lead, for text that is not compare's
 * own stderr: the tables' exports end with it, and so does perfcell.compare's text in a cell.
 * @example partialMessageText(partial) // 'interrupted by SIGINT after 3 complete rounds; the results above hold the runs that finished'
 */
export function partialMessageText(partial: PartialRun): string {
  return partial.message.replace(/^perfcell: /, '');
}
