import { isDigitCode, parsePlainNumberAt } from './number.ts';
import { cleanLine, skipBlanks, type LineKind } from './perf-stat-line.ts';
import { EventNames, makeRecord, type MutableRecord } from './perf-stat-record.ts';
import type { AggregationKey, CounterStatus } from './perf-stat-types.ts';

/*
 * perf stat -j: one object a line, but not always valid JSON, so this is a tolerant scanner, not
 * JSON.parse. Seen in the wild: `%f` under a decimal-comma locale (`"pcnt-running" : 100,00`),
 * bare `nan`, a missing comma after `"core" : "S0-D0-C0"` (--per-core without aggregation),
 * metric values quoted (6.5+) or not, blank lines between objects, several objects on a line
 * (--metric-only), and metric-only or metricgroup objects with no `counter-value`.
 */

/** The keys a record needs; everything else is skipped without a substring. */
type Key = 'interval' | 'counter-value' | 'unit' | 'event' | 'pcnt-running' | 'metric-value' | 'metric-unit' | AggregationKey | 'cgroup' | 'perf' | 'other';

/**
 * Which key `text[from, to)` is. perf's keys are a closed set in which no two share their length,
 * first and last character, so those three tell them apart without comparing whole strings.
 */
function keyAt(text: string, from: number, to: number): Key {
  const first = text.charCodeAt(from);
  const last = text.charCodeAt(to - 1);
  switch (to - from) {
    case 3: // cpu, die
      return first === 99 && last === 117 ? 'cpu' : first === 100 && last === 101 ? 'die' : 'other';
    case 4: // unit, core, node
      if (first === 117 && last === 116) return 'unit';
      if (first === 99 && last === 101) return 'core';
      return first === 110 && last === 101 ? 'node' : 'other';
    case 5: // event, cache (--per-cache ids are kept under core, as in the other formats)
      if (first === 101 && last === 116) return 'event';
      return first === 99 && last === 101 ? 'core' : 'other';
    case 6: // socket, thread, cgroup
      if (first === 115 && last === 116) return 'socket';
      if (first === 116 && last === 100) return 'thread';
      return first === 99 && last === 112 ? 'cgroup' : 'other';
    case 7: // cluster
      return first === 99 && last === 114 ? 'core' : 'other';
    case 8: // interval, variance (counters: other)
      if (first === 105 && last === 108) return 'interval';
      return first === 118 && last === 101 ? 'perf' : 'other';
    case 11: // metric-unit, metricgroup
      if (first === 109 && last === 116) return 'metric-unit';
      return first === 109 ? 'perf' : 'other';
    case 12: // pcnt-running, metric-value
      if (first === 112 && last === 103) return 'pcnt-running';
      return first === 109 && last === 101 ? 'metric-value' : 'other';
    case 13: // counter-value, event-runtime
      if (first === 99 && last === 101) return 'counter-value';
      return first === 101 && last === 101 ? 'perf' : 'other';
    default:
      return 'other';
  }
}

/** Shared and never written to: lines without records allocate nothing. */
const NO_RECORDS: MutableRecord[] = [];

/**
 * An interval row as perf 6.1 prints it (`perf stat -j -I`), whole: one object, its keys in perf's
 * order with perf's ` : ` and `, `, plain numbers, a counted value, no escapes, nothing after its
 * `}`. One test of this runs as native code (irregexp), where the scanner below pays for each
 * character in JavaScript; the test settles every separator, so the values are then found at fixed
 * offsets from their neighbours and read with the scanner's own number reader (BENCHMARKS.md, Pace
 * notes). Any other line, or one that differs in a character, is scanned. The fuzz test holds that
 * both read every line alike.
 */
const PERF_ROW =
  /^\{"interval" : \d+(?:\.\d+)?, "counter-value" : "\d+(?:\.\d+)?", "unit" : "[^"\\]*", "event" : "[^"\\]*", "event-runtime" : \d+, "pcnt-running" : \d+(?:\.\d+)?(?:, [^{}]*)?\}$/;

