import { decimalPointIndex, fixedPoint, isDigitCode, isDigits, parseFixedAt, parsePlainNumberAt } from './number.ts';
import { cleanLine, skipBlanks, type LineKind } from './perf-stat-line.ts';
import {
  classifyAggregationId,
  EventNames,
  hasAggregationCount,
  isEventStart,
  isThreadId,
  KNOWN_UNITS,
  makeRecord,
  type MutableRecord,
} from './perf-stat-record.ts';
import type { AggregationKey, CounterStatus } from './perf-stat-types.ts';

/*
 * perf stat -x SEP, one row (stat-display.c; builtin-stat.c before 4.15):
 *
 *   [time SEP | summary SEP] [aggr id SEP [cpus SEP]] count SEP unit SEP event [SEP cgroup]
 *       [SEP variance%] SEP runtime SEP pcnt-running [SEP metric SEP metric-unit]
 *
 * perf <= 6.2 pads the time to `%6lu.%09lu`; perf 3.x had neither unit nor runtime columns
 * (`count SEP event`). Metric continuation rows and metricgroup rows have an empty count.
 * perf's `%f` follows the locale, so `-x,` under a decimal-comma locale splits `524,10` into two
 * fields, and `100,00` too: the runtime/percentage tail is found from the right to undo that.
 */

/** The separators tried, in order, when none was given. */
export const COMMON_SEPARATORS: readonly string[] = [',', ';', '\t', '|', ':'];

const MAX_FIELDS = 128;
// Field i of the current line is text[starts[i], ends[i]): no substring until a record keeps it.
const starts = new Int32Array(MAX_FIELDS);
const ends = new Int32Array(MAX_FIELDS);
let fieldCount = 0;

/** Splits at every `separator` from `from` into the shared field arrays; false when there are too many fields. */
function splitFields(text: string, separator: string, from = 0): boolean {
  const width = separator.length;
  fieldCount = 0;
  for (;;) {
    if (fieldCount === MAX_FIELDS) return false;
    const at = text.indexOf(separator, from);
    starts[fieldCount] = from;
    if (at === -1) {
      ends[fieldCount++] = text.length;
      return true;
    }
    ends[fieldCount++] = at;
    from = at + width;
  }
}

const start = (i: number): number => starts[i] ?? 0;
const end = (i: number): number => ends[i] ?? 0;
const isEmpty = (i: number): boolean => i >= fieldCount || end(i) === start(i);
const length = (i: number): number => (i >= fieldCount ? 0 : end(i) - start(i));
const digitsAt = (text: string, i: number): boolean => i < fieldCount && isDigits(text, start(i), end(i));
const equals = (text: string, i: number, word: string): boolean => length(i) === word.length && text.startsWith(word, start(i));
const fieldText = (text: string, i: number): string => (i >= fieldCount ? '' : text.slice(start(i), end(i)));

/**
 * An interval row as perf 6.1 prints it under `-x,` (stat-display.c), whole: `%6lu.%09lu` time, a
 * plain or `<not counted>`/`<not supported>` count, a unit, one event field, the runtime, the
 * running percentage, and perf's metric tail or none. One test of this, native code, settles the
 * shape of every field; the row is then read at its commas with the walk's own number readers, and
 * none of the walk's questions (which field is the runtime, is this a split decimal comma) is asked
 * (BENCHMARKS.md, Pace notes). Any other line (aggregation ids, a cgroup, a variance, a decimal
 * comma, a PMU name split at its `,`) is walked field by field. The fuzz test holds that both read
 * every line alike.
 */
const PERF_ROW = /^ *\d+\.\d{9},(?:\d+(?:\.\d+)?|<not counted>|<not supported>),(?:[^,\d][^,]*)?,[^,]+,\d+,\d+\.\d+(?:,[^,]*,[^,]*)?$/;

/** Reads perf stat's CSV format (`-x SEP`), one line at a time. */
export class CsvLineParser {
  /** The row read by the last `parse` that returned `record`. */
  record: MutableRecord | undefined;
  private readonly events = new EventNames();

