/**
 * Parses cachegrind's output file (`cachegrind.out.PID`, valgrind 3.x): `desc:` lines, `cmd:`,
 * `events:`, then `fl=`/`fn=` headers each followed by rows `LINE COUNT COUNT …`, then `summary:`.
 * The grammar follows valgrind 3.19's cg_annotate: `#` comments and blank lines are skipped, a row
 * may give fewer counts than there are events (the rest are 0), and `.` stands for 0.
 */

/** A simulated cache level as cachegrind describes it in `desc: D1 cache: 32768 B, 64 B, 8-way associative`. */
export interface CacheGeometry {
  /** `I1`, `D1` or `LL` (`L2` in valgrind before 3.6). */
  readonly level: string;
  readonly sizeBytes: number;
  readonly lineSizeBytes: number;
  /** Ways per set: 1 for `direct-mapped`; null for `fully associative`. */
  readonly associativity: number | null;
}

export interface CachegrindProfile {
  /** The profiled command line from `cmd:`; null when the file has none. */
  readonly command: string | null;
  /** Event names in file order, e.g. Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw (Ir alone without --cache-sim). */
  readonly events: readonly string[];
  /** Whole-program count per event: the `summary:` line, or the row sums when it is missing. */
  readonly totals: Readonly<Record<string, number>>;
  /** Sum of all per-line rows per event; equals `totals` for a complete file. */
  readonly rowTotals: Readonly<Record<string, number>>;
  /** False for a file cut short before its `summary:` line. */
  readonly hasSummary: boolean;
  /** Cache levels from the `desc:` lines, in file order. */
  readonly caches: readonly CacheGeometry[];
  /** Every `desc:` line's text, for what is not a cache. */
  readonly descriptions: readonly string[];
}

/** The text is not a cachegrind output file, or is malformed; names the 1-based line. */
export class CachegrindFormatError extends Error {
  override readonly name = 'CachegrindFormatError';
  readonly code = 'CACHEGRIND_FORMAT';
  readonly lineNumber: number;
  readonly line: string;
  constructor(message: string, lineNumber: number, line: string) {
    super(`cachegrind output line ${lineNumber}: ${message}`);
    this.lineNumber = lineNumber;
    this.line = line;
  }
}

const CACHE_DESCRIPTION = /^(\w+) cache:\s+(\d+) B, (\d+) B, (?:(\d+)-way associative|(direct-mapped)|(fully associative))\s*$/;

/**
 * One `desc:` cache line (with or without the `desc:` prefix) as geometry; undefined for other lines.
 * @example parseCacheDescription('desc: D1 cache:         32768 B, 64 B, 8-way associative')
 *   // { level: 'D1', sizeBytes: 32768, lineSizeBytes: 64, associativity: 8 }
 */
export function parseCacheDescription(line: string): CacheGeometry | undefined {
  const match = CACHE_DESCRIPTION.exec(line.replace(/^desc:\s*/, '').trim());
  if (match === null) return undefined;
  const [, level, size, lineSize, ways, directMapped] = match;
  return {
    level: level!,
    sizeBytes: Number(size),
    lineSizeBytes: Number(lineSize),
    associativity: ways !== undefined ? Number(ways) : directMapped !== undefined ? 1 : null,
  };
}

