import { DROP_FROM_EVENTS } from '../parsers/perf-errors.ts';
import { PerfError } from './errors.ts';

/**
 * perf's refusal of an event names the command line's fix (`drop it from -e`, parsers/perf-errors.ts);
 * a library caller gave the events as the `events` option, so the library's entries say that
 * instead, as the REPL and the kernel say "the list" (repl/dot-commands.ts refusedEvents).
 * @example await inLibraryWords(measureBehind(fn, { events: ['bogus'] }))
 *   // rejects with PerfError "unknown perf event 'bogus' (see perf list, or drop it from events)"
 */
export async function inLibraryWords<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error: unknown) {
    if (error instanceof PerfError) sayInLibraryWords(error);
    throw error;
  }
}

/** The error itself, reworded: a caller's handler may hold it already (measure(fn)'s error.report rides on it). */
function sayInLibraryWords(error: PerfError): void {
  const before = error.message;
  const after = before.replace(`${DROP_FROM_EVENTS})`, 'drop it from events)');
  if (after === before) return;
  error.message = after;
  // what a printed error shows: the stack was written with the first message
  if (typeof error.stack === 'string') error.stack = error.stack.replace(before, after);
}
