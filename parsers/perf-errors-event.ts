/**
 * Finds which event of an `-e` list perf's parser rejected, from the caret it draws:
 *
 * ```
 * event syntax error: '..t-switches,bogus_ev'
 *                                   \___ parser error
 * ```
 *
 * perf prints `event syntax error: '` (21 columns) and then the event string, cut at the front
 * (marked `..`) when the error lies past column 13, and at the back when wider than the terminal.
 * The caret stands under the offending character.
 */

const SYNTAX_PREFIX = "event syntax error: '";

/** The offending event, and the help perf printed after the caret (`parser error`, `Cannot find PMU ...`). */
export interface RejectedEvent {
  readonly event: string;
  readonly help: string | undefined;
}

/**
 * Reads the first `event syntax error` block of perf's stderr, or `undefined` when there is none.
 * `known` are the events perfcell asked for; they complete a name that perf printed cut.
 * @example
 * locateRejectedEvent("event syntax error: 'task-clock,bogus'\n" + ' '.repeat(32) + '\\___ parser error')
 * // → { event: 'bogus', help: 'parser error' }
 */
export function locateRejectedEvent(text: string, known: readonly string[] = []): RejectedEvent | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith(SYNTAX_PREFIX));
  if (at < 0) return undefined;
  const shown = (lines[at] ?? '').slice(SYNTAX_PREFIX.length).replace(/'\s*$/, '');
  const caretLine = lines[at + 1] ?? '';
  const caret = caretLine.indexOf('\\___');
  const help = caret >= 0 ? caretLine.slice(caret + 4).trim() || undefined : undefined;
  const position = caret >= 0 ? caret - SYNTAX_PREFIX.length : 0;
  const token = tokenAt(shown, position);
  return { event: completeCut(token, known), help };
}

/** Splits an event list at commas and braces that are not inside a `pmu/term=…,term=…/` spec. */
export function splitEventList(list: string): { readonly text: string; readonly start: number }[] {
  const tokens: { text: string; start: number }[] = [];
  let inPmuTerms = false;
  let start = 0;
  for (let index = 0; index <= list.length; index += 1) {
    const char = list[index];
    if (char === '/') inPmuTerms = !inPmuTerms;
    const ends = char === undefined || (!inPmuTerms && (char === ',' || char === '{' || char === '}'));
    if (!ends) continue;
    if (index > start) tokens.push({ text: list.slice(start, index), start });
    start = index + 1;
  }
  return tokens;
}

function tokenAt(shown: string, position: number): string {
  const tokens = splitEventList(shown);
  // The caret can stand on a separator or past the end: take the token it follows.
  const before = tokens.filter((token) => token.start <= position);
  return (before.at(-1) ?? tokens[0])?.text ?? shown;
}

/** `..t-switches` → `context-switches` when that was asked for; otherwise the text as shown. */
function completeCut(token: string, known: readonly string[]): string {
  if (known.includes(token)) return token;
  const cutFront = token.startsWith('..');
  const cutBack = token.endsWith('..');
  if (!cutFront && !cutBack) return token;
  const core = token.slice(cutFront ? 2 : 0, cutBack ? -2 : undefined);
  const fits = (event: string): boolean =>
    cutFront && cutBack ? event.includes(core) : cutFront ? event.endsWith(core) : event.startsWith(core);
  const matches = known.filter(fits);
  return matches.length === 1 && matches[0] !== undefined ? matches[0] : token;
}
