import { readSync } from 'node:fs';
import { createBoundedLineSplitter, DEFAULT_MAX_LINE_BYTES, type BoundedLineSplitter } from '../../parsers/bounded-lines.ts';
import {
  createResumePoints,
  historyDependentLines,
  perfStatResumeState,
  pushRecordsTo,
  resumePerfStatParser,
  type PerfRecord,
  type PerfStatParser,
  type PerfStatResumeState,
  type ResumePoints,
} from '../../parsers/perf-stat.ts';
import { ByteBuffer, type PiecePool } from '../render/byte-buffer.ts';
import { RecordPrinter, type OutputMode } from './parse-record-printer.ts';

/*
 * A large file read in pieces ("segments"), each by a parser of its own, so that two threads can
 * share the work (parse-parallel.ts). A segment owns the lines that start inside its byte range.
 * Its parser is resumed from the state the stream's start taught (perfStatResumeState), so it
 * must start where nothing before reaches past: a resume point (for CSV and JSON any line; in
 * human a counter row, which emits the row held before it). So a segment skips its lines before
 * its first resume point, and reads on past its end up to the next resume point after it (the
 * lines the next segment skipped), then emits the row its parser still holds. Every line is read
 * once, by the segment whose parser the sequential one would have read it in, and records come
 * out in the file's order.
 */

/** One segment of a file to read: the lines that start in [from, to). */
export interface SegmentTask {
  readonly index: number;
  readonly from: number;
  /** -1: to the end of the file */
  readonly to: number;
  /** The state its parser starts in. */
  readonly state: PerfStatResumeState;
  readonly mode: OutputMode;
}

export interface SegmentResult {
  readonly index: number;
  /** What its records print as (RecordPrinter, continuing: they follow the stream's first records), in pieces each with an ArrayBuffer of its own. */
  readonly output: readonly Uint8Array[];
  readonly records: number;
  readonly skippedLines: number;
  /** Of skippedLines, the file's last line, cut short (no newline at its end): 0 or 1. */
  readonly skippedCutLines: number;
  /** Lines over 64 KiB among the ones it owns (dropped). */
  readonly longLines: number;
  readonly state: PerfStatResumeState;
  /** Its parser's state at its end: what the next segment's must start in for its reading to hold. */
  readonly endState: PerfStatResumeState;
  /** Whether some line's reading depended on the stream's history (historyDependentLines): then it must be read again in sequence. */
  readonly historyDependent: boolean;
}

const CHUNK_BYTES = 1 << 17;
/** After its end a segment reads on only to the next resume point: usually the next line. */
const EXTENSION_CHUNK_BYTES = 1 << 12;
let chunkBuffer: Buffer | undefined;
const chunkBytes = (): Buffer => (chunkBuffer ??= Buffer.allocUnsafe(CHUNK_BYTES));

/** The first line start at or after `at` (`at` itself when a newline ends the byte before it); -1 when the file ends first. */
export function lineStartAtOrAfter(fd: number, at: number): number {
  if (at === 0) return 0;
  const buffer = chunkBytes();
  // the newline is usually within the first bytes: read a little first
  for (let position = at - 1, size = EXTENSION_CHUNK_BYTES; ; size = buffer.length) {
    const length = readSync(fd, buffer, 0, size, position);
    if (length === 0) return -1;
    const newline = buffer.subarray(0, length).indexOf(0x0a);
    if (newline !== -1) return position + newline + 1;
    position += length;
  }
}

/**
 * Feeds `splitter` the bytes from `from` (a line start) up to the first line start at or after
 * `boundary` (-1: the end of the file), and returns that position, or -1 when the file ended first
 * (then the splitter's last line, if no newline ended it, goes to `onLastLine`).
 */
function readLinesTo(fd: number, from: number, boundary: number, splitter: BoundedLineSplitter, onLine: (line: string) => void, onLastLine: (line: string) => void): number {
  const buffer = chunkBytes();
  for (let position = from; ; ) {
    const length = readSync(fd, buffer, 0, buffer.length, position);
    if (length === 0) {
      for (const line of splitter.end()) onLastLine(line);
      return -1;
    }
    const chunk = buffer.subarray(0, length);
    if (boundary !== -1) {
      const searchFrom = Math.max(position, boundary - 1) - position;
      const newline = searchFrom < length ? chunk.indexOf(0x0a, searchFrom) : -1;
      if (newline !== -1) {
        splitter.pushEach(chunk.subarray(0, newline + 1), onLine);
        return position + newline + 1;
      }
    }
    splitter.pushEach(chunk, onLine);
    position += length;
  }
}

/**
 * Hands on the lines from `from` (a line start) until the first resume point, which it does not
 * hand on; the file's last line, if no newline ended it, to `onLastLine`.
 */
function readToResumePoint(fd: number, from: number, points: ResumePoints, onLine: (line: string) => void, onLastLine: (line: string) => void): void {
  const splitter = createBoundedLineSplitter(DEFAULT_MAX_LINE_BYTES);
  const buffer = chunkBytes();
  let isFound = false;
  const take = (line: string): void => {
    if (isFound) return;
    if (points.test(line)) isFound = true;
    else onLine(line);
  };
  for (let position = from; !isFound; ) {
    const length = readSync(fd, buffer, 0, EXTENSION_CHUNK_BYTES, position);
    if (length === 0) {
      for (const line of splitter.end()) if (!points.test(line)) onLastLine(line);
      return;
    }
    splitter.pushEach(buffer.subarray(0, length), take);
    position += length;
  }
}

