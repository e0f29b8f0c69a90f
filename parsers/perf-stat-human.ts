import {
  createLocaleHint,
  isDecimalPointCode,
  isDigitCode,
  isDigits,
  fixedPoint,
  parseFixedAt,
  parseLocaleNumberAt,
  type LocaleHint,
} from './number.ts';
import { cleanLine, readRunningPct, skipBlanks, type LineKind } from './perf-stat-line.ts';
import {
  classifyAggregationId,
  EventNames,
  hasAggregationCount,
  isEventName,
  isEventStart,
  isThreadId,
  KNOWN_UNITS,
  makeRecord,
  type MutableRecord,
} from './perf-stat-record.ts';
import type { AggregationKey, CounterStatus } from './perf-stat-types.ts';

/*
 * perf's default text output, one row (stat-display.c, perf 3.x to 6.x):
 *
 *   [interval "%6lu.%09lu "] [aggr id [cpus]] count [unit] event [cgroup] [# metric] [( +- n% )] [(run%)]
 *
 * count is `%'18.2f`/`%'18.0f` (locale grouping) or `<not counted>`/`<not supported>`; the unit is
 * padded to the widest unit, so an empty unit leaves 2+ spaces before the event; perf <= 4.x put
 * the unit in the name (`task-clock:u (msec)`) and perf 3.x had no unit column at all. Further
 * metrics go on continuation lines (`# 0.27 stalled cycles per insn`), and the noise and running
 * percentage come after the LAST metric, so they may sit on a continuation line.
 */

const MAX_TOKENS = 64;
const tokenStarts = new Int32Array(MAX_TOKENS);
const tokenEnds = new Int32Array(MAX_TOKENS);
const MAX_WORDS = 4;
const wordStarts = new Int32Array(MAX_WORDS);
const wordEnds = new Int32Array(MAX_WORDS);

/** Splits `text[0, end)` on spaces and tabs into the shared token arrays; returns the count. */
function tokenize(text: string, end: number): number {
  if (text.indexOf('\t') !== -1) return tokenizeBlanks(text, end);
  // perf's own lines hold no tabs: find each token's end natively
  let count = 0;
  let i = 0;
  while (count < MAX_TOKENS) {
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i >= end) break;
    tokenStarts[count] = i;
    let next = text.indexOf(' ', i);
    if (next === -1 || next > end) next = end;
    tokenEnds[count++] = next;
    i = next;
  }
  return count;
}

function tokenizeBlanks(text: string, end: number): number {
  let count = 0;
  let i = 0;
  while (count < MAX_TOKENS) {
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code !== 32 && code !== 9) break;
      i++;
    }
    if (i >= end) break;
    tokenStarts[count] = i;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code === 32 || code === 9) break;
      i++;
    }
    tokenEnds[count++] = i;
  }
  return count;
}

function tokenText(text: string, k: number): string {
  return text.slice(tokenStarts[k], tokenEnds[k]);
}

function tokenIs(text: string, k: number, word: string): boolean {
  const start = tokenStarts[k] ?? 0;
  return (tokenEnds[k] ?? 0) - start === word.length && text.startsWith(word, start);
}

/** A count starts with a digit, or is `<not counted>`/`<not supported>`. */
function isCountStart(text: string, k: number, count: number): boolean {
  if (k >= count) return false;
  const code = text.charCodeAt(tokenStarts[k] ?? 0);
  return isDigitCode(code) || (code === 60 && tokenIs(text, k, '<not'));
}

/** `(63.33%)`, `( +- 1.2% )`, `[69.13%]`, `(scaled from ...)`: the end of a row, not its name. */
function isTailStart(text: string, k: number, count: number): boolean {
  const start = tokenStarts[k] ?? 0;
  const open = text.charCodeAt(start);
  if (open !== 40 && open !== 91) return false;
  let next: number;
  let at: number;
  if ((tokenEnds[k] ?? 0) - start === 1) {
    if (k + 1 >= count) return true;
    at = tokenStarts[k + 1] ?? 0;
  } else {
    at = start + 1;
  }
  next = text.charCodeAt(at);
  return isDigitCode(next) || next === 43 || next === 45 || next === 46 || text.startsWith('scaled', at);
}

/** perf <= 4.x unit-in-name `(msec)`, possibly cut short by its 25-byte name buffer: `(ms`. */
function unitInName(text: string, k: number): string | undefined {
  const start = (tokenStarts[k] ?? 0) + 1;
  let end = tokenEnds[k] ?? 0;
  if (text.charCodeAt(end - 1) === 41) end--;
  const inner = text.slice(start, end);
  if (!/^[A-Za-z]*$/.test(inner)) return undefined;
  if (end === tokenEnds[k]) return 'msec'.startsWith(inner) ? 'msec' : undefined;
  return inner;
}

