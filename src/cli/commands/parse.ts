import { open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { createBoundedLineSplitter, DEFAULT_MAX_LINE_BYTES, type BoundedLineSplitter } from '../../../parsers/bounded-lines.ts';
import { createAggregator, type EventAggregate } from '../../../parsers/aggregate.ts';
import { createPerfStatParser, type PerfFormat, type PerfRecord } from '../../../parsers/perf-stat.ts';
import { UsageError } from '../../errors.ts';
import { jsonHeaderFields, ndjsonHeaderLine } from '../../json-document.ts';

export interface ParseOptions {
  readonly format: PerfFormat | 'auto';
  readonly sep?: string;
  readonly summary?: boolean;
  readonly json?: boolean;
  readonly ndjson?: boolean;
  readonly csv?: boolean;
}

/** Where `parse` reads and writes; tests pass their own streams. */
export interface ParseIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly openFile: (path: string) => Promise<Readable>;
}

const defaultIo: ParseIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  openFile: async (path) => (await open(path, 'r')).createReadStream(),
};

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('read saved perf stat output (human, CSV from -x, JSON from -j) and print its counter rows')
    .argument('[file]', 'a saved perf stat output, or - for stdin', '-')
    .addOption(new Option('--format <format>', 'input format').choices(['auto', 'csv', 'human', 'json']).default('auto'))
    .option('--sep <separator>', 'CSV separator, as given to perf stat -x (default: detected)')
    .option('--summary', 'print one aggregate per event (total, per second, min, max) instead of the rows')
    .addOption(new Option('--json', 'print one JSON document { format, version, perfcell, records|events, skippedLines, perfFormat }').conflicts(['ndjson', 'csv']))
    .addOption(new Option('--ndjson', 'print a header line { format, version, perfcell }, then one JSON object per line (the default)').conflicts(['csv']))
    .option('--csv', 'print a CSV table')
    .action(async (file: string, options: ParseOptions) => {
      await runParse(file, options);
    });
}

/** Reads perf stat output from `file` (or stdin for `-`), line by line, and prints what it holds. */
export async function runParse(file: string, options: ParseOptions, io: ParseIo = defaultIo): Promise<void> {
  if (options.sep === '') throw new UsageError('--sep needs a separator (the one given to perf stat -x)');
  if (options.sep !== undefined && options.format !== 'auto' && options.format !== 'csv') {
    throw new UsageError(`--sep applies to csv input only (drop --sep or pass --format csv, not ${options.format})`);
  }
  const source = file === '-' ? io.stdin : await openInput(file, io);
  const parser = createPerfStatParser({
    format: options.format,
    ...(options.sep === undefined ? {} : { separator: options.sep }),
  });
  const output = new BufferedOutput(io.stdout);
  const mode: OutputMode = options.json === true ? 'json' : options.csv === true ? 'csv' : 'ndjson';
  const printer = options.summary === true ? new SummaryPrinter(output, mode) : new RecordPrinter(output, mode);

  let recordCount = 0;
  // Lines are cut from the bytes by a bounded splitter (linear time; a line over 64 KiB is dropped
  // as it passes, not gathered) and records printed synchronously as they come. Backpressure
  // comes from pausing the input while stdout drains.
  const splitter = createBoundedLineSplitter(DEFAULT_MAX_LINE_BYTES);
  const take = (lines: readonly string[]): void => {
    for (const line of lines) {
      for (const record of parser.push(line)) {
        printer.record(record);
        recordCount++;
      }
    }
  };
  const name = file === '-' ? 'stdin' : file;
  try {
    await new Promise<void>((resolve, reject) => {
      source.on('error', reject);
      source.on('data', (chunk: Buffer | string) => {
        take(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
        // Mostly control bytes in the first 64 KiB: not text at all, so not perf stat output.
        if (isBinary(splitter)) {
          source.destroy();
          reject(new NotTextError(name));
          return;
        }
        output.spill(source);
      });
      source.on('end', () => {
        take(splitter.end());
        resolve();
      });
      // the reader went away (`| head`): stop reading, quietly
      io.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') return reject(error);
        output.close();
        source.destroy();
        resolve();
      });
      source.resume();
    });
  } catch (error: unknown) {
    if (error instanceof NotTextError) throw error;
    throw new UsageError(`cannot read ${file === '-' ? 'stdin' : file}: ${describeError(error)} (pass a saved perf stat output or - for stdin)`, { cause: error });
  }
  for (const record of parser.end()) {
    printer.record(record);
    recordCount++;
  }
  printer.finish(parser.skippedLines, parser.format);
  await output.flush();

  if (splitter.longLines > 0) {
    const lineWord = splitter.longLines === 1 ? 'line' : 'lines';
    io.stderr.write(`warning: skipped ${splitter.longLines} ${lineWord} of ${name} longer than 64 KiB (no perf stat line is that long; is it the right file?)\n`);
  }
  if (isBinary(splitter, true)) throw new NotTextError(name);
  if (parser.skippedLines > 0) {
    const lineWord = parser.skippedLines === 1 ? 'line' : 'lines';
    io.stderr.write(
      `warning: skipped ${parser.skippedLines} ${lineWord} of ${name} that looked like perf stat data but could not be read (check --format and --sep)\n`,
    );
  }
  if (recordCount === 0) {
    throw new Error(`no perf stat counter rows in ${name} (is it the output of perf stat? try --format)`);
  }
}

