import type { Worker } from 'node:worker_threads';
import { createResumePoints, type PerfRecord, type PerfStatParser, type PerfStatResumeState } from '../../parsers/perf-stat.ts';
import type { ByteBuffer, PiecePool } from '../render/byte-buffer.ts';
import type { OutputMode } from './parse-record-printer.ts';
import { readPiece, readSegment, sameResumeState, type SegmentResult, type SegmentTask } from './parse-segments.ts';
import { detachOneBuffer, PARSE_WORKER_FLAG, workerThreads, type ParseWorkerReply, type ParseWorkerRequest } from './parse-worker.ts';

/*
 * `perfcell parse` of a large file on two threads: the rest of the file after its first piece is
 * cut into segments (parse-segments.ts). A worker thread reads ahead, two segments at a time; this
 * one takes the next segment to write (CSV and JSON print straight into the output) or, while the
 * worker holds it, one further on; printed bytes are written in the file's order. Output as in
 * sequence, byte for byte: each segment's parser starts in the state the previous one ended in,
 * checked as results are written; where one did not, or a line's reading depended on the
 * stream's history, the main parser reads the segments before it again (printing nothing) and the
 * rest of the file in sequence.
 */

/** How many bytes of input a segment holds: some 10,000 lines, ~10 ms of work (larger ones keep more output waiting, on fresh memory). */
export const SEGMENT_BYTES = 1 << 20;
/** Results kept before they are written (8 segments, ~12 MB of output): bounds the memory whichever thread runs ahead. */
const MAX_AHEAD = 8;
/** Segments sent to the worker before it answers: one to read, one waiting. */
const WORKER_QUEUE = 2;

export interface SegmentedInput {
  readonly fd: number;
  /** Where the first segment starts (a line start: the first piece's end). */
  readonly from: number;
  /** The file's size when it was opened: the last segment reads on to the file's end. */
  readonly size: number;
  readonly state: PerfStatResumeState;
  readonly mode: OutputMode;
  readonly segmentBytes?: number;
  /** The file a worker thread runs (the parse lane); none: this thread reads every segment. */
  readonly workerUrl: URL | undefined;
  /** The parser of the first piece, which reads the rest in sequence when segments cannot be read apart. */
  readonly parser: PerfStatParser;
  /** Prints a record of that sequential reading (the records printed so far precede it). */
  readonly onRecord: (record: PerfRecord) => void;
  readonly output: SegmentOutput;
}

export interface SegmentOutput {
  /** Where the segment to write next may print directly. */
  readonly out: ByteBuffer;
  /** Pieces that held written bytes and may be filled again (the output's own, and the ones writeBytes says it took). */
  readonly pool: PiecePool;
  /** Writes the pieces; true when the stream took them at once and keeps none, so they may be filled again. */
  writeBytes(pieces: readonly Uint8Array[]): boolean;
  readonly isClosed: boolean;
  drained(): Promise<void>;
}

export interface SegmentTally {
  records: number;
  skippedLines: number;
  /** Of skippedLines, the file's last line, cut short (no newline at its end): 0 or 1. */
  skippedCutLines: number;
  longLines: number;
  /** How many segments the file was cut into. */
  segments: number;
  /** The first segment that was read in sequence (with the rest) because it could not be read apart. */
  inSequenceFrom: number | undefined;
}

