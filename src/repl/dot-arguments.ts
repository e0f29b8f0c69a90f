import { EVENT_PRESETS } from '../../parsers/event-list.ts';

/** The commands whose one argument is `on` or `off`. */
const ON_OFF = new Set(['settle', 'live']);
/** The commands whose argument is a number or nothing: no name completes it. */
const NO_NAMES = new Set(['interval', 'start', 'stop']);
/** `.events LIST`: the list, its last item after the last `,` or `{` (and the spaces `a, b` puts after it). */
const EVENTS = /^\s*\.events\s+((?:.*[,{]\s*)?)([^,{}\s]*)$/;
/** `.events` with an argument that ends in no item being typed (`.events cycles `): nothing to offer. */
const EVENTS_ENDED = /^\s*\.events\s/;
const COMMAND = /^\s*\.(\w+)\s+(\S*)$/;

/**
 * Completions of a perfcell dot-command's argument, as [matches, the text they replace] like
 * node:repl's completer gives them, or null for a line that is no such argument: node:repl reads
 * `.events pa` as JavaScript and offered the globals that start with `pa` (parseFloat, parseInt),
 * where `.events` takes perf's events. `.events` completes the list's last item from perfcell's
 * presets and `eventNames` (`default` as the whole list; tracepoints once a name is begun), `.settle` and `.live` complete on and off,
 * and `.interval`, `.start` and `.stop` complete nothing.
 * @example completeDotArgument('.events page-faults,con', ['context-switches', 'cpu-clock'])
 *   // → [['context-switches'], 'con']
 */
export function completeDotArgument(line: string, eventNames: readonly string[]): readonly [readonly string[], string] | null {
  const events = EVENTS.exec(line);
  if (events !== null) {
    const [, before = '', partial = ''] = events;
    // perf's tracepoints (sched:sched_switch, some 2,000 of them) once a name is begun: a Tab Tab
    // after '.events ' had listed them all, screens of them above the prompt
    const offered = partial === '' ? eventNames.filter((name) => !name.includes(':')) : eventNames;
    const names = [...(before === '' ? ['default'] : []), ...Object.keys(EVENT_PRESETS), ...offered];
    return [[...new Set(names.filter((name) => name.startsWith(partial)))], partial];
  }
  // node:repl read the rest as JavaScript and offered its globals (`.events cycles ` Tab: Array, Boolean, …)
  if (EVENTS_ENDED.test(line)) return [[], ''];
  const command = COMMAND.exec(line);
  if (command === null) return null;
  const [, name = '', partial = ''] = command;
  if (ON_OFF.has(name)) return [['on', 'off'].filter((word) => word.startsWith(partial)), partial];
  return NO_NAMES.has(name) ? [[], partial] : null;
}

/** Whether `line` is `.events` with a list begun: the one argument that needs perf's event names. */
export function isEventsArgument(line: string): boolean {
  return EVENTS.test(line);
}
