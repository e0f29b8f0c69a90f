/**
 * The kernel's input history, for history_request (jupyter console's up-arrow, %history-like
 * clients): the cells it ran with store_history, by execution count, each with the text/plain of
 * its value. Answered as IPython's history manager answers its three access types, for the one
 * session perfcell keeps (nothing is saved across kernel starts).
 */

/** The number of the kernel's one session in history tuples: the first (and only) one it knows. */
export const HISTORY_SESSION = 1;

interface Entry {
  readonly line: number;
  readonly input: string;
  /** The text/plain of the cell's value; null when it had none (an error, undefined). */
  readonly output: string | null;
}

/** One history tuple: [session, line, input], or [session, line, [input, output]] with output. */
export type HistoryTuple = readonly [number, number, string | readonly [string, string | null]];

export interface KernelHistory {
  /** Keeps a cell that took execution count `line`. */
  record(line: number, input: string, output: string | null): void;
  /** history_reply's `history` for a history_request's content. */
  answer(request: Record<string, unknown>): HistoryTuple[];
}

/** IPython's default n for 'tail'. */
const DEFAULT_TAIL = 10;

export function createHistory(): KernelHistory {
  const entries: Entry[] = [];
  return {
    record(line, input, output) {
      entries.push({ line, input, output });
    },
    answer(request) {
      const withOutput = request['output'] === true;
      const tuple = (entry: Entry): HistoryTuple => [HISTORY_SESSION, entry.line, withOutput ? [entry.input, entry.output] : entry.input];
      switch (request['hist_access_type']) {
        case 'tail':
          return last(entries, integerOr(request['n'], DEFAULT_TAIL)).map(tuple);
        case 'range':
          return range(entries, request).map(tuple);
        case 'search':
          return search(entries, request).map(tuple);
        default:
          return [];
      }
    },
  };
}

function integerOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

/** The last n (SQLite's LIMIT, which IPython's answers are: a negative n sets no limit, 0 gives none). */
function last(entries: readonly Entry[], n: number): Entry[] {
  if (n < 0) return [...entries];
  return n > 0 ? entries.slice(-n) : [];
}

/**
 * 'range': lines start to stop (stop excluded) of `session`, which is this session where it is 0
 * (IPython's current one), HISTORY_SESSION, or missing; a negative session counts back to earlier
 * kernels, which perfcell does not keep. As IPython reads its current session: a negative start or
 * stop counts back from the next line, and a stop of 0 or past the end means to the end.
 */
function range(entries: readonly Entry[], request: Record<string, unknown>): Entry[] {
  const session = integerOr(request['session'], 0);
  if (session !== 0 && session !== HISTORY_SESSION) return [];
  const next = (entries.at(-1)?.line ?? 0) + 1;
  let start = integerOr(request['start'], 1);
  let stop = integerOr(request['stop'], 0);
  if (start < 0) start += next;
  if (stop === 0 || stop > next) stop = next;
  else if (stop < 0) stop += next;
  return entries.filter((entry) => entry.line >= start && entry.line < stop);
}

/**
 * 'search': the inputs the glob `pattern` matches whole (`*` any text, newlines too, `?` one
 * character, `[…]` one of a class, `[^…]` one not in it, case-sensitive, as IPython's SQLite
 * GLOB), the last `n` of them when n is given; `unique` keeps only the latest of equal inputs.
 */
function search(entries: readonly Entry[], request: Record<string, unknown>): Entry[] {
  const pattern = typeof request['pattern'] === 'string' ? request['pattern'] : '*';
  const glob = globToRegExp(pattern);
  const matching = entries.filter((entry) => glob.test(entry.input));
  const found = request['unique'] === true ? latestOfEach(matching) : matching;
  const n = request['n'];
  return typeof n === 'number' && Number.isInteger(n) ? last(found, n) : found;
}

function latestOfEach(entries: readonly Entry[]): Entry[] {
  const latestLine = new Map(entries.map((entry) => [entry.input, entry.line]));
  return entries.filter((entry) => latestLine.get(entry.input) === entry.line);
}

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * SQLite's GLOB as a RegExp: `*`, `?`, and `[…]` classes (`[^…]` negated, `a-z` ranges, a `]`
 * first in the class is one of its characters); a glob with a `[` that no `]` closes matches
 * nothing, as SQLite's (`[[]` is a `[`).
 * @example globToRegExp('x[0-9]*').test('x1 = 2') // true
 */
function globToRegExp(pattern: string): RegExp {
  const chars = [...pattern];
  let source = '';
  for (let at = 0; at < chars.length; at += 1) {
    const char = chars[at]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const negated = chars[at + 1] === '^';
      const from = at + (negated ? 2 : 1);
      // (a `]` first in the class is a member, as in SQLite's)
      const close = chars.indexOf(']', from + 1);
      // (SQLite's GLOB matches nothing where a class is never closed)
      if (close === -1) return /(?!)/;
      source += `[${negated ? '^' : ''}${classMembers(chars.slice(from, close)).join('')}]`;
      at = close;
    } else source += char.replace(REGEXP_SPECIAL, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

/**
 * A GLOB class's members as RegExp class items, read as SQLite's patternCompare reads them: a `-`
 * between two characters is a range, each character before a `-` a member of its own (so `[z-a]`
 * is `z`, where SQLite's range adds nothing, and perfcell had matched nothing at all), a `-` first,
 * last or right after a range or a leading `]` is a `-` (`[]-a]` is `]`, `-` and `a`, not `]` to `a`).
 */
function classMembers(members: readonly string[]): string[] {
  const escaped = (member: string): string => member.replace(/[\\\]^[-]/g, '\\$&');
  const items: string[] = [];
  let prior: string | null = null;
  for (let at = 0; at < members.length; at += 1) {
    const member = members[at]!;
    const to = members[at + 1];
    if (at > 0 && member === '-' && prior !== null && to !== undefined) {
      if (prior.codePointAt(0)! <= to.codePointAt(0)!) items.push(`${escaped(prior)}-${escaped(to)}`);
      prior = null;
      at += 1;
    } else {
      items.push(escaped(member));
      // (SQLite's leading `]` starts no range)
      prior = at === 0 && member === ']' ? null : member;
    }
  }
  return items;
}