// PERF_ROW's separators, each up to the value after it
const TO_TIME = '{"interval" : '.length;
const TO_COUNT = ', "counter-value" : "'.length;
const TO_UNIT = '", "unit" : "'.length;
const TO_EVENT = '", "event" : "'.length;
const TO_RUNTIME = '", "event-runtime" : '.length;
const TO_PCT = ', "pcnt-running" : '.length;

/** Reads perf stat's JSON format, one line (one or more objects) at a time. */
export class JsonLineParser {
  /** Records of the last line: a new array for each line that has any, the caller may keep it. */
  records: MutableRecord[] = NO_RECORDS;
  private pos = 0;
  private readonly events = new EventNames();

  /**
   * `perfRows: false`: every line is scanned (PERF_ROW unused), to check the two agree.
   * `keepMetrics`: read perf's `metric-value` and `metric-unit` into `metricValue`/`metricUnit`.
   */
  constructor(private readonly options: { readonly perfRows?: boolean; readonly keepMetrics?: boolean } = {}) {}

  parse(line: string): LineKind {
    this.records = NO_RECORDS;
    const text = cleanLine(line);
    if (this.options.perfRows !== false && this.readPerfRow(text)) return 'record';
    const first = skipBlanks(text, 0);
    if (first === text.length) return 'blank';
    if (text.charCodeAt(first) !== 123) {
      // a count or `<not counted>` outside an object: perf data, but not JSON
      const code = text.charCodeAt(first);
      return isDigitCode(code) || code === 60 ? 'unreadable' : 'comment';
    }
    this.pos = first;
    let kind: LineKind = 'comment';
    while (this.pos < text.length) {
      const found = this.readObject(text);
      if (found === 'unreadable') return this.records.length > 0 ? 'record' : 'unreadable';
      if (found === 'record' || (found === 'metric' && kind !== 'record')) kind = found;
      this.pos = skipBlanks(text, this.pos);
      if (text.charCodeAt(this.pos) !== 123) break;
    }
    return kind;
  }

  /**
   * The line's record where it is an interval row in perf's own layout (PERF_ROW) of an event seen
   * before; false where it is not, and the scanner reads it.
   */
  private readPerfRow(text: string): boolean {
    if (!PERF_ROW.test(text)) return false;
    // the test settled every separator: each value starts a separator's length after the last one's end
    const timeEnd = text.indexOf(',', TO_TIME);
    const countFrom = timeEnd + TO_COUNT;
    const countEnd = text.indexOf('"', countFrom);
    const unitFrom = countEnd + TO_UNIT;
    const unitEnd = text.indexOf('"', unitFrom);
    const eventFrom = unitEnd + TO_EVENT;
    const eventEnd = text.indexOf('"', eventFrom);
    const pctFrom = text.indexOf(',', eventEnd + TO_RUNTIME) + TO_PCT;
    let pctEnd = text.indexOf(',', pctFrom);
    if (pctEnd === -1) pctEnd = text.length - 1;
    // perf's metric follows the percentage: the scanner reads it
    else if (this.options.keepMetrics === true) return false;
    // an event not seen yet: the scanner reads its row (alike) and keeps its name for the rows after
    const event = this.events.find(text, eventFrom, eventEnd);
    if (event === undefined) return false;
    const unit = unitEnd === unitFrom ? '' : text.startsWith('msec"', unitFrom) ? 'msec' : text.slice(unitFrom, unitEnd);
    this.records = [
      makeRecord(parsePlainNumberAt(text, TO_TIME, timeEnd), event, parsePlainNumberAt(text, countFrom, countEnd), unit, 'counted', parsePlainNumberAt(text, pctFrom, pctEnd), undefined, '', undefined),
    ];
    return true;
  }

