import { dropFromList } from '../parsers/perf-errors.ts';

/**
 * Where the events of the command that runs came from, when no -e was typed: PERFCELL_EVENTS, or
 * `"events" in FILE` (cli/defaults.ts); undefined for a typed -e or the built-in default. perf's
 * refusal of an event (parsers/perf-errors.ts) and compare's note of events that do not count here
 * named `-e` as what to drop them from, a flag the user never typed: `PERFCELL_EVENTS=bogus
 * perfcell run -- true` said `drop it from -e`. One command runs a process, so this is set once,
 * by main's preAction hook (cli/main.ts applyDefaults), before the command's action.
 */
let defaultedFrom: string | undefined;

/** Records where the events came from (see above); undefined: from -e, or perfcell's own. */
export function noteEventsFrom(source: string | undefined): void {
  defaultedFrom = source;
}

/**
 * What a fix names as the list of events: `-e`, `PERFCELL_EVENTS` or `"events" in FILE`.
 * @example eventListName() // "-e" (none noted)
 */
export function eventListName(): string {
  return defaultedFrom ?? '-e';
}

/**
 * A message's `drop it from -e` in the words of where the events came from.
 * @example inEventSourceWords("unknown perf event 'bogus' (see perf list, or drop it from -e)")
 *   // with PERFCELL_EVENTS noted: "unknown perf event 'bogus' (see perf list, or drop it from PERFCELL_EVENTS)"
 */
export function inEventSourceWords(message: string): string {
  return defaultedFrom === undefined ? message : dropFromList(message, defaultedFrom);
}
