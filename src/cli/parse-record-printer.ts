import type { PerfFormat, PerfRecord } from '../../parsers/perf-stat.ts';
import { jsonHeaderFields, ndjsonHeaderLine } from '../json-document.ts';
import type { ByteBuffer } from '../render/byte-buffer.ts';
import { RecordJsonBytes } from '../render/perf-record-json.ts';

/** `perfcell parse`'s output forms: one JSON document, NDJSON lines (the default), a CSV table. */
export type OutputMode = 'json' | 'ndjson' | 'csv';

const NEWLINE = Buffer.from('\n');
const COMMA_NEWLINE = Buffer.from(',\n');

const RECORD_COLUMNS = ['time', 'event', 'value', 'unit', 'status', 'runningPct', 'cpu', 'core', 'socket', 'die', 'node', 'thread', 'cgroup'] as const;

/**
 * Prints records as they come: NDJSON lines, CSV rows, or the `records` array of one document.
 * Every form starts with its first record, so an input without any prints nothing and its error
 * comes alone, exit 1 (as a failed hyperfine or perf stat writes no document for `jq` to read).
 * `continuing`: the records follow others already printed (a later piece of a stream read in
 * pieces: parse-segments.ts), so no header and no first-record form.
 */
export class RecordPrinter {
  private count: number;
  private readonly json: RecordJsonBytes;

  constructor(
    private readonly output: ByteBuffer,
    private readonly mode: OutputMode,
    continuing = false,
  ) {
    this.count = continuing ? 1 : 0;
    this.json = new RecordJsonBytes(mode === 'ndjson' ? '}\n' : '}');
  }

  /** How many records it printed (counting the ones before it when continuing). */
  get printed(): number {
    return this.count;
  }

  record(record: PerfRecord): void {
    if (this.count === 0) this.output.writeText(this.header());
    if (this.mode === 'ndjson') {
      this.json.write(record, this.output);
    } else if (this.mode === 'json') {
      this.json.write(record, this.output, this.count === 0 ? NEWLINE : COMMA_NEWLINE);
    } else {
      this.output.writeText(RECORD_COLUMNS.map((column) => csvField(record[column])).join(',') + '\n');
    }
    this.count++;
  }

  /** Ends the document; without a record there is none to end (parse says so on stderr). */
  finish(skippedLines: number, format: PerfFormat | undefined): void {
    if (this.mode === 'json' && this.count > 0) {
      this.output.writeText(`\n],"skippedLines":${skippedLines},"perfFormat":${JSON.stringify(format ?? null)}}\n`);
    }
  }

  /** What goes before the first record; the NDJSON stream's header line comes with it too (json-document.ts, NDJSON_FORMATS). */
  private header(): string {
    if (this.mode === 'ndjson') return ndjsonHeaderLine('perfcell-parse-records-ndjson');
    if (this.mode === 'json') return `{${jsonHeaderFields('perfcell-parse-records')}"records":[`;
    return RECORD_COLUMNS.join(',') + '\n';
  }
}

/** A CSV field: empty for null/undefined, quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