function word(text: string, w: number): string {
  const start = wordStarts[w] ?? 0;
  // `msec` on every task-clock row: no new string for it
  if ((wordEnds[w] ?? 0) - start === 4 && text.startsWith('msec', start)) return 'msec';
  return text.slice(start, wordEnds[w]);
}

function looksLikeEventName(word: string): boolean {
  return /[-:/_=.@]/.test(word);
}

/** perf events spelt as one plain word; the rest carry `-`, `:`, `/`, `_` or `.`. */
const PLAIN_EVENT_NAMES: ReadonlySet<string> = new Set([
  'cycles', 'instructions', 'branches', 'faults', 'migrations', 'cs', 'slots', 'clockticks', 'dummy', 'tsc', 'aperf', 'mperf', 'smi',
]);

function isEventLike(word: string): boolean {
  return looksLikeEventName(word) || PLAIN_EVENT_NAMES.has(word);
}

/** The count is printed `%18.0f`: on an unprefixed row it ends at column 18 (less if an author trimmed it). */
const MIN_COUNT_END = 14;

/**
 * Whether a human line shows it is whole though no newline ended it. perf pads what follows an
 * event name (spaces, or its `# metric`) and closes the running percentage or noise it may end a
 * line with, so a row (its `event`) that ends in a word (the event, its cgroup, or the unit before
 * the event: `96.13 msec` reads as an event named msec), in one blank (perf 4.x's ` (msec)` after
 * the event) or inside `(...)` was cut short, and so was a continuation line (no event) inside its
 * `(...)`. A cut in the padding reads as whole: only what perf prints after it (the running
 * percentage, a `-G` cgroup) can be missing.
 * @example
 * isWholeHumanLine('     0.100130464               8536      page-fau', 'page-fau') // → false
 * isWholeHumanLine('     0.100130464               8536      page-faults   ', 'page-faults') // → true
 */