/** What a piece's reading dropped that its parser's skippedLines do not say. */
export interface PieceTally {
  /** Lines over 64 KiB among the ones it owns (dropped). */
  readonly longLines: number;
  /** Of the parser's skipped lines, the file's last line, cut short (no newline at its end): 0 or 1. */
  readonly skippedCutLines: number;
}

/**
 * Reads the lines that start in [from, to) through `parser`, from the first resume point among
 * them on (or from the first line, unless `awaitResumePoint`), then the lines after them up to the
 * next resume point, and ends the parser's pending row.
 */
export function readPiece(
  fd: number,
  from: number,
  to: number,
  parser: PerfStatParser,
  points: ResumePoints,
  sink: RecordSink,
  awaitResumePoint: boolean,
): PieceTally {
  const start = lineStartAtOrAfter(fd, from);
  if (start === -1 || (to !== -1 && start >= to)) return { longLines: 0, skippedCutLines: 0 };
  let isResumed = !awaitResumePoint;
  const push = (line: string): void => {
    pushRecordsTo(parser, line, sink);
  };
  // the file's last line, when no newline ended it: its record only where it shows it is whole
  let skippedCutLines = 0;
  const pushLast = (line: string): void => {
    const skippedBefore = parser.skippedLines;
    for (const record of parser.pushLast(line)) sink.record(record);
    if (parser.skippedLines > skippedBefore) skippedCutLines = 1;
  };
  const take = (line: string): void => {
    if (!isResumed) {
      if (!points.test(line)) return;
      isResumed = true;
    }
    push(line);
  };
  const takeLast = (line: string): void => {
    if (isResumed || points.test(line)) pushLast(line);
  };
  // one splitter a thread: it holds nothing between pieces (each ends after a newline, or at the
  // file's end, which ends its last line), and only its first 64 KiB are sniffed for binary bytes
  const splitter = (threadSplitter ??= createBoundedLineSplitter(DEFAULT_MAX_LINE_BYTES));
  const longLinesBefore = splitter.longLines;
  const end = readLinesTo(fd, start, to, splitter, take, takeLast);
  if (isResumed && end !== -1 && parser.format === 'human') readToResumePoint(fd, end, points, push, pushLast);
  for (const record of parser.end()) sink.record(record);
  return { longLines: splitter.longLines - longLinesBefore, skippedCutLines };
}

/** Where a piece's records go. */
export interface RecordSink {
  record(record: PerfRecord): void;
}

let threadSplitter: BoundedLineSplitter | undefined;

/**
 * Ends the stream's first piece, read in sequence through `splitter` and `parser` up to
 * `position` (`endsLine`: its last byte was a newline): reads on to the end of the line under way,
 * then, in human, to the next resume point, judged by the parser itself. Returns where the next
 * segment starts (-1: the file ended) and the state it starts in; the caller ends the parser.
 * The file's last line, if it comes and no newline ended it, goes to `onLastLine`.
 */
export function finishFirstPiece(
  fd: number,
  position: number,
  endsLine: boolean,
  splitter: BoundedLineSplitter,
  parser: PerfStatParser,
  onLine: (line: string) => void,
  onLastLine: (line: string) => void,
): { next: number; state: PerfStatResumeState } {
  const next = endsLine ? position : readLinesTo(fd, position, position + 1, splitter, onLine, onLastLine);
  // taken before the resume point is judged: judging it teaches the reader what the next segment's parser will learn from it
  const state = perfStatResumeState(parser);
  if (state === undefined) throw new Error('parse: segments need the stream\'s format (a bug in its caller)');
  if (next !== -1 && state.format === 'human') readToResumePoint(fd, next, createResumePoints('human', parser), onLine, onLastLine);
  return { next, state };
}

/**
 * Reads one segment with a parser of its own (resumed from task.state), printing its records into
 * bytes: pieces of its own (taken from `pool` where it has some), or `into` (then its output is empty).
 */
export function readSegment(fd: number, task: SegmentTask, into?: ByteBuffer, pool?: PiecePool): SegmentResult {
  const output: Uint8Array[] = [];
  const sink = into ?? new ByteBuffer((piece) => output.push(piece), undefined, pool);
  const printer = new RecordPrinter(sink, task.mode, true);
  const parser = resumePerfStatParser(task.state);
  const points = createResumePoints(task.state.format);
  const { longLines, skippedCutLines } = readPiece(fd, task.from, task.to, parser, points, printer, true);
  // a continuing printer counts from 1
  const records = printer.printed - 1;
  if (into === undefined) sink.spill();
  return {
    index: task.index,
    output,
    records,
    skippedLines: parser.skippedLines,
    skippedCutLines,
    longLines,
    state: task.state,
    endState: perfStatResumeState(parser) ?? task.state,
    historyDependent: historyDependentLines(parser) > 0 || points.historyDependentLines > 0,
  };
}

export function sameResumeState(a: PerfStatResumeState, b: PerfStatResumeState): boolean {
  return a.format === b.format && a.separator === b.separator && a.decimal === b.decimal;
}
