import { parsePlainNumber } from './number.ts';
import { cleanLine, skipBlanks, type LineKind } from './perf-stat-line.ts';
import { makeRecord, type MutableRecord } from './perf-stat-record.ts';
import type { AggregationKey, CounterStatus } from './perf-stat-types.ts';

/*
 * perf stat -j: one object a line, but not always valid JSON, so this is a tolerant scanner, not
 * JSON.parse. Seen in the wild: `%f` under a decimal-comma locale (`"pcnt-running" : 100,00`),
 * bare `nan`, a missing comma after `"core" : "S0-D0-C0"` (--per-core without aggregation),
 * metric values quoted (6.5+) or not, blank lines between objects, and metric-only or
 * metricgroup objects with no `counter-value`.
 */

/** Reads perf stat's JSON format, one line (one or more objects) at a time. */
export class JsonLineParser {
  /** Records of the last line that returned `record`. */
  readonly records: MutableRecord[] = [];
  private pos = 0;
  private text = '';

  parse(line: string): LineKind {
    this.records.length = 0;
    const text = cleanLine(line);
    const first = skipBlanks(text, 0);
    if (first === text.length) return 'blank';
    if (text.charCodeAt(first) !== 123) {
      const code = text.charCodeAt(first);
      return code >= 48 && code <= 57 ? 'unreadable' : 'comment';
    }
    this.text = text;
    this.pos = first;
    let kind: LineKind = 'comment';
    while (this.pos < text.length) {
      const found = this.readObject();
      if (found === 'unreadable') return this.records.length > 0 ? 'record' : 'unreadable';
      if (found === 'record' || (found === 'metric' && kind !== 'record')) kind = found;
      this.pos = skipBlanks(text, this.pos);
      if (this.pos < text.length && text.charCodeAt(this.pos) !== 123) break;
    }
    return kind;
  }

  /** Reads the object at `pos` (a `{`); returns what it was. */
  private readObject(): LineKind {
    const text = this.text;
    let i = this.pos + 1;
    let time: number | null = null;
    let count: string | undefined;
    let unit = '';
    let event: string | undefined;
    let runningPct: number | null = null;
    let aggregation: AggregationKey | undefined;
    let aggregationId = '';
    let cgroup: string | undefined;
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
      if (code !== 34) {
        this.pos = text.length;
        return 'unreadable';
      }
      const keyEnd = text.indexOf('"', i + 1);
      if (keyEnd === -1) return this.fail();
      const key = text.slice(i + 1, keyEnd);
      i = skipBlanks(text, keyEnd + 1);
      if (text.charCodeAt(i) !== 58) return this.fail();
      i = skipBlanks(text, i + 1);
      let value: string;
      if (text.charCodeAt(i) === 34) {
        const end = closingQuote(text, i + 1);
        if (end === -1) return this.fail();
        value = text.slice(i + 1, end);
        i = end + 1;
      } else {
        const end = bareEnd(text, i);
        value = text.slice(i, end).trim();
        i = end;
      }
      switch (key) {
        case 'interval':
          time = parsePlainNumber(value);
          if (Number.isNaN(time)) return this.fail();
          perfKeys++;
          break;
        case 'counter-value':
          count = value;
          perfKeys++;
          break;
        case 'unit':
          unit = value;
          break;
        case 'event':
          event = value;
          perfKeys++;
          break;
        case 'pcnt-running': {
          const pct = parsePlainNumber(value);
          runningPct = Number.isNaN(pct) ? null : pct;
          perfKeys++;
          break;
        }
        case 'cpu':
        case 'core':
        case 'socket':
        case 'die':
        case 'node':
        case 'thread':
          aggregation = key;
          aggregationId = value;
          break;
        case 'cache':
        case 'cluster':
          aggregation = 'core';
          aggregationId = value;
          break;
        case 'cgroup':
          cgroup = value;
          break;
        case 'metric-value':
        case 'metric-unit':
        case 'metricgroup':
        case 'event-runtime':
        case 'variance':
          perfKeys++;
          break;
        default:
          break;
      }
    }
    this.pos = i;
    if (count === undefined) return perfKeys > 0 ? 'metric' : 'comment';
    if (event === undefined || event === '') return 'unreadable';
    let status: CounterStatus = 'counted';
    let value: number | null = null;
    if (count === '<not counted>') status = 'not counted';
    else if (count === '<not supported>') status = 'not supported';
    else {
      value = parsePlainNumber(count);
      if (Number.isNaN(value)) return 'unreadable';
    }
    if (aggregation === 'cpu' && !/^\d+$/.test(aggregationId)) return 'unreadable';
    this.records.push(makeRecord(time, event, value, unit, status, runningPct, aggregation, aggregationId, cgroup));
    return 'record';
  }

  private fail(): LineKind {
    this.pos = this.text.length;
    return 'unreadable';
  }
}

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
 * A `,` followed by a digit is a decimal comma (`100,00`), not a separator.
 */
function bareEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 125 || code === 34) return i;
    if (code === 44) {
      const next = skipBlanks(text, i + 1);
      const after = text.charCodeAt(next);
      if (!(after >= 48 && after <= 57) || next !== i + 1) return i;
    }
    i++;
  }
  return i;
}
