import type { AggregationKey, CounterStatus, PerfRecord } from './perf-stat-types.ts';

/** A record while its line parser still owns it: a human continuation line may add `runningPct`. */
export type MutableRecord = { -readonly [K in keyof PerfRecord]: PerfRecord[K] };

/**
 * Builds a record with its keys in one order (time, event, value, unit, status, runningPct,
 * aggregation column, cgroup), so every record of a stream has the same shape.
 */
export function makeRecord(
  time: number | null,
  event: string,
  value: number | null,
  unit: string,
  status: CounterStatus,
  runningPct: number | null,
  aggregation: AggregationKey | undefined,
  aggregationId: string,
  cgroup: string | undefined,
): MutableRecord {
  const record: MutableRecord = { time, event, value, unit, status, runningPct };
  if (aggregation !== undefined) {
    if (aggregation === 'cpu') record.cpu = Number(aggregationId.startsWith('CPU') ? aggregationId.slice(3) : aggregationId);
    else record[aggregation] = aggregationId;
  }
  if (cgroup !== undefined) record.cgroup = cgroup;
  return record;
}

const SOCKET = /^S\d+$/;
const DIE = /^S\d+-D\d+$/;
// --per-core S0-D0-C0 (perf <= 5.1: S0-C0), --per-cache S0-D0-L3-ID0, --per-cluster S0-D0-CLS0
const CORE = /^S\d+(?:-D\d+)?-(?:C|CLS|L\d+-ID)\d+$/;
const NODE = /^N\d+$/;
const CPU = /^CPU\d+$/;
const THREAD = /-\d+$/;

/**
 * Which aggregation column an id printed before the count belongs to (`CPU3`, `S0`, `S0-D0`,
 * `S0-D0-C1`, `N0`); undefined for anything else, threads included (see `isThreadId`).
 * Cache and cluster ids are kept under `core`: they are groups of cores and name themselves.
 */
export function classifyAggregationId(id: string): AggregationKey | undefined {
  switch (id.charCodeAt(0)) {
    case 67: // C
      return CPU.test(id) ? 'cpu' : undefined;
    case 78: // N
      return NODE.test(id) ? 'node' : undefined;
    case 83: // S
      if (SOCKET.test(id)) return 'socket';
      if (DIE.test(id)) return 'die';
      return CORE.test(id) ? 'core' : undefined;
    default:
      return undefined;
  }
}

/** `--per-thread` ids are `comm-pid`; comm itself may hold spaces and dashes. */
export function isThreadId(id: string): boolean {
  return THREAD.test(id);
}

/** Aggregation modes whose id is followed by the number of CPUs (or counters) aggregated. */
export function hasAggregationCount(key: AggregationKey): boolean {
  return key === 'socket' || key === 'die' || key === 'core' || key === 'node';
}

/** Units perf prints, from its own events and sysfs `*.unit` files; used only to break ties. */
export const KNOWN_UNITS: ReadonlySet<string> = new Set([
  'msec', 'ns', 'us', 'ms', 's', 'sec',
  'Joules', 'J', 'mJ', 'uJ', 'W', 'Watts', 'mW',
  'B', 'bytes', 'Bytes', 'KiB', 'MiB', 'GiB', 'kB', 'KB', 'MB', 'GB',
  'MB/s', 'GB/s', 'MiB/s', 'GiB/s', 'KB/s',
  'MHz', 'GHz', 'Hz', 'C', '%', 'capacity', 'pages', 'percent',
]);

/** White space and controls of any script (what `\s` matches, and C0 controls). */
function isBlankCode(code: number): boolean {
  if (code <= 32 || code === 0x7f) return true;
  if (code < 0x85) return false;
  return (
    code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/**
 * Could this be an event name as perf prints it? Never starting with a digit, `(`, `<`, `#`, `+`,
 * `-` or `%`, never starting or ending with white space (of any script), never holding `#`.
 */
export function isEventName(name: string): boolean {
  if (name.length === 0) return false;
  const first = name.charCodeAt(0);
  return isEventStart(first) && !isBlankCode(first) && !isBlankCode(name.charCodeAt(name.length - 1)) && name.indexOf('#') === -1;
}

/** First character of an event name: never a digit, `(`, `<`, `#`, `+`, `-` or `%`. */
export function isEventStart(code: number): boolean {
  if (code >= 48 && code <= 57) return false;
  return code !== 40 && code !== 60 && code !== 35 && code !== 43 && code !== 45 && code !== 37 && !Number.isNaN(code);
}

/**
 * The event names a stream has shown, handed out again instead of a new substring per row. perf
 * prints the same events in the same order every interval, so the next name is usually the one
 * after the last. Besides saving an allocation, a cached name is a copy of its own: a substring
 * of a line would keep split2's whole 64 KiB chunk alive for as long as someone keeps the record.
 */
export class EventNames {
  private readonly names: string[] = [];
  private cursor = 0;

  constructor(private readonly capacity = 512) {}

  /** The cached name equal to `text[start, end)`, or undefined. */
  find(text: string, start: number, end: number): string | undefined {
    const names = this.names;
    const count = names.length;
    const length = end - start;
    for (let tries = 0; tries < count; tries++) {
      const name = names[this.cursor] as string;
      this.cursor = this.cursor + 1 === count ? 0 : this.cursor + 1;
      // indexOf, not startsWith: it costs a third less here, and a miss only scans the rest of the line natively
      if (name.length === length && text.indexOf(name, start) === start) return name;
    }
    return undefined;
  }

  /**
   * A copy of the name `text[start, end)`, kept, where it is named as perf names events
   * (isEventName); undefined where it is not. After find(): `find(…) ?? addNamed(…)`.
   */
  addNamed(text: string, start: number, end: number): string | undefined {
    const name = text.slice(start, end);
    return isEventName(name) ? this.add(name) : undefined;
  }

  /** Keeps a copy of `name` (already checked with isEventName) and returns it. */
  add(name: string): string {
    // a flat copy, not a view into the line
    const own = (' ' + name).slice(1);
    if (this.names.length < this.capacity) this.names.push(own);
    else this.names[this.cursor] = own;
    return own;
  }
}

/**
 * Whether perf had `record`'s counter enabled in its interval and never ran it: `<not counted>` at
 * 0.00% (perf 6.1 prints run/enabled; multiplexing's turns as long as the interval). A counter
 * switched off (`--control`, `-D -1`: nothing enabled) reads `<not counted>` at 100.00 instead.
 * The aggregator and the regrouper scale a count past such intervals.
 */
export function isNeverRun(record: PerfRecord): boolean {
  return record.status === 'not counted' && record.runningPct === 0;
}