export async function parseInSegments(input: SegmentedInput): Promise<SegmentTally> {
  const segmentBytes = input.segmentBytes ?? SEGMENT_BYTES;
  const count = Math.max(1, Math.ceil((input.size - input.from) / segmentBytes));
  const tasks: SegmentTask[] = Array.from({ length: count }, (_, index) => ({
    index,
    from: input.from + index * segmentBytes,
    to: index === count - 1 ? -1 : input.from + (index + 1) * segmentBytes,
    state: input.state,
    mode: input.mode,
  }));
  const tally: SegmentTally = { records: 0, skippedLines: 0, skippedCutLines: 0, longLines: 0, segments: count, inSequenceFrom: undefined };
  const results = new Map<number, SegmentResult>();
  const helper = startHelper(input.workerUrl, input.fd, results);
  const isTaken = new Uint8Array(count);
  /** The first segment from `from` on that no thread has taken, within MAX_AHEAD of the next to write; -1: none. */
  const untaken = (from: number): number => {
    for (let index = from; index < count && index < nextWrite + MAX_AHEAD; index++) if (isTaken[index] === 0) return index;
    return -1;
  };
  // CSV and JSON segments never depend on what came before them (the state does not change and
  // no line reads by history), so the next one to write can print straight into the output
  const canPrintDirect = input.state.format !== 'human';
  let nextWrite = 0;
  let expected = input.state;
  const account = (result: SegmentResult): void => {
    tally.records += result.records;
    tally.skippedLines += result.skippedLines;
    tally.skippedCutLines += result.skippedCutLines;
    tally.longLines += result.longLines;
    expected = result.endState;
    nextWrite++;
  };
  try {
    while (nextWrite < count) {
      helper?.throwIfFailed();
      const ready = results.get(nextWrite);
      if (ready !== undefined) {
        results.delete(nextWrite);
        if (ready.historyDependent || !sameResumeState(ready.state, expected)) {
          await helper?.stop();
          readOnInSequence(input, tasks, nextWrite, tally);
          return tally;
        }
        if (input.output.writeBytes(ready.output)) {
          // written out: the thread that filled them fills them again
          if (helper?.answered(nextWrite) === true) helper.recycle(ready.output);
          else for (const piece of ready.output) input.output.pool.give(piece.buffer);
        }
        account(ready);
        await input.output.drained();
        if (input.output.isClosed) break;
        continue;
      }
      const lost = helper?.takeLost();
      if (lost !== undefined) {
        results.set(lost, readSegment(input.fd, tasks[lost]!, undefined, input.output.pool));
        continue;
      }
      // the worker reads ahead (its answers wait here); this thread takes the next to write
      if (helper !== undefined && helper.isAlive && helper.queued < WORKER_QUEUE) {
        const index = untaken(nextWrite + 1);
        if (index !== -1) {
          isTaken[index] = 1;
          helper.send(tasks[index]!);
          continue;
        }
      }
      if (canPrintDirect && isTaken[nextWrite] === 0) {
        isTaken[nextWrite] = 1;
        account(readSegment(input.fd, { ...tasks[nextWrite]!, state: expected }, input.output.out));
        await input.output.drained();
        if (input.output.isClosed) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const index = untaken(nextWrite);
      if (index !== -1) {
        isTaken[index] = 1;
        results.set(index, readSegment(input.fd, tasks[index]!, undefined, input.output.pool));
        // let the worker's answers in
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (helper === undefined) throw new Error('parse: no segment to read and none coming (a bug in parse-parallel.ts)');
      await helper.next();
    }
  } finally {
    await helper?.stop();
  }
  return tally;
}

/**
 * Segment `from` could not be read apart: the main parser reads the segments before it again,
 * printing nothing (they were printed), so that it has the history the sequential reading would
 * have, then the rest of the file in sequence, printing it.
 */
function readOnInSequence(input: SegmentedInput, tasks: readonly SegmentTask[], from: number, tally: SegmentTally): void {
  const { parser } = input;
  const format = input.state.format;
  tally.inSequenceFrom = from;
  const ignore = { record: (): void => {} };
  for (let index = 0; index < from; index++) {
    const task = tasks[index]!;
    readPiece(input.fd, task.from, task.to, parser, createResumePoints(format, parser), ignore, true);
  }
  const skippedBefore = parser.skippedLines;
  const piece = readPiece(
    input.fd,
    tasks[from]!.from,
    -1,
    parser,
    createResumePoints(format, parser),
    {
      record(record) {
        input.onRecord(record);
        tally.records++;
      },
    },
    true,
  );
  tally.longLines += piece.longLines;
  tally.skippedLines += parser.skippedLines - skippedBefore;
  tally.skippedCutLines += piece.skippedCutLines;
}

/** The worker thread, seen from here. */
interface Helper {
  readonly isAlive: boolean;
  readonly queued: number;
  send(task: SegmentTask): void;
  /** Whether segment `index`'s result came from it. */
  answered(index: number): boolean;
  /** Hands back pieces it sent, written out, to fill again. */
  recycle(pieces: readonly Uint8Array[]): void;
  /** A segment it was sent but will not answer (it died): this thread reads it. */
  takeLost(): number | undefined;
  /** Resolves at its next answer (or death). */
  next(): Promise<void>;
  throwIfFailed(): void;
  stop(): Promise<void>;
}

/** A worker thread started ahead of its file, and whether it has exited since. */
let early: { readonly worker: Worker; hasExited: boolean } | undefined;

/**
 * Starts the worker thread now, before the command has opened its file: its start-up (~30 ms,
 * and longer to warm up) then overlaps the command's own. parseInSegments takes it.
 */
export function startSegmentWorkerEarly(url: URL): void {
  // this thread hands pieces back to the worker (transferred): see detachOneBuffer
  detachOneBuffer();
  const worker = spawnWorker(url);
  if (worker === undefined) return;
  const started = { worker, hasExited: false };
  worker.once('exit', () => (started.hasExited = true));
  early = started;
}

/** Stops a worker started early that parseInSegments did not take (the file was not read in segments). */
export function stopEarlySegmentWorker(): void {
  const started = early;
  early = undefined;
  if (started !== undefined) void started.worker.terminate();
}

function spawnWorker(url: URL): Worker | undefined {
  try {
    const { Worker } = workerThreads();
    const worker = new Worker(url, { argv: [PARSE_WORKER_FLAG], stdout: true, stderr: true });
    worker.unref();
    // until a helper listens: a thread that fails to start is a thread not had, not a crash
    worker.on('error', () => {});
    return worker;
  } catch {
    // no thread to be had: this one reads everything
    return undefined;
  }
}

function startHelper(url: URL | undefined, fd: number, results: Map<number, SegmentResult>): Helper | undefined {
  if (url === undefined) return undefined;
  detachOneBuffer();
  const started = early;
  early = undefined;
  const worker = started !== undefined && !started.hasExited ? started.worker : spawnWorker(url);
  if (worker === undefined) return undefined;
  worker.postMessage({ fd } satisfies ParseWorkerRequest);
  const sent = new Set<number>();
  const answered = new Set<number>();
  const lost: number[] = [];
  let isAlive = true;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const wakeUp = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const die = (): void => {
    if (!isAlive) return;
    isAlive = false;
    lost.push(...[...sent].sort((a, b) => a - b));
    sent.clear();
    wakeUp();
  };
  worker.on('message', (reply: ParseWorkerReply) => {
    sent.delete(reply.index);
    if ('error' in reply) {
      failure ??= Object.assign(new Error(reply.error.message), reply.error.code === undefined ? {} : { code: reply.error.code });
    } else {
      answered.add(reply.index);
      results.set(reply.index, reply);
    }
    wakeUp();
  });
  worker.on('error', die);
  worker.on('exit', die);
  return {
    get isAlive() {
      return isAlive;
    },
    get queued() {
      return sent.size;
    },
    send(task) {
      sent.add(task.index);
      worker.postMessage(task satisfies ParseWorkerRequest);
    },
    answered: (index) => answered.delete(index),
    recycle(pieces) {
      if (!isAlive) return;
      const buffers = pieces.map((piece) => piece.buffer as ArrayBuffer);
      worker.postMessage({ recycle: buffers } satisfies ParseWorkerRequest, buffers);
    },
    takeLost: () => lost.shift(),
    next: () => new Promise<void>((resolve) => (wake = resolve)),
    throwIfFailed() {
      if (failure !== undefined) throw failure;
    },
    async stop() {
      if (!isAlive) return;
      isAlive = false;
      await worker.terminate();
    },
  };
}
