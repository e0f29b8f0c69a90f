import type { PerfRecord } from '../../parsers/perf-stat.ts';
import { copyBytes, type ByteBuffer } from './byte-buffer.ts';

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
  const decimals = exactDecimals(value);
  if (decimals === 0) return String(value);
  const power = POWERS_OF_TEN[decimals]!;
  const scaled = Math.round(value * power);
  const fraction = scaled % power;
  const digits = String(fraction);
  return `${String((scaled - fraction) / power)}.${ZEROS[decimals - digits.length]!}${digits}`;
}

/**
 * For a non-integer 1e-6 ≤ value < 2^53: the fewest decimals k (1 to 9) for which c / 10^k, c the
 * value × 10^k rounded, gives the value back, which is then what `String()` prints; 0 where none
 * does, or where that k's last digit is 0 (k - 1 would have fitted: a case String() keeps).
 */
function exactDecimals(value: number): number {
  for (let decimals = 1; decimals <= 9; decimals++) {
    const power = POWERS_OF_TEN[decimals]!;
    const scaled = Math.round(value * power);
    if (scaled >= EXACT_BELOW) return 0;
    if (scaled / power === value) return (scaled % power) % 10 === 0 ? 0 : decimals;
  }
  return 0;
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

const DIGIT_0 = 48;
/** Integers below this are written from their digits (exact: every one is a double). */
const SAFE_BELOW = 2 ** 53;

/** `n`'s decimal digits at `at` (0 ≤ n < 2^53, an integer); returns the end. */
function writeDigits(bytes: Uint8Array, at: number, n: number): number {
  if (n < 2147483648) return writeSmallDigits(bytes, at, n);
  // two halves in integer arithmetic (a division by 10 in doubles costs several times more): the
  // last 8 digits and the rest, below 2^53 / 10^8 < 2^31; n / 10^8 may round up to the next integer
  let high = Math.floor(n / 1e8);
  let low = n - high * 1e8;
  if (low < 0) {
    high--;
    low += 1e8;
  }
  return writeFixedDigits(bytes, writeSmallDigits(bytes, at, high), low, 8);
}

/** writeDigits for n < 2^31, in integer arithmetic. */
function writeSmallDigits(bytes: Uint8Array, at: number, n: number): number {
  let length = 1;
  while (length < 10 && n >= POWERS_OF_TEN_16[length]!) length++;
  const end = at + length;
  let rest = n | 0;
  for (let position = end - 1; position > at; position--) {
    const quotient = (rest / 10) | 0;
    bytes[position] = DIGIT_0 + rest - quotient * 10;
    rest = quotient;
  }
  bytes[at] = DIGIT_0 + rest;
  return end;
}

const POWERS_OF_TEN_16 = Array.from({ length: 17 }, (_, power) => 10 ** power);

/** `n` (< 10^9) as exactly `width` digits, zeros first, in integer arithmetic; returns the end. */
function writeFixedDigits(bytes: Uint8Array, at: number, n: number, width: number): number {
  let rest = n | 0;
  for (let position = at + width - 1; position >= at; position--) {
    const quotient = (rest / 10) | 0;
    bytes[position] = DIGIT_0 + rest - quotient * 10;
    rest = quotient;
  }
  return at + width;
}

/** The most bytes writeJsonNumber writes (`-1.2345678901234567e-308`). */
export const MAX_NUMBER_BYTES = 32;

/**
 * `jsonNumber(value)` written as bytes at `at` (room for MAX_NUMBER_BYTES); returns the end. An
 * integer below 2^53 and a perf-shaped fraction are written from their digits, anything else from
 * jsonNumber's text.
 */
export function writeJsonNumber(bytes: Uint8Array, at: number, value: number | null): number {
  if (value !== null) {
    if (Number.isInteger(value)) {
      if (value >= 0 && value < SAFE_BELOW) return writeDigits(bytes, at, value);
      if (value < 0 && value > -SAFE_BELOW) {
        bytes[at] = 45;
        return writeDigits(bytes, at + 1, -value);
      }
    } else if (value >= 1e-6 && value < EXACT_BELOW) {
      // as jsonNumber
      const decimals = exactDecimals(value);
      if (decimals > 0) {
        const power = POWERS_OF_TEN[decimals]!;
        const scaled = Math.round(value * power);
        const fraction = scaled % power;
        const end = writeDigits(bytes, at, (scaled - fraction) / power);
        bytes[end] = 46;
        return writeFixedDigits(bytes, end + 1, fraction, decimals);
      }
    }
  }
  const text = jsonNumber(value);
  for (let index = 0; index < text.length; index++) bytes[at + index] = text.charCodeAt(index);
  return at + text.length;
}

/** An event's part of its records' bytes. */
interface EventBytes {
  readonly name: string;
  /** `,"event":"NAME","value":` */
  readonly head: Uint8Array;
  unit: string;
  status: string;
  /** `,"unit":…,"status":…,"runningPct":` of that unit and status */
  tail: Uint8Array;
  /** The tail, that running percentage and the record's end: a record with `pct` copies it whole. */
  tailEnd: Uint8Array;
  /** The running percentage of `tailEnd` (undefined: none yet, so no record has it). */
  pct: number | null | undefined;
  /** The last record's running percentage, when it was not `pct`: a second record with it makes it `pct`. */
  lastPct: number | null | undefined;
  /** The event whose record followed this one's last time: perf prints its events in the same order every interval. */
  next: EventBytes | undefined;
}

/** A Buffer like every piece, so that copying them sees one kind of array. */
const NO_BYTES: Uint8Array = Buffer.alloc(0);
const TIME_KEY = '{"time":';

/**
 * RecordJson written as bytes into a ByteBuffer: no string per line, numbers written from their
 * digits. A record with aggregation columns or a cgroup goes through RecordJson.
 * @example
 * new RecordJsonBytes('}\n').write({ time: 0.1, event: 'page-faults', value: 12, unit: '', status: 'counted', runningPct: 100 }, out)
 * // out gets '{"time":0.1,"event":"page-faults","value":12,"unit":"","status":"counted","runningPct":100}\n'
 */
export class RecordJsonBytes {
  private readonly text: RecordJson;
  private readonly end: Uint8Array;
  private readonly events = new Map<string, EventBytes>();
  private lastEvent: EventBytes | undefined;
  private time: number | null | undefined = undefined;
  /** `{"time":…` in its first `timeHeadLength` bytes, written over when the time changes (no new buffer) */
  private readonly timeHead = Buffer.alloc(TIME_KEY.length + MAX_NUMBER_BYTES);
  private timeHeadLength = 0;

  /** @param end what follows each record: `}\n` for NDJSON, `}` inside a document */
  constructor(end: string) {
    this.timeHead.write(TIME_KEY, 0, 'latin1');
    this.text = new RecordJson(end);
    this.end = Buffer.from(end, 'latin1');
  }

  /** Writes `prefix` (ASCII), then the record's JSON. */
  write(record: PerfRecord, out: ByteBuffer, prefix: Uint8Array = NO_BYTES): void {
    if (
      record.cpu !== undefined || record.core !== undefined || record.socket !== undefined || record.die !== undefined ||
      record.node !== undefined || record.thread !== undefined || record.cgroup !== undefined
    ) {
      out.reserve(prefix.length);
      out.length = copyBytes(out.bytes, out.length, prefix);
      out.writeText(this.text.line(record), false);
      return;
    }
    if (record.time !== this.time) {
      this.time = record.time;
      this.timeHeadLength = writeJsonNumber(this.timeHead, TIME_KEY.length, record.time);
    }
    const event = this.event(record.event);
    const pct = record.runningPct;
    if (event.unit !== record.unit || event.status !== record.status) {
      event.unit = record.unit;
      event.status = record.status;
      event.tail = Buffer.from(`,"unit":${jsonString(record.unit)},"status":"${record.status}","runningPct":`, 'utf8');
      this.keepTailEnd(event, pct);
    } else if (pct !== event.pct) {
      // a percentage that changes row by row (multiplexing) is written each time; one that repeats is kept
      if (pct === event.lastPct) this.keepTailEnd(event, pct);
      else event.lastPct = pct;
    }
    const timeHead = this.timeHead;
    const end = this.end;
    out.reserve(prefix.length + timeHead.length + event.head.length + event.tailEnd.length + end.length + 2 * MAX_NUMBER_BYTES);
    const bytes = out.bytes;
    let at = out.length;
    if (prefix.length > 0) at = copyBytes(bytes, at, prefix);
    // set(): a native copy, some 17 ns a piece, where a loop takes ~1.6 ns a byte; the whole time
    // head is copied (one call) and what follows its text written over the rest
    bytes.set(timeHead, at);
    at += this.timeHeadLength;
    bytes.set(event.head, at);
    at = writeJsonNumber(bytes, at + event.head.length, record.value);
    if (pct === event.pct) {
      bytes.set(event.tailEnd, at);
      out.length = at + event.tailEnd.length;
      return;
    }
    bytes.set(event.tail, at);
    at = writeJsonNumber(bytes, at + event.tail.length, pct);
    out.length = copyBytes(bytes, at, end);
  }

  /** Makes `pct` the event's kept running percentage: its tail, that and the end as one piece. */
  private keepTailEnd(event: EventBytes, pct: number | null): void {
    const tail = event.tail;
    const tailEnd = Buffer.allocUnsafe(tail.length + MAX_NUMBER_BYTES + this.end.length);
    tailEnd.set(tail, 0);
    const at = writeJsonNumber(tailEnd, tail.length, pct);
    event.tailEnd = tailEnd.subarray(0, copyBytes(tailEnd, at, this.end));
    event.pct = pct;
    event.lastPct = undefined;
  }

  /** The event's bytes: usually the one after the last record's event, else found by name. */
  private event(name: string): EventBytes {
    const last = this.lastEvent;
    const next = last?.next;
    if (next !== undefined && next.name === name) return (this.lastEvent = next);
    let event = this.events.get(name);
    if (event === undefined) {
      // status '' matches no record: the first one writes the tail
      event = {
        name,
        head: Buffer.from(`,"event":${jsonString(name)},"value":`, 'utf8'),
        unit: '',
        status: '',
        tail: NO_BYTES,
        tailEnd: NO_BYTES,
        pct: undefined,
        lastPct: undefined,
        next: undefined,
      };
      if (this.events.size < MAX_CACHED) this.events.set(name, event);
    }
    if (last !== undefined) last.next = event;
    return (this.lastEvent = event);
  }
}