  /**
   * keepMetrics: read perf's `metric SEP metric-unit` tail into `metricValue`/`metricUnit`;
   * `perfRows: false`: every line is read field by field (PERF_ROW unused), to check the two agree.
   */
  constructor(
    private readonly keepMetrics = false,
    private readonly options: { readonly perfRows?: boolean } = {},
  ) {}

  parse(line: string, separator: string): LineKind {
    this.record = undefined;
    const text = cleanLine(line);
    if (separator === ',' && this.options.perfRows !== false && this.readPerfRow(text)) return 'record';
    const first = skipBlanks(text, 0);
    if (first === text.length) return 'blank';
    if (text.charCodeAt(first) === 35) return 'comment';
    if (text.indexOf(separator, first) === -1) return looksLikeData(text, first) ? 'unreadable' : 'comment';
    // under -x' ' the padding of perf's `%6lu.%09lu` time would be empty fields: split after it
    if (!splitFields(text, separator, separator.charCodeAt(0) === 32 ? first : 0)) return 'unreadable';
    const splitComma = separator === ',';
    // only the first field is padded (perf <= 6.2 prints the time as %6lu.%09lu); authors indent lines
    starts[0] = first;
    while (end(0) > start(0) && text.charCodeAt(end(0) - 1) === 32) ends[0] = end(0) - 1;

    let i = 0;
    let time: number | null = null;
    if (equals(text, 0, 'summary')) {
      i = 1;
    } else {
      const stamp = parseFixedAt(text, start(0), end(0), 'dot');
      if (!Number.isNaN(stamp) && (fixedPoint.decimals === 9 || startsRow(text, 1))) {
        time = stamp;
        i = 1;
      }
    }

    let aggregation: AggregationKey | undefined;
    let aggregationId = '';
    if (!isEmpty(i) && !isCountStart(text, i)) {
      const id = fieldText(text, i);
      aggregation = classifyAggregationId(id) ?? (isThreadId(id) ? 'thread' : undefined);
      if (aggregation === undefined) return time === null && i === 0 ? 'comment' : 'unreadable';
      aggregationId = id;
      i++;
      if (hasAggregationCount(aggregation) && digitsAt(text, i) && isCountStart(text, i + 1)) i++;
    }

    if (isEmpty(i)) return this.keepMetrics && this.readMetricRow(text, time, i) ? 'record' : 'metric';
    let status: CounterStatus = 'counted';
    let value: number | null = null;
    if (equals(text, i, '<not counted>')) {
      status = 'not counted';
    } else if (equals(text, i, '<not supported>')) {
      status = 'not supported';
    } else if (equals(text, i, '<not') && (equals(text, i + 1, 'counted>') || equals(text, i + 1, 'supported>'))) {
      // -x' ' splits perf's `<not counted>` itself
      status = equals(text, i + 1, 'counted>') ? 'not counted' : 'not supported';
      i++;
    } else if (splitComma && digitsAt(text, i + 1) && digitsAt(text, i)) {
      // a unit is never all digits: this is the fraction of a decimal-comma count (`524,10`)
      value = parsePlainNumberAt(text, start(i), end(i + 1));
      i++;
    } else {
      value = parsePlainNumberAt(text, start(i), end(i));
      if (Number.isNaN(value)) return 'unreadable';
    }
    i++;
    if (i >= fieldCount) return 'unreadable';

    // find the runtime and the running percentage, counted from the end
    const base = i;
    const last = fieldCount;
    const runtimeAt = findRuntime(text, base, splitComma);
    const runningPct = runtimeAt === -1 ? null : foundPct;

    let unitField = -1;
    let nameFrom: number;
    let nameTo: number;
    if (runtimeAt !== -1) {
      unitField = base;
      nameFrom = base + 1;
      nameTo = runtimeAt;
      if (splitComma && isSplitVariance(text, runtimeAt - 2) && nameTo - 2 > nameFrom) {
        // `-r` variance `0,78%` split in two by -x,
        nameTo -= 2;
      } else if (isVariance(text, runtimeAt - 1) && nameTo - 1 > nameFrom) {
        nameTo--;
      }
    } else if (last - base === 1) {
      // perf 3.x: count SEP event
      nameFrom = base;
      nameTo = last;
    } else if (isEmpty(base) || KNOWN_UNITS.has(fieldText(text, base))) {
      // count SEP unit SEP event with no runtime (perf 3.x with a unit column, or a cut line)
      unitField = base;
      nameFrom = base + 1;
      nameTo = isVariance(text, last - 1) && last - 1 > nameFrom ? last - 1 : last;
    } else {
      // perf 3.x: count SEP event [SEP cgroup] [SEP variance%]
      nameFrom = base;
      nameTo = isVariance(text, last - 1) && last - 1 > nameFrom ? last - 1 : last;
    }

    // a PMU event spelt with terms (`cpu/event=0x3c,umask=0x0/`) holds `,`: rejoin until `/.../` closes;
    // under -x: the modifiers of `cycles:u` are a field of their own
    let nameLast = nameFrom;
    while (nameLast + 1 < nameTo && isOpenPmuName(text, start(nameFrom), end(nameLast))) nameLast++;
    if (separator === ':') while (nameLast + 1 < nameTo && isModifiers(text, nameLast + 1)) nameLast++;
    if (isEmpty(nameFrom) || !isEventStart(text.charCodeAt(start(nameFrom)))) return 'unreadable';
    const event = this.events.find(text, start(nameFrom), end(nameLast)) ?? this.events.addNamed(text, start(nameFrom), end(nameLast));
    if (event === undefined) return 'unreadable';
    const cgroup = nameLast + 1 < nameTo ? text.slice(start(nameLast + 1), end(nameTo - 1)) : undefined;
    // `msec` on every task-clock row: no new string for it
    const unit = unitField === -1 || isEmpty(unitField) ? '' : equals(text, unitField, 'msec') ? 'msec' : fieldText(text, unitField);
    if (unit !== '' && isDigitCode(unit.charCodeAt(0))) return 'unreadable';

    this.record = makeRecord(time, event, value, unit, status, runningPct, aggregation, aggregationId, cgroup);
    // `runtime pct metric unit`: exactly two fields after the percentage (a decimal-comma metric would
    // be three), or more where the separator is in the unit (`CPUs utilized` under -x' ': findRuntime)
    if (this.keepMetrics && runtimeAt !== -1 && (runtimeAt + 4 === last || (runtimeAt + 4 < last && !splitComma)) && !isEmpty(runtimeAt + 2)) {
      const metric = parseFixedAt(text, start(runtimeAt + 2), end(runtimeAt + 2), 'dot');
      if (Number.isFinite(metric)) {
        this.record.metricValue = metric;
        this.record.metricUnit = text.slice(start(runtimeAt + 3), end(last - 1)).trim();
      }
    }
    return 'record';
  }