/** Input that is mostly not text: exit 1 with one line (main prints `error: …`). */
class NotTextError extends Error {
  override readonly name = 'NotTextError';
  readonly code = 'NOT_TEXT';
  constructor(name: string) {
    super(`${name} is not text (mostly binary bytes), so not perf stat output (pass the file perf stat wrote, or its -o file)`);
  }
}

/** Over 10% control bytes, judged once 64 KiB have come (or at the end for less). */
function isBinary(splitter: BoundedLineSplitter, isEnd = false): boolean {
  if (splitter.totalBytes === 0 || (!isEnd && splitter.totalBytes < 65_536)) return false;
  return splitter.controlBytes / splitter.totalBytes > 0.1;
}

async function openInput(file: string, io: ParseIo): Promise<Readable> {
  try {
    return await io.openFile(file);
  } catch (error: unknown) {
    throw new UsageError(`cannot read ${file}: ${describeError(error)} (pass a saved perf stat output or - for stdin)`, { cause: error });
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message.toLowerCase() : String(error);
  }
}

type OutputMode = 'json' | 'ndjson' | 'csv';

/** Collects output and writes it in large pieces, waiting when stdout pushes back. */
class BufferedOutput {
  private buffer = '';
  private closed = false;

  constructor(private readonly stream: Writable) {}

  write(text: string): void {
    if (!this.closed) this.buffer += text;
  }

  /** The stream is gone: drop everything from now on. */
  close(): void {
    this.closed = true;
    this.buffer = '';
  }

  /** Writes once 64 KiB have gathered; pauses `input` until the stream can take more. */
  spill(input: Readable): void {
    if (this.buffer.length < 65_536 || this.closed) return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.stream.write(text)) {
      input.pause();
      this.stream.once('drain', () => input.resume());
    }
  }

  async flush(): Promise<void> {
    if (this.buffer === '' || this.closed) return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve) => this.stream.once('drain', resolve));
    }
  }
}

const RECORD_COLUMNS = ['time', 'event', 'value', 'unit', 'status', 'runningPct', 'cpu', 'core', 'socket', 'die', 'node', 'thread', 'cgroup'] as const;
const SUMMARY_COLUMNS = ['event', 'unit', 'status', 'total', 'countedSeconds', 'perSecond', 'min', 'max', 'lowestRunningPct', 'samples'] as const;

/** Prints records as they come: NDJSON lines, CSV rows, or the `records` array of one document. */
class RecordPrinter {
  private count = 0;

