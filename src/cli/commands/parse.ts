import { statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { createBoundedLineSplitter, DEFAULT_MAX_LINE_BYTES, SNIFF_BYTES, type BoundedLineSplitter, type WideTextForm } from '../../../parsers/bounded-lines.ts';
import { createPerfStatParser, pushRecordsTo, type PerfFormat } from '../../../parsers/perf-stat.ts';
import { classifyPerfStderr } from '../../../parsers/perf-errors.ts';
import { UsageError } from '../../errors.ts';
import { globalFlags } from '../argv.ts';
import { parseInSegments, SEGMENT_BYTES, stopEarlySegmentWorker, type SegmentTally } from '../parse-parallel.ts';
import { BufferedOutput, FileChunks, openFileChunks } from '../parse-io.ts';
import { RecordPrinter, type OutputMode } from '../parse-record-printer.ts';
import { SummaryPrinter } from '../parse-summary-printer.ts';
import type { TextSpillOptions } from '../text-spill.ts';
import { finishFirstPiece } from '../parse-segments.ts';
import { shellQuote } from '../../render/shell-quote.ts';

export interface ParseOptions {
  readonly format: PerfFormat | 'auto';
  readonly sep?: string;
  readonly summary?: boolean;
  readonly json?: boolean;
  readonly ndjson?: boolean;
  readonly csv?: boolean;
}

/** The pieces of an input, each handled before the next is asked for (so a file's reader may reuse its buffer). */
export type ParseInput = AsyncIterable<Buffer | string>;

export { openFileChunks } from '../parse-io.ts';

/** Where `parse` reads and writes; tests pass their own streams. */
export interface ParseIo {
  readonly stdin: ParseInput;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Opens `path` (throwing ENOENT and the like here); reading errors come from the iteration. */
  readonly openFile: (path: string) => Promise<ParseInput>;
  /** Read a large file's records in segments (parse-parallel.ts); absent: in sequence. */
  readonly segments?: SegmentPolicy | undefined;
  /** Where `--summary --json` and NDJSON keep the samples until they print (text-spill.ts); tests make it small. */
  readonly summarySpill?: TextSpillOptions;
}

/** When and how a file is read in segments: printing records only, from a regular file (openFileChunks). */
export interface SegmentPolicy {
  /** Only when some this many lines are left after the first piece (the stream's start, read in sequence), judged by its lines per byte. */
  readonly minLines: number;
  readonly segmentBytes: number;
  /** The worker thread's file; none: this thread reads the segments (tests). */
  readonly workerUrl: URL | undefined;
  /** Told how a file was read in segments, when it was (tests check that it was). */
  readonly onSegmented?: (report: SegmentTally & { readonly from: number }) => void;
}

/**
 * A worker thread costs ~30 ms to start and then runs cold (its code not yet optimized) for some
 * 100,000 lines: on this VM it earned that back on 400,000 lines of the benchmark's streams but
 * not on 330,000 of captures of every kind one after another, so only a file with more than this
 * left after its first piece is read on two threads.
 */
const SEGMENTED_MIN_LINES = 400_000;
/** The second thread is started before the file is read when it is this large (400,000 lines of CSV's 80 bytes). */
export const EARLY_WORKER_MIN_BYTES = 32 << 20;

let defaultSegments: SegmentPolicy | undefined;

/** The parse lane (lanes/parse.ts) reads large files on two threads, the second running `workerUrl`. */
export function readLargeFilesOnTwoThreads(workerUrl: URL): void {
  defaultSegments = { minLines: SEGMENTED_MIN_LINES, segmentBytes: SEGMENT_BYTES, workerUrl };
}

/**
 * Whether argv is `parse FILE` (with --format, --sep, --json, --ndjson or --csv at most) of a
 * regular file large enough to be read on two threads: then the lane starts the second thread at
 * once. A guess made before commander reads argv: a wrong one costs a thread started for nothing.
 */
export function isLargeFileParse(argv: readonly string[]): boolean {
  const args = argv.slice(2).filter((arg) => !globalFlags.has(arg));
  if (args[0] !== 'parse') return false;
  let file: string | undefined;
  for (let index = 1; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--format' || arg === '--sep') index++;
    else if (arg.startsWith('--format=') || arg.startsWith('--sep=') || arg === '--json' || arg === '--ndjson' || arg === '--csv') continue;
    // --summary, stdin (-), help, a second file: not a large file's records
    else if (arg.startsWith('-') || file !== undefined) return false;
    else file = arg;
  }
  if (file === undefined) return false;
  try {
    const stats = statSync(file);
    return stats.isFile() && stats.size >= EARLY_WORKER_MIN_BYTES;
  } catch {
    return false;
  }
}

const defaultIo: ParseIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  openFile: openFileChunks,
  get segments() {
    return defaultSegments;
  },
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
    // a summary keeps perf's metric column as each event's perfMetric (README: Multiplexing);
    // the records' schema has no field for it, and metric-only rows are not counter rows
    metrics: options.summary === true,
    ...(options.sep === undefined ? {} : { separator: options.sep }),
  });
  const output = new BufferedOutput(io.stdout);
  // nothing reaches stdout before the input is judged text (isBinary): then the error comes alone
  output.hold();
  const mode: OutputMode = options.json === true ? 'json' : options.csv === true ? 'csv' : 'ndjson';
  const printer = options.summary === true ? new SummaryPrinter(output, mode, io.summarySpill) : new RecordPrinter(output.out, mode);

  let recordCount = 0;
  // Lines are cut from the bytes by a bounded splitter (linear time; a line over 64 KiB is dropped
  // as it passes, not gathered) and records printed synchronously as they come. Backpressure
  // comes from pausing the input while stdout drains.
  const splitter = createBoundedLineSplitter(DEFAULT_MAX_LINE_BYTES);
  let lineCount = 0;
  // perf stat's own lines seen while no record has come: an output without counts (--metric-only)
  let hasMetricOnlyLayout = false;
  let hasPerfFooter = false;
  // the start of an input without records, for perf's own error message (perf stat's stderr saved)
  let startText = '';
  const keepStart = (line: string): void => {
    if (!hasMetricOnlyLayout) hasMetricOnlyLayout = isMetricOnlyLayoutLine(line);
    if (!hasPerfFooter) hasPerfFooter = line.includes('seconds time elapsed');
    if (startText.length < PERF_ERROR_BYTES) startText += `${line}\n`;
  };
  const takeLine = (line: string): void => {
    lineCount++;
    if (recordCount === 0) keepStart(line);
    recordCount += pushRecordsTo(parser, line, printer);
  };
  // the input's last line, when no newline ended it: perf ends every line with one, so its record
  // is printed only where its layout shows it whole; a cut one is skipped and counted (pushLast)
  let skippedCutLines = 0;
  const takeLastLine = (line: string): void => {
    lineCount++;
    if (recordCount === 0) keepStart(line);
    const skippedBefore = parser.skippedLines;
    for (const record of parser.pushLast(line)) {
      printer.record(record);
      recordCount++;
    }
    if (parser.skippedLines > skippedBefore) skippedCutLines = 1;
  };
  const name = inputName(file);
  const segments = io.segments;
  const fileInput = segments !== undefined && source instanceof FileChunks && printer instanceof RecordPrinter ? source : undefined;
  /** What the segments after the first piece held, when the file was read in segments. */
  let segmented: SegmentTally | undefined;
  let firstSkipped = 0;
  let writeError: unknown;
  // the reader went away (`| head`): stop reading, quietly
  const onWriteError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') writeError ??= error;
    output.close();
  };
  io.stdout.on('error', onWriteError);
  try {
    for await (const chunk of source) {
      splitter.pushEach(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, takeLine);
      // Mostly control bytes in the first 64 KiB: not text at all, so not perf stat output.
      if (isBinary(splitter)) throw new NotTextError(file, splitter.wideText);
      if (splitter.sniffedBytes >= SNIFF_BYTES) output.release();
      // backpressure: the next piece is read once stdout has taken this one's output
      await output.drained();
      if (output.isClosed) break;
      // a large file, its start read (format known, records printed, judged text): the rest in segments
      if (
        fileInput !== undefined && segments !== undefined && recordCount > 0 && parser.format !== undefined &&
        splitter.sniffedBytes >= SNIFF_BYTES && writeError === undefined &&
        ((fileInput.size - fileInput.position) * lineCount) / fileInput.position >= segments.minLines
      ) {
        const first = finishFirstPiece(fileInput.fd, fileInput.position, fileInput.endsLine, splitter, parser, takeLine, takeLastLine);
        for (const record of parser.end()) {
          printer.record(record);
          recordCount++;
        }
        firstSkipped = parser.skippedLines;
        segmented = { records: 0, skippedLines: 0, skippedCutLines: 0, longLines: 0, segments: 0, inSequenceFrom: undefined };
        if (first.next !== -1) {
          segmented = await parseInSegments({
            fd: fileInput.fd,
            from: first.next,
            size: fileInput.size,
            state: first.state,
            mode,
            segmentBytes: segments.segmentBytes,
            workerUrl: segments.workerUrl,
            parser,
            onRecord: (record) => printer.record(record),
            output,
          });
        }
        segments.onSegmented?.({ ...segmented, from: first.next });
        recordCount += segmented.records;
        break;
      }
    }
    stopEarlySegmentWorker();
    if (!output.isClosed && segmented === undefined) for (const line of splitter.end()) takeLastLine(line);
    if (writeError !== undefined) throw writeError;
  } catch (error: unknown) {
    if (error instanceof NotTextError) throw error;
    throw new UsageError(`cannot read ${inputName(file)}: ${describeError(error)} (pass a saved perf stat output or - for stdin)`, { cause: error });
  }
  if (segmented === undefined) {
    for (const record of parser.end()) {
      printer.record(record);
      recordCount++;
    }
  }
  // under 64 KiB, the input is judged text only now, before anything is printed
  if (isBinary(splitter, true)) throw new NotTextError(file, splitter.wideText);
  output.release();
  // read in segments, the main parser may have read some lines twice (parse-parallel.ts): count each once
  const skippedLines = segmented === undefined ? parser.skippedLines : firstSkipped + segmented.skippedLines;
  // of those, the input's last line, cut short (0 or 1): the first piece's or a segment's
  const cutLines = Math.min(1, skippedCutLines + (segmented?.skippedCutLines ?? 0));
  const longLines = splitter.longLines + (segmented?.longLines ?? 0);
  await printer.finish(skippedLines, parser.format);
  await output.flush();
  if (writeError !== undefined) throw writeError;

  if (longLines > 0) {
    const lineWord = longLines === 1 ? 'line' : 'lines';
    io.stderr.write(`warning: skipped ${longLines} ${lineWord} of ${name} longer than 64 KiB (no perf stat line is that long; is it the right file?)\n`);
  }
  for (const warning of skippedLinesWarnings(name, file === '-', skippedLines, cutLines)) io.stderr.write(`warning: ${warning}\n`);
  // a summary reads metric-only rows too (perfMetric), which alone are no counter rows: it would print nothing
  if (recordCount === 0 || (printer instanceof SummaryPrinter && printer.counterRows === 0)) {
    const perfError = recordCount === 0 ? classifyPerfStderr(startText) : undefined;
    if (perfError !== undefined) throw new Error(`no perf stat counter rows in ${name}: it holds perf's error instead, ${perfError.message}`);
    // perf's footer says it printed all it would only where no line looked like an unread row: a
    // human capture read with --format json (or --sep ;) has the footer and rows this reader skipped
    if (recordCount === 0 && (hasMetricOnlyLayout || (hasPerfFooter && skippedLines === 0))) {
      throw new Error(`no perf stat counter rows in ${name} (perf stat printed no counts in it, as --metric-only does for events without a metric: save its output without --metric-only)`);
    }
    const fix = options.format === 'auto' ? 'try --format' : `it was read as --format ${options.format}: try --format auto`;
    throw new Error(`no perf stat counter rows in ${name} (is it the output of perf stat? ${fix})`);
  }
}