  /** Reads the object that starts at `pos` (a `{`); returns what it was. */
  private readObject(text: string): LineKind {
    let i = this.pos + 1;
    let time: number | null = null;
    let countFrom = -1;
    let countTo = -1;
    let countValue = Number.NaN;
    let unit = '';
    let event: string | undefined;
    let runningPct: number | null = null;
    let aggregation: AggregationKey | undefined;
    let aggregationId = '';
    let cgroup: string | undefined;
    let metricValue = Number.NaN;
    let metricUnit: string | undefined;
    let perfKeys = 0;
    for (;;) {
      i = skipBlanks(text, i);
      const code = text.charCodeAt(i);
      if (code === 125) {
        i++;
        break;
      }
      if (code === 44) {
        i++;
        continue;
      }
      if (code !== 34) return this.fail(text);
      const keyEnd = text.indexOf('"', i + 1);
      if (keyEnd === -1) return this.fail(text);
      const key = keyAt(text, i + 1, keyEnd);
      i = skipBlanks(text, keyEnd + 1);
      if (text.charCodeAt(i) !== 58) return this.fail(text);
      i = skipBlanks(text, i + 1);
      let from: number;
      let to: number;
      // most values are plain numbers: read as they are scanned (NaN: not one, or not ending as
      // bareEnd or closingQuote would end it), otherwise found first and read from their range
      let number = Number.NaN;
      if (text.charCodeAt(i) === 34) {
        from = i + 1;
        number = scanNumber(text, from);
        if (!Number.isNaN(number) && text.charCodeAt(scan.end) === 34) {
          to = scan.end;
        } else {
          number = Number.NaN;
          to = closingQuote(text, from);
          if (to === -1) return this.fail(text);
        }
        i = to + 1;
      } else {
        from = i;
        // a value no record keeps (event-runtime): only where it ends is wanted
        number = key === 'perf' ? skipNumber(text, from) : scanNumber(text, from);
        if (!Number.isNaN(number)) {
          i = scan.end;
          to = i;
        } else {
          i = bareEnd(text, i);
          to = i;
          while (to > from && text.charCodeAt(to - 1) === 32) to--;
        }
      }
      switch (key) {
        case 'interval':
          time = Number.isNaN(number) ? parsePlainNumberAt(text, from, to) : number;
          if (Number.isNaN(time)) return this.fail(text);
          perfKeys++;
          break;
        case 'counter-value':
          countFrom = from;
          countTo = to;
          countValue = number;
          perfKeys++;
          break;
        case 'unit':
          unit = text.slice(from, to);
          break;
        case 'event':
          event = this.events.find(text, from, to) ?? this.events.addNamed(text, from, to) ?? '';
          perfKeys++;
          break;
        case 'pcnt-running': {
          const pct = Number.isNaN(number) ? parsePlainNumberAt(text, from, to) : number;
          runningPct = Number.isNaN(pct) ? null : pct;
          perfKeys++;
          // only metric-value, metric-unit and metric-threshold follow it: skip to the object's end
          if (this.options.keepMetrics === true) break;
          const close = text.indexOf('}', i);
          if (close !== -1) i = close;
          break;
        }
        case 'metric-value':
          metricValue = Number.isNaN(number) ? parsePlainNumberAt(text, from, to) : number;
          perfKeys++;
          break;
        case 'metric-unit':
          metricUnit = text.slice(from, to).trim();
          perfKeys++;
          break;
        case 'cgroup':
          cgroup = text.slice(from, to);
          break;
        case 'perf':
          perfKeys++;
          break;
        case 'other':
          break;
        default:
          aggregation = key;
          aggregationId = text.slice(from, to);
      }
    }
    this.pos = i;
    if (countFrom === -1) return perfKeys > 0 ? 'metric' : 'comment';
    if (event === undefined || event === '') return 'unreadable';
    let status: CounterStatus = 'counted';
    let value: number | null = null;
    if (!Number.isNaN(countValue)) {
      value = countValue;
    } else if (countTo - countFrom === 13 && text.startsWith('<not counted>', countFrom)) {
      status = 'not counted';
    } else if (countTo - countFrom === 15 && text.startsWith('<not supported>', countFrom)) {
      status = 'not supported';
    } else {
      value = parsePlainNumberAt(text, countFrom, countTo);
      if (Number.isNaN(value)) return 'unreadable';
    }
    if (aggregation === 'cpu' && !/^\d+$/.test(aggregationId)) return 'unreadable';
    const record = makeRecord(time, event, value, unit, status, runningPct, aggregation, aggregationId, cgroup);
    // perf prints `"metric-value" : 0.000000, "metric-unit" : ""` where it has no metric
    if (this.options.keepMetrics === true && metricUnit !== undefined && metricUnit !== '' && Number.isFinite(metricValue)) {
      record.metricValue = metricValue;
      record.metricUnit = metricUnit;
    }
    if (this.records === NO_RECORDS) this.records = [record];
    else this.records.push(record);
    return 'record';
  }