  constructor(
    private readonly output: BufferedOutput,
    private readonly mode: OutputMode,
  ) {
    if (mode === 'json') output.write(`{${jsonHeaderFields('perfcell-parse-records')}"records":[`);
    if (mode === 'csv') output.write(RECORD_COLUMNS.join(',') + '\n');
  }

  record(record: PerfRecord): void {
    if (this.mode === 'ndjson') {
      // The stream's header line comes with its first record (json-document.ts, NDJSON_FORMATS).
      this.output.write((this.count === 0 ? ndjsonHeaderLine('perfcell-parse-records-ndjson') : '') + recordJson(record) + '\n');
    } else if (this.mode === 'json') {
      this.output.write((this.count === 0 ? '\n' : ',\n') + recordJson(record));
    } else {
      this.output.write(RECORD_COLUMNS.map((column) => csvField(record[column])).join(',') + '\n');
    }
    this.count++;
  }

  finish(skippedLines: number, format: PerfFormat | undefined): void {
    if (this.mode === 'json') {
      this.output.write(`${this.count === 0 ? '' : '\n'}],"skippedLines":${skippedLines},"perfFormat":${JSON.stringify(format ?? null)}}\n`);
    }
  }
}

/** Aggregates every record, and prints one line (or object) per event at the end. */
class SummaryPrinter {
  private readonly aggregator = createAggregator();

  constructor(
    private readonly output: BufferedOutput,
    private readonly mode: OutputMode,
  ) {}

  record(record: PerfRecord): void {
    this.aggregator.add(record);
  }

  finish(skippedLines: number, format: PerfFormat | undefined): void {
    const events = this.aggregator.result();
    if (this.mode === 'json') {
      const body = events.map((event) => JSON.stringify(event)).join(',\n');
      this.output.write(`{${jsonHeaderFields('perfcell-parse-summary')}"events":[${body === '' ? '' : `\n${body}\n`}],"skippedLines":${skippedLines},"perfFormat":${JSON.stringify(format ?? null)}}\n`);
    } else if (this.mode === 'ndjson') {
      if (events.length > 0) this.output.write(ndjsonHeaderLine('perfcell-parse-summary-ndjson'));
      for (const event of events) this.output.write(JSON.stringify(event) + '\n');
    } else {
      this.output.write(SUMMARY_COLUMNS.join(',') + '\n');
      for (const event of events) this.output.write(SUMMARY_COLUMNS.map((column) => csvField(summaryCell(event, column))).join(',') + '\n');
    }
  }
}

function summaryCell(event: EventAggregate, column: (typeof SUMMARY_COLUMNS)[number]): string | number | null {
  return column === 'samples' ? event.samples.length : event[column];
}

const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `JSON.stringify(text)`, without its cost for the printable ASCII that event names are. */
function jsonString(text: string): string {
  return PLAIN_JSON_STRING.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * `JSON.stringify(record)` for a record as the parser makes them (keys in PerfRecord order),
 * byte for byte, at a fraction of the cost: `perfcell parse` prints millions of them.
 */
function recordJson(record: PerfRecord): string {
  let json = `{"time":${record.time},"event":${jsonString(record.event)},"value":${record.value},"unit":${jsonString(record.unit)},"status":"${record.status}","runningPct":${record.runningPct}`;
  if (record.cpu !== undefined) json += `,"cpu":${record.cpu}`;
  if (record.core !== undefined) json += `,"core":${jsonString(record.core)}`;
  if (record.socket !== undefined) json += `,"socket":${jsonString(record.socket)}`;
  if (record.die !== undefined) json += `,"die":${jsonString(record.die)}`;
  if (record.node !== undefined) json += `,"node":${jsonString(record.node)}`;
  if (record.thread !== undefined) json += `,"thread":${jsonString(record.thread)}`;
  if (record.cgroup !== undefined) json += `,"cgroup":${jsonString(record.cgroup)}`;
  return json + '}';
}

/** A CSV field: empty for null/undefined, quoted when it holds a comma, quote or line break. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