  /**
   * The line's record where it is an interval row in perf's own layout (PERF_ROW) of an event seen
   * before; false where it is not, and the fields are walked.
   */
  private readPerfRow(text: string): boolean {
    if (!PERF_ROW.test(text)) return false;
    let from = 0;
    while (text.charCodeAt(from) === 32) from++;
    const countAt = text.indexOf(',', from) + 1;
    const unitAt = text.indexOf(',', countAt) + 1;
    const eventAt = text.indexOf(',', unitAt) + 1;
    const runtimeAt = text.indexOf(',', eventAt) + 1;
    const pctAt = text.indexOf(',', runtimeAt) + 1;
    let pctEnd = text.indexOf(',', pctAt);
    if (pctEnd === -1) pctEnd = text.length;
    // an event not seen yet: the walk reads its row (alike) and keeps its name for the rows after
    const event = this.events.find(text, eventAt, runtimeAt - 1);
    if (event === undefined) return false;
    let status: CounterStatus = 'counted';
    let value: number | null = null;
    if (text.charCodeAt(countAt) === 60) status = text.charCodeAt(countAt + 5) === 99 ? 'not counted' : 'not supported';
    else value = parsePlainNumberAt(text, countAt, unitAt - 1);
    const unit = unitAt + 1 === eventAt ? '' : text.startsWith('msec,', unitAt) ? 'msec' : text.slice(unitAt, eventAt - 1);
    const record = makeRecord(parseFixedAt(text, from, countAt - 1, 'dot'), event, value, unit, status, parseFixedAt(text, pctAt, pctEnd, 'dot'), undefined, '', undefined);
    if (this.keepMetrics && pctEnd < text.length) {
      const unitFrom = text.indexOf(',', pctEnd + 1) + 1;
      const metric = parseFixedAt(text, pctEnd + 1, unitFrom - 1, 'dot');
      if (Number.isFinite(metric)) {
        record.metricValue = metric;
        record.metricUnit = text.slice(unitFrom).trim();
      }
    }
    this.record = record;
    return true;
  }

