import { quoteName } from '../render/quote-name.ts';
import { isLeftRunningNote, isRanDuringNote } from '../proc/child-processes.ts';
import { isMultiplexNote } from '../session/counters.ts';
import { isDefaultEventsNote } from '../perf/default-events.ts';
import { isUngatedWarning } from '../session/run-ungated.ts';
import { isGaveUpNote } from '../session/perf-gave-up.ts';
import { isCachegrindNote } from '../backends/cachegrind-counters.ts';
import { mergeRunWarnings } from './repeat-warnings.ts';

/**
 * compare's warnings from its alternatives' runs, each said once and named by the alternatives
 * it came from where not every one had it: a compare of two programs printed `warning: a process
 * forked without exec: cachegrind starts such a child with its parent's counts …`, and nothing
 * said which. A warning every alternative had stays as it is; so does one
 * that names its alternative already (`'sh -c …' left 1 process running`), and one this process
 * says once, under whichever report comes first (the default events', the missing exec gate's,
 * perf given up on, cachegrind's). Within one alternative, runs' warnings that differ only in their figures
 * merge as `run -r`'s do. Multiplexing notes and notes of processes left running pass through
 * unnamed, for their own merges (one line for all).
 * @example nameAlternativeNotes([[['forked'], ['forked']], [[]]], ['a', 'b']) // ["'a': forked"]
 */
export function nameAlternativeNotes(runsByAlternative: ReadonlyArray<ReadonlyArray<readonly string[]>>, names: readonly string[]): string[] {
  const passing: string[] = [];
  const from = new Map<string, number[]>();
  runsByAlternative.forEach((runs, index) => {
    const own = mergeRunWarnings(runs.map((warnings) => warnings.filter((warning) => !passesThrough(warning))));
    for (const warning of own) from.set(warning, [...(from.get(warning) ?? []), index]);
    for (const warning of runs.flat()) if (passesThrough(warning)) passing.push(warning);
  });
  const named = [...from].map(([warning, indexes]) => {
    const own = indexes.map((index) => names[index] ?? `#${index + 1}`);
    const isEveryOnes = runsByAlternative.length > 1 && indexes.length === runsByAlternative.length;
    if (isEveryOnes || runsByAlternative.length === 1 || isOncePerProcess(warning) || own.some((name) => warning.includes(quoteName(name)))) return warning;
    return `${own.map(quoteName).join(', ')}: ${warning}`;
  });
  return [...named, ...passing];
}

function isOncePerProcess(warning: string): boolean {
  return isDefaultEventsNote(warning) || isUngatedWarning(warning) || isGaveUpNote(warning) || isCachegrindNote(warning);
}

function passesThrough(warning: string): boolean {
  return isMultiplexNote(warning) || isRanDuringNote(warning) || isLeftRunningNote(warning);
}
