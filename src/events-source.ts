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

/**
 * The default events PERFCELL_EVENTS or a config file sets (cli/defaults.ts), as text and where:
 * what the REPL's `.events default` and the kernel's `perfcell.events('default')` go back to. Noted
 * by main's preAction hook whether or not the command counts them (an -e typed, --no-perf): they had
 * gone back to perfcell's own events, where a user who set PERFCELL_EVENTS meant that default (a
 * QA pass). Undefined where neither sets any, and for the library, which reads neither.
 */
let configured: { readonly value: string; readonly source: string } | undefined;

/** Records the default events set once (see above); undefined: none is. */
export function noteConfiguredEvents(setting: { readonly value: string; readonly source: string } | undefined): void {
  configured = setting;
}

/** The default events set once, as noted (see above); undefined where none is. */
export function configuredEvents(): { readonly value: string; readonly source: string } | undefined {
  return configured;
}