  /** A metric-only row: empty fields from `from` up to the last two, which hold the value and `UNIT  NAME` (or `NAME`). */
  private readMetricRow(text: string, time: number | null, from: number): boolean {
    const valueAt = fieldCount - 2;
    if (valueAt <= from) return false;
    for (let at = from; at < valueAt; at++) if (!isEmpty(at)) return false;
    const value = parseFixedAt(text, start(valueAt), end(valueAt), 'dot');
    const label = fieldText(text, valueAt + 1).trim();
    if (!Number.isFinite(value) || label === '') return false;
    // perf prints the metric's unit and name in one field, two spaces apart: `%  tma_retiring`
    const split = /^(\S+) {2,}(\S.*)$/.exec(label);
    const record = makeRecord(time, split?.[2] ?? label, null, '', 'counted', null, undefined, '', undefined);
    record.metricValue = value;
    record.metricUnit = split?.[1] ?? '';
    record.isMetricRow = true;
    this.record = record;
    return true;
  }
}

function looksLikeData(text: string, first: number): boolean {
  const code = text.charCodeAt(first);
  return isDigitCode(code) || code === 60;
}

function isCountStart(text: string, i: number): boolean {
  if (isEmpty(i)) return false;
  const code = text.charCodeAt(start(i));
  return isDigitCode(code) || text.startsWith('<not ', start(i));
}

/**
 * After an interval timestamp comes a count or an aggregation id. (Or an empty count on a metric
 * row, but `1.102484,,task-clock` is a count and an empty unit: perf's `%lu.%09lu` settles those.)
 */
function startsRow(text: string, i: number): boolean {
  if (isCountStart(text, i)) return true;
  if (isEmpty(i)) return false;
  const id = fieldText(text, i);
  return classifyAggregationId(id) !== undefined || isThreadId(id);
}

/**
 * Where the runtime may sit, counted from the end, and how many fields the percentage takes:
 * `runtime pct metric unit`, `runtime pct`, and under `-x,` with a decimal comma the percentage
 * split in two (`100`, `00`).
 */
const TAILS: readonly (readonly [number, 1 | 2])[] = [
  [4, 1],
  [2, 1],
];
const TAILS_SPLIT_COMMA: readonly (readonly [number, 1 | 2])[] = [...TAILS, [5, 2], [3, 2]];

/**
 * The running percentage if field `at` is the runtime (an integer) followed by it: one field
 * (`100.00`) or, split by a decimal comma under `-x,`, two (`100`, `00`). NaN otherwise.
 */
function tailPct(text: string, base: number, at: number, width: 1 | 2, splitComma: boolean): number {
  if (at < base + 2 || !digitsAt(text, at)) return Number.NaN;
  const pct = at + 1;
  if (width === 1) return parseFixedAt(text, start(pct), end(pct), splitComma ? 'locale-but-comma' : 'locale');
  if (!digitsAt(text, pct) || length(pct + 1) !== 2 || !digitsAt(text, pct + 1)) return Number.NaN;
  return parsePlainNumberAt(text, start(pct), end(pct + 1));
}

/** The running percentage findRuntime found (beside its index, without an object per row). */
let foundPct = Number.NaN;

/**
 * The field of the runtime, counted from the end (TAILS), with the running percentage after it in
 * foundPct; -1 where there is none. Where the separator is in perf's metric unit (`CPUs utilized`,
 * `of all branches` under -x' '), the unit spans fields: then the runtime is the last field, further
 * left, followed by a percentage and a metric value (an empty field where perf printed none of it).
 * Never under -x, (no unit holds a comma, and there a decimal comma splits numbers instead).
 */
