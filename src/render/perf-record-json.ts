import type { PerfRecord } from '../../parsers/perf-stat.ts';

/*
 * `perfcell parse` prints millions of records as NDJSON: JSON.stringify's text, byte for byte, at a
 * fraction of its cost. What costs is not building a line but writing it: a line of many small
 * pieces takes longer to join into the output than to build, and V8's number-to-text takes
 * ~100 ns for a fraction like 67.54. So a line is four flat pieces, mostly kept from earlier lines,
 * and short decimals are written from their digits.
 */

const ASCII = /^[\x00-\x7f]*$/;
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `JSON.stringify(text)`, without its cost for the printable ASCII that event names are. */
export function jsonString(text: string): string {
  return PLAIN_JSON_STRING.test(text) ? `"${text}"` : JSON.stringify(text);
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];
/** Below 10^15 every decimal is its double's shortest text (DBL_DIG is 15). */
const EXACT_BELOW = 1e15;

/**
 * A number as JSON.stringify writes it (`null` for null, NaN and the infinities), the same text
 * `String()` gives. perf's fractions have at most 9 decimals (`%.2f` counts and percentages,
 * `%lu.%09lu` times): such a value is the decimal `c / 10^k` for the first k where that division
 * gives it back, and, with fewer than 16 digits, that decimal is the shortest text that reads back
 * as the value, which is what `String()` prints. Anything else goes to `String()`.
 * @example
 * jsonNumber(67.54) // → '67.54'
 * jsonNumber(0.10005823) // → '0.10005823'
 * jsonNumber(null) // → 'null'
 */
export function jsonNumber(value: number | null): string {
  if (value === null) return 'null';
  if (Number.isInteger(value) || !(value >= 1e-6 && value < EXACT_BELOW)) return Number.isFinite(value) ? String(value) : 'null';
  for (let decimals = 1; decimals <= 9; decimals++) {
    const power = POWERS_OF_TEN[decimals]!;
    const scaled = Math.round(value * power);
    if (scaled >= EXACT_BELOW) break;
    if (scaled / power === value) {
      const fraction = scaled % power;
      // the first k that fits ends in a digit other than 0 (else k - 1 fitted); String() keeps the odd case
      if (fraction % 10 === 0) break;
      const digits = String(fraction);
      return `${String((scaled - fraction) / power)}.${ZEROS[decimals - digits.length]!}${digits}`;
    }
  }
  return String(value);
}

/**
 * `text` as one piece: a string built by `+` is a tree of its parts, copied part by part each
 * time it is written out, so a piece used on many lines is made flat once (slicing flattens).
 */
function flat(text: string): string {
  return (' ' + text).slice(1);
}

/** How many distinct strings a RecordJson keeps the JSON of (event names, units, ids): bounded for odd inputs. */
const MAX_CACHED = 4096;

/** An event's part of its records' JSON, and the rest of its last record's. */
interface EventJson {
  /** `,"event":"NAME","value":` */
  readonly head: string;
  unit: string;
  status: string;
  runningPct: number | null;
  /** `,"unit":…,"status":…,"runningPct":…` of that unit, status and runningPct */
  tail: string;
  /** The tail with the record's end, for records without aggregation columns. */
  tailEnd: string;
}

/**
 * `JSON.stringify(record)` for records as the parser makes them (keys in PerfRecord order), byte
 * for byte. A stream repeats its time row after row, and each event's name, unit, status and
 * running percentage interval after interval, so a line is mostly pieces kept from earlier ones.
 * @example
 * new RecordJson('}\n').line({ time: 0.1, event: 'page-faults', value: 12, unit: '', status: 'counted', runningPct: 100 })
 * // → '{"time":0.1,"event":"page-faults","value":12,"unit":"","status":"counted","runningPct":100}\n'
 */
export class RecordJson {
  /** No line so far held a character outside ASCII (event names and ids may). */
  isAscii = true;
  private readonly strings = new Map<string, string>();
  private readonly events = new Map<string, EventJson>();
  private time: number | null = null;
  /** `{"time":…` */
  private timeHead = '{"time":null';

  /** @param end what follows each record: `}\n` for NDJSON, `}` inside a document */
  constructor(private readonly end: string) {}

  line(record: PerfRecord): string {
    if (record.time !== this.time) {
      this.time = record.time;
      this.timeHead = flat(`{"time":${jsonNumber(record.time)}`);
    }
    const event = this.event(record.event);
    if (event.unit !== record.unit || event.status !== record.status || event.runningPct !== record.runningPct) {
      event.unit = record.unit;
      event.status = record.status;
      event.runningPct = record.runningPct;
      event.tail = flat(`,"unit":${this.string(record.unit)},"status":"${record.status}","runningPct":${jsonNumber(record.runningPct)}`);
      event.tailEnd = flat(event.tail + this.end);
    }
    const head = this.timeHead + event.head + jsonNumber(record.value);
    if (
      record.cpu === undefined && record.core === undefined && record.socket === undefined && record.die === undefined &&
      record.node === undefined && record.thread === undefined && record.cgroup === undefined
    ) {
      return head + event.tailEnd;
    }
    let json = head + event.tail;
    if (record.cpu !== undefined) json += `,"cpu":${jsonNumber(record.cpu)}`;
    if (record.core !== undefined) json += `,"core":${this.string(record.core)}`;
    if (record.socket !== undefined) json += `,"socket":${this.string(record.socket)}`;
    if (record.die !== undefined) json += `,"die":${this.string(record.die)}`;
    if (record.node !== undefined) json += `,"node":${this.string(record.node)}`;
    if (record.thread !== undefined) json += `,"thread":${this.string(record.thread)}`;
    if (record.cgroup !== undefined) json += `,"cgroup":${this.string(record.cgroup)}`;
    return json + this.end;
  }

  private event(name: string): EventJson {
    let event = this.events.get(name);
    if (event === undefined) {
      // status '' matches no record: the first one writes the tail
      event = { head: flat(`,"event":${this.checked(jsonString(name))},"value":`), unit: '', status: '', runningPct: null, tail: '', tailEnd: '' };
      if (this.events.size < MAX_CACHED) this.events.set(name, event);
    }
    return event;
  }

  private string(text: string): string {
    let json = this.strings.get(text);
    if (json === undefined) {
      json = this.checked(jsonString(text));
      if (this.strings.size < MAX_CACHED) this.strings.set(text, json);
    }
    return json;
  }

  private checked(json: string): string {
    if (this.isAscii && !ASCII.test(json)) this.isAscii = false;
    return json;
  }
}