/**
 * What parse says of the lines it skipped: the input's last line cut short (no newline at its end,
 * where perf ends every line with one) is said apart, with its own cause, from lines it could not
 * read, whose cause is the way they were read. `cutLines` (0 or 1) are among `skippedLines`.
 */
function skippedLinesWarnings(name: string, isStdin: boolean, skippedLines: number, cutLines: number): string[] {
  const warnings: string[] = [];
  if (cutLines > 0) {
    const input = isStdin ? 'the input' : 'the file';
    warnings.push(`skipped the last line of ${name}, cut short: it has no newline at its end (${input} was cut, or perf was still writing it? parse it once perf has ended)`);
  }
  const unreadable = skippedLines - cutLines;
  if (unreadable > 0) {
    const lineWord = unreadable === 1 ? 'line' : 'lines';
    const other = cutLines > 0 ? ' other' : '';
    warnings.push(`skipped ${unreadable}${other} ${lineWord} of ${name} that looked like perf stat data but could not be read (check --format and --sep)`);
  }
  return warnings;
}

/** How much of an input without records is searched for perf's error message (which comes first, and is short). */
const PERF_ERROR_BYTES = 16 << 10;

/**
 * A line only perf stat --metric-only prints: its `time` header under -I (`#           time `,
 * ` time,`), which lists no `counts` column, or -j's `{}`. (Its header `Performance counter stats
 * for` is every output's, and one cut after it has no counts either.)
 */
