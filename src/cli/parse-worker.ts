import { createRequire } from 'node:module';
import type { MessagePort } from 'node:worker_threads';
import { PiecePool } from '../render/byte-buffer.ts';
import { readSegment, type SegmentResult, type SegmentTask } from './parse-segments.ts';

/*
 * The second thread of `perfcell parse` on a large file (parse-parallel.ts): it reads the segments
 * it is sent from the file descriptor it was given and sends back their printed bytes. It runs the
 * parse lane's own file (src/cli/lanes/parse.ts), which starts it instead of the command line
 * when it finds PARSE_WORKER_FLAG among a worker thread's arguments.
 */

/** In a worker thread's process.argv: this thread reads segments (set by parse-parallel.ts). */
export const PARSE_WORKER_FLAG = '--perfcell-parse-worker';

/**
 * What the worker is sent: first the file descriptor it reads (it may start before the file is
 * open), then segments to read, and pieces it sent that were written out, to fill again.
 */
export type ParseWorkerRequest = { readonly fd: number } | SegmentTask | { readonly recycle: readonly ArrayBuffer[] };

/** What the worker sends back: a segment's result, or why it could not read it. */
export type ParseWorkerReply = SegmentResult | { readonly index: number; readonly error: { readonly message: string; readonly code?: string } };

const requireHere = createRequire(import.meta.url);

/**
 * node:worker_threads, loaded on first use (~1.5 ms that a small file's parse need not pay), with
 * require: the lane runs as a vm.Script, in which a dynamic import() fails.
 */
export function workerThreads(): typeof import('node:worker_threads') {
  return requireHere('node:worker_threads') as typeof import('node:worker_threads');
}

/** Whether this is a segment-reading thread (checked before anything loads: the flag first, then the thread). */
export function isParseWorker(): boolean {
  if (!process.argv.includes(PARSE_WORKER_FLAG)) return false;
  const { isMainThread } = workerThreads();
  return !isMainThread;
}

/**
 * Detaches one empty ArrayBuffer, once per thread, before any of parse's code is hot. V8 compiles
 * typed-array code on the promise that no ArrayBuffer was ever detached (a protector); the first
 * buffer a thread transfers (the worker its printed pieces, this thread the pieces it hands back)
 * broke that promise and threw away every function the thread had optimized, at once: each
 * thread then read a segment's lines unoptimized and compiled the parser and the printer again
 * (that 1 MiB segment took 65-70 ms against 9-14 ms warm; trace: node --trace-deopt). Broken at
 * the start, the code is compiled once, with the checks for a detached buffer in it.
 */
export function detachOneBuffer(): void {
  if (isDetached) return;
  isDetached = true;
  const buffer = new ArrayBuffer(0);
  structuredClone(buffer, { transfer: [buffer] });
}

let isDetached = false;

export function runParseWorker(): void {
  detachOneBuffer();
  const port = workerThreads().parentPort as MessagePort;
  let fd = -1;
  const pool = new PiecePool();
  port.on('message', (request: ParseWorkerRequest) => {
    if ('recycle' in request) {
      for (const buffer of request.recycle) pool.give(buffer);
      return;
    }
    if (!('index' in request)) {
      fd = request.fd;
      return;
    }
    const task = request;
    let reply: ParseWorkerReply;
    try {
      reply = readSegment(fd, task, undefined, pool);
    } catch (error: unknown) {
      const code = (error as { code?: unknown } | null)?.code;
      reply = { index: task.index, error: { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) } };
      port.postMessage(reply);
      return;
    }
    // each piece has an ArrayBuffer of its own (ByteBuffer): handed over, not copied
    port.postMessage(reply, reply.output.map((piece) => piece.buffer as ArrayBuffer));
  });
}
