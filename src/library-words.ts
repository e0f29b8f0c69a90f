import { dropFromList } from '../parsers/perf-errors.ts';
import { PerfError, UsageError } from './errors.ts';
import { DEFAULT_NOTE_CACHEGRIND } from './perf/default-events.ts';
import { CACHEGRIND_TRY } from './session/counters.ts';
import type { CommandReport } from './session/report.ts';

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

/** perf's `drop it from -e` as the option the caller gave the events by. */
function sayInLibraryWords(error: PerfError): void {
  reword(error, (message) => dropFromList(message, 'events'));
}

/** The error itself, reworded: a caller's handler may hold it already (measure(fn)'s error.report rides on it). */
function reword(error: Error, words: (message: string) => string): void {
  const before = error.message;
  const after = words(before);
  if (after === before) return;
  error.message = after;
  // what a printed error shows: the stack was written with the first message
  if (typeof error.stack === 'string') error.stack = error.stack.replace(before, after);
}

/**
 * A program's report, its notes in the library's words: they point at the command line's
 * `--backend cachegrind` and `-M`, where measure(argv)'s caller passes `backend: 'cachegrind'`
 * and `metricGroups`. The report itself, reworded (measure(fn)'s `value` rides on it); where fn
 * threw, the report measure(fn) put on its error (`error.report`), and the error rethrown as it was.
 */
export async function reportInLibraryWords<R extends CommandReport>(work: Promise<R>, caller: 'measure' | 'runProgram' = 'measure'): Promise<R> {
  let report: R;
  try {
    report = await inLibraryWords(work);
  } catch (error: unknown) {
    if (error instanceof UsageError) rewordProgramExample(error, caller);
    rewordHeldReport(error);
    throw error;
  }
  rewordReport(report);
  return report;
}

function rewordReport(report: CommandReport): void {
  const mutable = report as unknown as { warnings: string[]; counters: { unsupported: { reason: string }[] } };
  mutable.warnings = report.warnings.map(optionWords);
  for (const unsupported of mutable.counters.unsupported) unsupported.reason = optionWords(unsupported.reason);
}

/**
 * The report on a thrown value, reworded where it is one (measure.ts attachReport); nothing where
 * there is none, or where it refuses it (a frozen error kept a report of its own): fn's error goes
 * on as it was, not as the TypeError of the rewording.
 */
function rewordHeldReport(error: unknown): void {
  try {
    const held = (error as { readonly report?: unknown } | null | undefined)?.report as Partial<CommandReport> | null | undefined;
    if (typeof held === 'object' && held !== null && Array.isArray(held.warnings) && Array.isArray(held.counters?.unsupported)) rewordReport(held as CommandReport);
  } catch {
    // fn's own error goes on as it is
  }
}

/**
 * A program that cannot run, its example in the caller's words: `measure(['/tmp'])` said
 * `give a program, e.g. perfcell run -- ls /tmp`, a command line the caller had not written.
 */
function rewordProgramExample(error: UsageError, caller: 'measure' | 'runProgram'): void {
  reword(error, (message) => message.replace(/\(give a program, e\.g\. perfcell run -- ls (.+)\)$/, (_, file: string) => `(give a program, e.g. ${caller}(['ls', '${file.replace(/['\\]/g, '\\$&')}']))`));
}

/** A note's command-line words as the options that say the same. */
function optionWords(note: string): string {
  return note
    .replace(DEFAULT_NOTE_CACHEGRIND, ", or use backend: 'cachegrind' (simulated caches)")
    .replace(CACHEGRIND_TRY, "; try backend: 'cachegrind'")
    .replace(/, so -M (.+) gave nothing \(/, (_, group: string) => `, so metricGroups: ['${group}'] gave nothing (`)
    .replace('the events of an -M metric group', 'the events of a metricGroups group');
}
