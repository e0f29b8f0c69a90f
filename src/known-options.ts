import { closestNames } from './closest-names.ts';
import { UsageError } from './errors.ts';

/**
 * The names a public entry's options take, and the refusal of any other at the library's door
 * (library-entries.ts): a JavaScript caller's misspelt name was ignored, so
 * `measure(fn, { interval: 50 })` measured at the default 100 ms, and `timeit(fn, { run: 2 })`
 * ran 7 batches, with no word of it. perfcell's own callers pass wider objects (a command's
 * options) to the functions behind the door, which do not look at names.
 */

/**
 * Every key of the options type T, listed: a list that leaves one out does not compile, so an
 * option added to T is known at the door from then on.
 * @example const MEASURE_OPTIONS = optionNames<MeasureOptions>()(['events', 'intervalMs', …]);
 */
export function optionNames<T>() {
  return <const Names extends readonly (keyof T & string)[]>(names: Names & ([Exclude<keyof T, Names[number]>] extends [never] ? unknown : never)): readonly string[] => names;
}

/**
 * Refuses a name `known` does not hold: `unknown option 'interval': did you mean 'intervalMs'?
 * (measure takes events, intervalMs, …)`. Options that are not an object are left to the value
 * checks (check-options.ts), which say what they must be.
 */
export function refuseUnknownOptions(options: unknown, known: readonly string[], entry: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return;
  const unknown = Object.keys(options).find((name) => !known.includes(name));
  if (unknown === undefined) return;
  const meant = closestNames(unknown, known)[0];
  const hint = meant === undefined ? '' : `: did you mean '${meant}'?`;
  throw new UsageError(`unknown option '${unknown}'${hint} (${entry} takes ${known.join(', ')})`);
}