  private fail(text: string): LineKind {
    this.pos = text.length;
    return 'unreadable';
  }
}

/** Where the number scanNumber last read ends. */
const scan = { end: 0 };

/**
 * The plain number at `from` (parsePlainNumberAt's reading of it), read in one pass, when it ends
 * at `,` (not before a digit: that is a decimal comma), `}`, `"` or the line's end: where
 * bareEnd ends a value that holds nothing but it. NaN otherwise, and for over 15 digits (the
 * caller then reads the value the long way). Sets `scan.end`.
 */
function scanNumber(text: string, from: number): number {
  const length = text.length;
  let mantissa = 0;
  let i = from;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    mantissa = mantissa * 10 + digit;
  }
  const digits = i - from;
  if (digits === 0) return Number.NaN;
  let code = text.charCodeAt(i);
  let fraction = 0;
  if (code === 46 || code === 0x066b || (code === 44 && isDigitCode(text.charCodeAt(i + 1)))) {
    // the zeros that pad perf's `%f` change no value: the mantissa is kept as of the last other digit
    let kept = mantissa;
    const fractionFrom = ++i;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      mantissa = mantissa * 10 + digit;
      if (digit !== 0) {
        kept = mantissa;
        fraction = i + 1 - fractionFrom;
      }
    }
    if (i === fractionFrom) return Number.NaN;
    mantissa = kept;
    code = text.charCodeAt(i);
  }
  const isEnd = i === length || code === 125 || code === 34 || (code === 44 && !isDigitCode(text.charCodeAt(i + 1)));
  if (!isEnd) return Number.NaN;
  // below 2^53 the mantissa is exact and mantissa / 10^k is correctly rounded: what Number() gives
  if (digits + fraction > 15) return Number.NaN;
  scan.end = i;
  return fraction === 0 ? mantissa : mantissa / (POWERS_OF_TEN[fraction] as number);
}

/** scanNumber's end for a number whose value is not wanted: 0 where scanNumber would read one (of any length), else NaN. */
function skipNumber(text: string, from: number): number {
  const length = text.length;
  let i = from;
  while (i < length && isDigitCode(text.charCodeAt(i))) i++;
  if (i === from) return Number.NaN;
  let code = text.charCodeAt(i);
  if (code === 46 || code === 0x066b || (code === 44 && isDigitCode(text.charCodeAt(i + 1)))) {
    const fractionFrom = ++i;
    while (i < length && isDigitCode(text.charCodeAt(i))) i++;
    if (i === fractionFrom) return Number.NaN;
    code = text.charCodeAt(i);
  }
  const isEnd = i === length || code === 125 || code === 34 || (code === 44 && !isDigitCode(text.charCodeAt(i + 1)));
  if (!isEnd) return Number.NaN;
  scan.end = i;
  return 0;
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, power) => 10 ** power);

function closingQuote(text: string, from: number): number {
  let i = from;
  for (;;) {
    const end = text.indexOf('"', i);
    if (end === -1 || text.charCodeAt(end - 1) !== 92) return end;
    i = end + 1;
  }
}

/**
 * End of an unquoted value: `}`, a `"` (a missing comma), or a `,` that starts the next pair.
 * A `,` directly followed by a digit is a decimal comma (`100,00`), not a separator.
 */
function bareEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 125 || code === 34) return i;
    if (code === 44 && !isDigitCode(text.charCodeAt(i + 1))) return i;
    i++;
  }
  return i;
}