export function isWholeHumanLine(line: string, event: string | undefined): boolean {
  const text = cleanLine(line);
  const hash = text.indexOf('#');
  // a bracket open before the metric is perf 4.x's unit in the name, cut by perf itself: `(ms`
  const open = Math.max(text.lastIndexOf('('), text.lastIndexOf('['));
  if (open > Math.max(text.lastIndexOf(')'), text.lastIndexOf(']'), hash)) return false;
  if (event === undefined) return true;
  if (KNOWN_UNITS.has(event)) return false;
  const last = text.charCodeAt(text.length - 1);
  return hash !== -1 || last === 41 || last === 93 || (isBlank(last) && isBlank(text.charCodeAt(text.length - 2)));
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** Reads perf stat's default (human) format, one line at a time. */
export class HumanLineParser {
  /** Decimal point learnt from this stream's records; settles `1.234`. */
  readonly locale: LocaleHint = createLocaleHint();
  /** What the current line's count shows about the locale, kept only if the line is a record. */
  private readonly lesson: LocaleHint = createLocaleHint();
  /** The row read by the last `parse` that returned `record`. */
  record: MutableRecord | undefined;
  /** False when the row printed a metric and nothing after it: a continuation line may follow. */
  complete = false;
  /** Running percentage found on the last line (row or continuation), else null. */
  runningPct: number | null = null;
  /** The last line ended with `-r` noise, which perf prints after the last metric. */
  readonly tail = { noise: false };
  private readonly events = new EventNames();
  /**
   * Rows read so far whose outcome the stream's history may decide: not laid out like perf's, so
   * an event name the stream showed before is taken and an unknown one must look like an event.
   */
  historyRows = 0;

  /** `keepMetrics`: read a row's `# metric` (its first) into `metricValue`/`metricUnit`. */
  constructor(private readonly keepMetrics = false) {}

  parse(line: string): LineKind {
    this.record = undefined;
    this.runningPct = null;
    this.tail.noise = false;
    const text = cleanLine(line);
    const hash = text.indexOf('#');
    const count = tokenize(text, hash === -1 ? text.length : hash);
    if (count === 0) return hash === -1 ? 'blank' : this.afterHash(text, hash);

    let k = 0;
    let time: number | null = null;
    const stamp = parseFixedAt(text, tokenStarts[0] ?? 0, tokenEnds[0] ?? 0, 'dot');
    if (!Number.isNaN(stamp) && (fixedPoint.decimals === 9 || this.startsRow(text, 1, count))) {
      time = stamp;
      k = 1;
    } else if (count > 1 && tokenIs(text, 0, 'summary')) {
      k = 1;
    }

    let aggregation: AggregationKey | undefined;
    let aggregationId = '';
    if (k < count && !isCountStart(text, k, count) && !isTailStart(text, k, count)) {
      const id = tokenText(text, k);
      aggregation = classifyAggregationId(id);
      if (aggregation !== undefined) {
        aggregationId = id;
        k++;
        if (hasAggregationCount(aggregation) && k < count && isDigits(text, tokenStarts[k], tokenEnds[k])) {
          // the cpus/ctrs count; on a continuation line nothing but the metric follows it
          if (isCountStart(text, k + 1, count) || k + 1 === count) k++;
        }
      } else {
        const last = this.threadEnd(text, k, count);
        if (last === -1) return hash === -1 ? 'comment' : 'metric';
        aggregation = 'thread';
        aggregationId = text.slice(tokenStarts[k], tokenEnds[last]);
        k = last + 1;
      }
    }

    if (k >= count) {
      if (hash !== -1) return this.afterHash(text, hash);
      return time === null ? 'comment' : 'unreadable';
    }
    if (isTailStart(text, k, count)) {
      // a metric line whose metric is empty still ends with the running percentage
      this.readTail(text);
      return this.runningPct !== null || this.tail.noise ? 'continuation' : 'comment';
    }

    let status: CounterStatus = 'counted';
    let value: number | null = null;
    let countEnd: number;
    if (text.charCodeAt(tokenStarts[k] ?? 0) === 60) {
      if (tokenIs(text, k + 1, 'counted>')) status = 'not counted';
      else if (tokenIs(text, k + 1, 'supported>')) status = 'not supported';
      else return 'unreadable';
      countEnd = tokenEnds[k + 1] ?? 0;
      k += 2;
    } else {
      let last = k;
      // a locale grouping with plain spaces: `1 234 567`
      if ((tokenEnds[k] ?? 0) - (tokenStarts[k] ?? 0) <= 3) {
        while (last + 1 < count && tokenStarts[last + 1] === (tokenEnds[last] ?? 0) + 1 && this.isSpaceGroup(text, last + 1)) last++;
      }
      this.lesson.decimal = undefined;
      if (last === k) {
        value = parseLocaleNumberAt(text, tokenStarts[k] ?? 0, tokenEnds[k] ?? 0, this.locale, this.lesson);
      } else {
        const grouped = text.slice(tokenStarts[k], tokenEnds[last]).replaceAll(' ', '');
        value = parseLocaleNumberAt(grouped, 0, grouped.length, this.locale, this.lesson);
      }
      if (Number.isNaN(value)) return 'unreadable';
      countEnd = tokenEnds[last] ?? 0;
      k = last + 1;
    }

    if (k >= count) return 'unreadable';
    // `1.068702673 seconds time elapsed`, `0.29003 +- 0.00568 seconds time elapsed`
    if (tokenIs(text, k, 'seconds') || tokenIs(text, k, '+-')) return 'comment';

    let words = 0;
    let nameUnit: string | undefined;
    let stop = k;
    for (; stop < count && !isTailStart(text, stop, count); stop++) {
      const code = text.charCodeAt(tokenStarts[stop] ?? 0);
      if (words > 0 && code === 91) {
        // perf --no-merge names an event `name [pmu]`
        wordEnds[words - 1] = tokenEnds[stop] ?? 0;
        continue;
      }
      if (words > 0 && code === 40 && nameUnit === undefined) {
        nameUnit = unitInName(text, stop);
        if (nameUnit !== undefined) continue;
      }
      if (words === MAX_WORDS) return 'unreadable';
      wordStarts[words] = tokenStarts[stop] ?? 0;
      wordEnds[words] = tokenEnds[stop] ?? 0;
      words++;
    }
    if (words === 0) {
      // `--table` rows: ` 5.2125 (+0.0123) ###`
      return stop < count && /^\([+-]\d/.test(tokenText(text, stop)) ? 'comment' : 'unreadable';
    }

    let unit = '';
    // which word is the event; its name comes from the cache when the stream showed it before
    let eventWord = 0;
    let cgroup: string | undefined;
    const gap = (wordStarts[0] ?? 0) - countEnd;
    // perf's signature: a prefix, a `<not ...>`, or the count right-aligned in 18 columns
    const perfShaped = time !== null || aggregation !== undefined || status !== 'counted' || countEnd >= MIN_COUNT_END;
    if (nameUnit !== undefined) {
      if (words > 2) return 'unreadable';
      unit = nameUnit;
      if (words === 2) cgroup = word(text, 1);
    } else if (words === 1) {
      // the event alone
    } else if (gap >= 2) {
      // the unit column is there but empty: event, then the cgroup
      if (words > 2) return 'unreadable';
      cgroup = word(text, 1);
    } else if (words === 2) {
      const first = word(text, 0);
      if (KNOWN_UNITS.has(first) || !looksLikeEventName(first)) {
        unit = first;
        eventWord = 1;
      } else {
        // perf 3.x had no unit column: event, then the cgroup
        cgroup = word(text, 1);
      }
    } else if (words === 3) {
      unit = word(text, 0);
      eventWord = 1;
      cgroup = word(text, 2);
    } else {
      return 'unreadable';
    }
    if (unit !== '' && !isEventStart(unit.charCodeAt(0)) && unit !== '%') return 'unreadable';
    if (!perfShaped && nameUnit === undefined) this.historyRows++;
    let event = this.events.find(text, wordStarts[eventWord] ?? 0, wordEnds[eventWord] ?? 0);
    if (event === undefined) {
      const name = word(text, eventWord);
      // `100 iterations done`, `1.5 ms per op`: someone else's line, unless it is laid out like perf's
      if (!perfShaped && nameUnit === undefined && !isEventLike(name)) return 'unreadable';
      if (!isEventName(name)) return 'unreadable';
      event = this.events.add(name);
    }

    if (this.lesson.decimal !== undefined && status === 'counted') this.locale.decimal = this.lesson.decimal;
    this.readTail(text);
    this.complete = hash === -1 || this.runningPct !== null || this.tail.noise;
    this.record = makeRecord(time, event, value, unit, status, this.runningPct, aggregation, aggregationId, cgroup);
    if (this.keepMetrics && hash !== -1) readRowMetric(text, hash, this.record);
    return 'record';
  }

  /** After an interval timestamp comes a count or an aggregation id, never a unit or event. */
  private startsRow(text: string, k: number, count: number): boolean {
    if (k >= count) return false;
    if (isCountStart(text, k, count)) return true;
    const id = tokenText(text, k);
    if (classifyAggregationId(id) !== undefined) return true;
    return isThreadId(id) && isCountStart(text, k + 1, count);
  }

  /** `comm-pid` of --per-thread, where comm may hold spaces: the last token before the count. */
  private threadEnd(text: string, k: number, count: number): number {
    for (let j = k; j < count - 1 && j < k + 4; j++) {
      if (isCountStart(text, j + 1, count) && isThreadId(tokenText(text, j))) return j;
    }
    return -1;
  }

  private isSpaceGroup(text: string, k: number): boolean {
    const start = tokenStarts[k] ?? 0;
    const end = tokenEnds[k] ?? 0;
    if (end - start < 3 || !isDigits(text, start, start + 3)) return false;
    if (end - start === 3) return true;
    return isDecimalPointCode(text.charCodeAt(start + 3)) && isDigits(text, start + 4, end);
  }

  /** A `#` line: a metric continuation (`#  0.27 stalled cycles per insn`) or a comment (`# time`). */
  private afterHash(text: string, hash: number): LineKind {
    const at = skipBlanks(text, hash + 1);
    const code = text.charCodeAt(at);
    const isMetric =
      isDigitCode(code) || code === 45 || code === 43 || code === 46 || text.startsWith('nan', at) || text.startsWith('inf', at);
    if (!isMetric) return 'comment';
    this.readTail(text);
    return 'continuation';
  }

  private readTail(text: string): void {
    const pct = readRunningPct(text, this.tail);
    this.runningPct = Number.isNaN(pct) ? null : pct;
  }
}

/**
 * The metric after a row's `#` (`#    1.70  insn per cycle    ( 67.64% )`), as CSV and JSON give
 * it: the number (`%8.2f` in the locale: `0,823` under de_DE), then the unit up to the noise or
 * running percentage. perf's `%8.3f %%` leaves a `%` before the unit (`34.159 % of all cache
 * refs`, `0.88% of all branches`) that its CSV and JSON cut off with the number, and so does this.
 */
function readRowMetric(text: string, hash: number, record: MutableRecord): void {
  const from = skipBlanks(text, hash + 1);
  let to = from;
  // `0.88% of all branches`: perf 6.x's `%7.2f%%` puts the `%` against the number
  while (to < text.length && !isBlank(text.charCodeAt(to)) && text.charCodeAt(to) !== 37) to++;
  const value = parseFixedAt(text, from, to, 'locale');
  if (Number.isNaN(value)) return;
  const open = text.indexOf('(', to);
  let unit = text.slice(to, open === -1 ? text.length : open).trim();
  if (unit.startsWith('%')) unit = unit.slice(1).trimStart();
  if (unit === '') return;
  record.metricValue = value;
  record.metricUnit = unit;
}