function isMetricOnlyLayoutLine(line: string): boolean {
  // -j --metric-only prints an empty object where no event has a metric
  return line.trim() === '{}' || /^\s*#?\s*time\s*[^\w\s]?\s*$/.test(line);
}

/**
 * Input that is mostly not text: exit 1 with one line (main prints `error: …`). UTF-16 and UTF-32
 * text (what a Windows shell's `>` saves) is said as such, with the conversion that makes it readable.
 */
class NotTextError extends Error {
  override readonly name = 'NotTextError';
  readonly code = 'NOT_TEXT';
  constructor(file: string, wide: WideTextForm | null) {
    super(wide === null ? `${inputName(file)} is not text (mostly binary bytes), so not perf stat output (pass the file perf stat wrote, or its -o file)` : wideTextProblem(file, wide));
  }
}

/** How the input is named in messages: its path, or stdin for `-`. */
function inputName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

function wideTextProblem(file: string, wide: WideTextForm): string {
  // with its byte order mark, iconv's UTF-16 (UTF-32) reads the order from it and drops it
  const from = wide.hasBom ? wide.encoding : `${wide.encoding}${wide.endian === 'little' ? 'LE' : 'BE'}`;
  const iconv = `iconv -f ${from} -t UTF-8`;
  const problem = `is ${wide.encoding} text, not the UTF-8 perf stat writes (saved through a Windows shell's \`>\`?)`;
  if (file === '-') return `stdin ${problem}: convert it on its way in, \`… | ${iconv} | perfcell parse -\``;
  // a name that starts with '-' would be read as an option
  const path = file.startsWith('-') ? `./${file}` : file;
  return `${file} ${problem}: convert it with \`${iconv} ${shellQuote([path])} > ${shellQuote([`${path}.utf8`])}\` and parse that`;
}

/** Over 10% control bytes in the first 64 KiB, judged once they have come (or at the end for less). */
function isBinary(splitter: BoundedLineSplitter, isEnd = false): boolean {
  if (splitter.sniffedBytes === 0 || (!isEnd && splitter.sniffedBytes < SNIFF_BYTES)) return false;
  return splitter.controlBytes / splitter.sniffedBytes > 0.1;
}

async function openInput(file: string, io: ParseIo): Promise<ParseInput> {
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
