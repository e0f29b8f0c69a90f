import { decimalPointIndex, isDigitCode, isDigits, parsePlainNumber } from './number.ts';
import { cleanLine, isDecimalAt, skipBlanks, type LineKind } from './perf-stat-line.ts';
import {
  classifyAggregationId,
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

/** Reads perf stat's CSV format (`-x SEP`), one line at a time. */
export class CsvLineParser {
  /** The row read by the last `parse` that returned `record`. */
  record: MutableRecord | undefined;

  parse(line: string, separator: string): LineKind {
    this.record = undefined;
    const text = cleanLine(line);
    const first = skipBlanks(text, 0);
    if (first === text.length) return 'blank';
    if (text.charCodeAt(first) === 35) return 'comment';
    if (text.indexOf(separator) === -1) return looksLikeData(text, first) ? 'unreadable' : 'comment';
    const fields = text.split(separator);
    const length = fields.length;
    const decimalCommaSplit = separator === ',';

    let i = 0;
    let time: number | null = null;
    const head = (fields[0] ?? '').trim();
    if (head === 'summary') {
      i = 1;
    } else {
      const decimals = isDecimalAt(head, 0, head.length);
      if (decimals > 0 && (decimals === 9 || startsRow((fields[1] ?? '').trim()))) {
        time = Number(head);
        i = 1;
      }
    }

    let aggregation: AggregationKey | undefined;
    let aggregationId = '';
    const idField = fields[i] ?? '';
    if (idField !== '' && !isCountStart(idField)) {
      aggregation = classifyAggregationId(idField) ?? (isThreadId(idField) ? 'thread' : undefined);
      if (aggregation === undefined) return time === null && i === 0 ? 'comment' : 'unreadable';
      aggregationId = idField;
      i++;
      if (hasAggregationCount(aggregation) && isDigits(fields[i] ?? '') && isCountStart(fields[i + 1] ?? '')) i++;
    }

    const countField = fields[i] ?? '';
    if (countField === '') return 'metric';
    let status: CounterStatus = 'counted';
    let value: number | null = null;
    if (countField === '<not counted>') status = 'not counted';
    else if (countField === '<not supported>') status = 'not supported';
    else if (decimalCommaSplit && isDigits(countField) && isDigits(fields[i + 1] ?? '')) {
      // a unit is never all digits: this is the fraction of a decimal-comma count
      value = Number(countField + '.' + fields[i + 1]);
      i++;
    } else {
      value = parsePlainNumber(countField);
      if (Number.isNaN(value)) return 'unreadable';
    }
    i++;
    if (i >= length) return 'unreadable';

    // find the runtime and the running percentage, counted from the end
    const base = i;
    let runtimeAt = -1;
    let pctWidth = 1;
    if (isTail(fields, base, length - 4, 1, decimalCommaSplit)) runtimeAt = length - 4;
    else if (isTail(fields, base, length - 2, 1, decimalCommaSplit)) runtimeAt = length - 2;
    else if (decimalCommaSplit && isTail(fields, base, length - 5, 2, true)) runtimeAt = length - 5;
    else if (decimalCommaSplit && isTail(fields, base, length - 3, 2, true)) runtimeAt = length - 3;
    if (runtimeAt !== -1 && runtimeAt === length - 5) pctWidth = 2;
    else if (runtimeAt !== -1 && runtimeAt === length - 3) pctWidth = 2;

    let unit = '';
    let event: string;
    let cgroup: string | undefined;
    let runningPct: number | null = null;
    if (runtimeAt !== -1) {
      unit = fields[base] ?? '';
      let nameEnd = runtimeAt;
      const beforeRuntime = fields[runtimeAt - 1] ?? '';
      if (decimalCommaSplit && /^\d\d%$/.test(beforeRuntime) && isDigits(fields[runtimeAt - 2] ?? '') && nameEnd - 2 > base + 1) {
        // `-r` variance `0,78%` split in two by -x,
        nameEnd -= 2;
      } else if (isVariance(beforeRuntime) && nameEnd - 1 > base + 1) {
        nameEnd--;
      }
      const name = joinName(fields, base + 1, nameEnd, separator);
      event = name.event;
      cgroup = name.cgroup;
      runningPct =
        pctWidth === 1
          ? parsePlainNumber(fields[runtimeAt + 1] ?? '')
          : Number(`${fields[runtimeAt + 1] ?? ''}.${fields[runtimeAt + 2] ?? ''}`);
    } else if (length - base === 1) {
      // perf 3.x: count SEP event
      event = fields[base] ?? '';
    } else if (fields[base] === '' || KNOWN_UNITS.has(fields[base] ?? '')) {
      // count SEP unit SEP event, no runtime (perf 3.x with a unit column, or a cut line)
      unit = fields[base] ?? '';
      const name = joinName(fields, base + 1, length, separator);
      event = name.event;
      if (name.cgroup !== undefined && !isVariance(name.cgroup)) cgroup = name.cgroup;
    } else {
      // perf 3.x: count SEP event [SEP cgroup] [SEP variance%]
      const end = isVariance(fields[length - 1] ?? '') ? length - 1 : length;
      const name = joinName(fields, base, end, separator);
      event = name.event;
      cgroup = name.cgroup;
    }
    if (event === '' || !isEventStart(event.charCodeAt(0)) || event.indexOf('#') !== -1) return 'unreadable';
    if (unit !== '' && isDigitCode(unit.charCodeAt(0))) return 'unreadable';
    if (runningPct !== null && Number.isNaN(runningPct)) runningPct = null;

    this.record = makeRecord(time, event, value, unit, status, runningPct, aggregation, aggregationId, cgroup);
    return 'record';
  }
}

function looksLikeData(text: string, first: number): boolean {
  const code = text.charCodeAt(first);
  return isDigitCode(code) || code === 60;
}

function isCountStart(field: string): boolean {
  const code = field.charCodeAt(0);
  return isDigitCode(code) || field.startsWith('<not ');
}

/**
 * After an interval timestamp comes a count or an aggregation id. (Or an empty count on a metric
 * row, but `1.102484,,task-clock` is a count and an empty unit: perf's `%lu.%09lu` settles those.)
 */
function startsRow(field: string): boolean {
  if (isCountStart(field)) return true;
  return classifyAggregationId(field) !== undefined || isThreadId(field);
}

/**
 * Is `fields[at]` the runtime (an integer) followed by the running percentage, which is one field
 * (`100.00`) or, split by a decimal comma under `-x,`, two (`100`, `00`), and then nothing or the
 * metric value and unit?
 */
function isTail(fields: readonly string[], base: number, at: number, width: 1 | 2, splitComma: boolean): boolean {
  if (at < base + 2) return false;
  if (!isDigits(fields[at] ?? '')) return false;
  const pct = fields[at + 1] ?? '';
  if (width === 1) {
    const point = decimalPointIndex(pct, !splitComma);
    return point > 0 && isDigits(pct, 0, point) && isDigits(pct, point + 1);
  }
  const fraction = fields[at + 2] ?? '';
  return isDigits(pct) && fraction.length === 2 && isDigits(fraction);
}

/** `-r` variance, always `%.2f%%`: `3.22%` (`-nan%` when a count is zero in every run). */
function isVariance(field: string): boolean {
  return field.endsWith('%') && /^(?:\d+[.,\u066b]\d+|-?nan)%$/.test(field);
}

/**
 * The event name, and the cgroup after it. A PMU event spelt with terms (`cpu/event=0x3c,umask=0x0/`)
 * holds the separator when it is `,`: rejoin fields until its `/.../` closes.
 */
function joinName(fields: readonly string[], from: number, to: number, separator: string): { event: string; cgroup: string | undefined } {
  let event = fields[from] ?? '';
  let j = from + 1;
  while (j < to && isOpenPmuName(event)) event += separator + (fields[j++] ?? '');
  const cgroup = j < to ? fields.slice(j, to).join(separator) : undefined;
  return { event, cgroup };
}

function isOpenPmuName(name: string): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && name.indexOf('/', slash + 1) === -1;
}