function findRuntime(text: string, base: number, splitComma: boolean): number {
  const last = fieldCount;
  for (const [at, width] of splitComma ? TAILS_SPLIT_COMMA : TAILS) {
    const pct = tailPct(text, base, last - at, width, splitComma);
    if (!Number.isNaN(pct)) {
      foundPct = pct;
      return last - at;
    }
  }
  if (splitComma) return -1;
  for (let at = 5; last - at >= base + 2; at++) {
    const pct = tailPct(text, base, last - at, 1, false);
    // the metric: `0.935`, the `0` perf keeps of `0,935` under a decimal-comma locale, or nothing:
    // perf's CSV printer keeps only the leading digits and points, so a nan (or negative) metric is empty
    const metricAt = last - at + 2;
    if (!Number.isNaN(pct) && (isEmpty(metricAt) || digitsAt(text, metricAt) || Number.isFinite(parseFixedAt(text, start(metricAt), end(metricAt), 'dot')))) {
      foundPct = pct;
      return last - at;
    }
  }
  return -1;
}

/**
 * Whether a CSV row reaches perf's last columns, `runtime SEP pct SEP metric SEP metric-unit` (the
 * metric pair empty or not; the percentage split in two by a decimal comma under `-x,`): then no
 * field of its record can have been cut, only the metric's unit, which a record holds only with
 * `metrics`. Perf 3.x and early 4.x printed no metric columns, so their rows never show it. For a
 * row parse() read as a record with a running percentage: its count, unit and event, never all
 * digits, cannot pass for a runtime, so the tail found from the end is the one parse() found.
 * @example
 * reachesMetricColumns('8536,,page-faults,375771024,100.00,,', ',') // → true
 * reachesMetricColumns('8536,,page-faults,375771024,100.0', ',') // → false
 */
export function reachesMetricColumns(line: string, separator: string): boolean {
  const text = cleanLine(line);
  if (!splitFields(text, separator, separator.charCodeAt(0) === 32 ? skipBlanks(text, 0) : 0)) return false;
  const splitComma = separator === ',';
  for (const [at, width] of splitComma ? TAILS_SPLIT_COMMA : TAILS) {
    // the metric pair: two fields after the percentage
    if (!Number.isNaN(tailPct(text, 0, fieldCount - at, width, splitComma))) return at - width === 3;
  }
  // a metric unit the separator splits (findRuntime): the row ends in it
  return !splitComma && findRuntime(text, 0, false) !== -1;
}

/** `-r` variance, always `%.2f%%`: `3.22%` (`-nan%` when a count is zero in every run). */
function isVariance(text: string, i: number): boolean {
  if (i < 0 || isEmpty(i) || text.charCodeAt(end(i) - 1) !== 37) return false;
  const point = decimalPointIndex(text, true, start(i), end(i) - 1);
  if (point !== -1) return isDigits(text, start(i), point) && isDigits(text, point + 1, end(i) - 1);
  return equals(text, i, 'nan%') || equals(text, i, '-nan%');
}

/** `0,78%` as two fields: digits, then exactly two digits and `%`. */
function isSplitVariance(text: string, i: number): boolean {
  return i >= 0 && digitsAt(text, i) && length(i + 1) === 3 && isDigits(text, start(i + 1), end(i + 1) - 1) && text.charCodeAt(end(i + 1) - 1) === 37;
}

/** perf's event modifiers (`u`, `k`, `ppp`, `uk`, `S`, `D`, `G`, `H`, `I`, `W`, `e`, `b`, `R`, `P`). */
function isModifiers(text: string, i: number): boolean {
  if (isEmpty(i) || length(i) > 8) return false;
  for (let at = start(i); at < end(i); at++) {
    if ('ukhpPSDGHIWebR'.indexOf(text.charAt(at)) === -1) return false;
  }
  return true;
}

/** `cpu/event=0x3c` (one `/`): the rest of the name is in the next fields. */
function isOpenPmuName(text: string, from: number, to: number): boolean {
  const slash = text.indexOf('/', from);
  if (slash <= from || slash >= to) return false;
  const second = text.indexOf('/', slash + 1);
  return second === -1 || second >= to;
}