// Digit by digit: files run to megabytes, and Number() would accept '', '1e3' and '0x10'.
function parseCount(field: string): number | undefined {
  if (field === '.') return 0;
  let value = 0;
  for (let i = 0; i < field.length; i++) {
    const digit = field.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return field.length === 0 ? undefined : value;
}

function parseCounts(fields: readonly string[], eventCount: number, lineNumber: number, line: string): number[] {
  if (fields.length > eventCount) {
    throw new CachegrindFormatError(`${fields.length} counts for ${eventCount} events (file corrupt or not from cachegrind)`, lineNumber, line);
  }
  const counts = new Array<number>(eventCount).fill(0);
  fields.forEach((field, index) => {
    const count = parseCount(field);
    if (count === undefined) {
      throw new CachegrindFormatError(`count "${field}" is not a whole number (file corrupt or not from cachegrind)`, lineNumber, line);
    }
    counts[index] = count;
  });
  return counts;
}

function splitFields(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

function toRecord(events: readonly string[], counts: readonly number[]): Record<string, number> {
  return Object.fromEntries(events.map((event, index) => [event, counts[index] ?? 0]));
}

/**
 * Totals per event and cache geometry of a cachegrind output file.
 * @example parseCachegrind('events: Ir\nfl=a.c\nfn=main\n3 10\n4 5\nsummary: 15\n').totals // { Ir: 15 }
 */
export function parseCachegrind(text: string): CachegrindProfile {
  const lines = text.split(/\r?\n/);
  const descriptions: string[] = [];
  const caches: CacheGeometry[] = [];
  let command: string | null = null;
  let events: string[] | null = null;
  let rowSums: number[] = [];
  let summary: number[] | null = null;

  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    if (/^\s*$/.test(line) || line.startsWith('#')) continue;
    if (events === null) {
      if (line.startsWith('desc:')) {
        const description = line.slice('desc:'.length).trim();
        descriptions.push(description);
        const cache = parseCacheDescription(description);
        if (cache !== undefined) caches.push(cache);
      } else if (line.startsWith('cmd:')) {
        command = line.slice('cmd:'.length).trim();
      } else if (line.startsWith('events:')) {
        events = splitFields(line.slice('events:'.length));
        if (events.length === 0) throw new CachegrindFormatError('the events line names no events', lineNumber, line);
        rowSums = new Array<number>(events.length).fill(0);
      } else {
        throw new CachegrindFormatError('expected desc:, cmd: or events: before the counts (is this a cachegrind.out file?)', lineNumber, line);
      }
      continue;
    }
    const eventCount = events.length;
    const first = line.charCodeAt(0);
    if ((first >= 48 && first <= 57) || first === 45 /* - */) {
      // A row: source line number, then the counts.
      const fields = splitFields(line);
      if (!/^-?\d+$/.test(fields[0]!)) {
        throw new CachegrindFormatError(`line number "${fields[0]}" is not a whole number (file corrupt or not from cachegrind)`, lineNumber, line);
      }
      const counts = parseCounts(fields.slice(1), eventCount, lineNumber, line);
      for (let eventIndex = 0; eventIndex < eventCount; eventIndex++) rowSums[eventIndex]! += counts[eventIndex]!;
    } else if (line.startsWith('summary:')) {
      const fields = splitFields(line.slice('summary:'.length));
      if (fields.length !== eventCount) {
        throw new CachegrindFormatError(`summary has ${fields.length} counts for ${eventCount} events`, lineNumber, line);
      }
      summary = parseCounts(fields, eventCount, lineNumber, line);
    } else if (!/^(fl|fi|fe|fn)=/.test(line)) {
      throw new CachegrindFormatError('expected fl=, fn=, a count row or summary: (file corrupt or not from cachegrind)', lineNumber, line);
    }
  }

  if (events === null) throw new CachegrindFormatError('no events line (is this a cachegrind.out file?)', lines.length, '');
  const rowTotals = toRecord(events, rowSums);
  return {
    command,
    events,
    totals: summary === null ? rowTotals : toRecord(events, summary),
    rowTotals,
    hasSummary: summary !== null,
    caches,
    descriptions,
  };
}

/**
 * One profile of several processes' (valgrind --trace-children=yes writes a file per process): the
 * counts summed per event, the command, geometry and descriptions of the first (the program
 * itself, where the files come in the order the processes started), complete where every file is.
 * @example mergeCachegrindProfiles([parseCachegrind('events: Ir\nsummary: 15\n'), parseCachegrind('events: Ir\nsummary: 5\n')]).totals // { Ir: 20 }
 */
export function mergeCachegrindProfiles(profiles: readonly CachegrindProfile[]): CachegrindProfile {
  const [first] = profiles;
  if (first === undefined) throw new Error('no cachegrind profile to merge');
  const events = [...new Set(profiles.flatMap((profile) => profile.events))];
  const sum = (of: (profile: CachegrindProfile) => Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(events.map((event) => [event, profiles.reduce((total, profile) => total + (of(profile)[event] ?? 0), 0)]));
  return {
    ...first,
    events,
    totals: sum((profile) => profile.totals),
    rowTotals: sum((profile) => profile.rowTotals),
    hasSummary: profiles.every((profile) => profile.hasSummary),
  };
}
