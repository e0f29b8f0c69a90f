import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { ByteBuffer, PiecePool } from '../render/byte-buffer.ts';
import type { SegmentOutput } from './parse-parallel.ts';

/** What `perfcell parse` reads a file with, and writes its output with. */

/** The first piece of a file read in sequence, and the size of each read. */
export const READ_CHUNK_BYTES = 1 << 17;

export async function openFileChunks(path: string): Promise<FileChunks> {
  return new FileChunks(openSync(path, 'r'));
}

/**
 * A file's bytes in 128 KiB pieces, read synchronously into one buffer: a stream's reads would
 * leave the CPU idle between pieces (the next read starts only once a piece is handled) and
 * allocate a buffer per piece. The caller handles each piece before asking for the next.
 */
export class FileChunks implements AsyncIterable<Buffer> {
  /** Bytes read so far. */
  position = 0;
  /** The last byte read was a newline (or none was read). */
  endsLine = true;
  /** A regular file's size when opened; 0 for anything else (a FIFO, a device), which is read in sequence. */
  readonly size: number;

  constructor(readonly fd: number) {
    let size = 0;
    try {
      const stats = fstatSync(fd);
      if (stats.isFile()) size = stats.size;
    } catch {
      // reading will say what is wrong
    }
    this.size = size;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      for (;;) {
        const length = readSync(this.fd, buffer, 0, buffer.length, null);
        if (length === 0) return;
        this.position += length;
        this.endsLine = buffer[length - 1] === 0x0a;
        yield buffer.subarray(0, length);
      }
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * Collects output as bytes (ByteBuffer: records are written into it directly) and writes it in
 * 64 KiB pieces; the input waits while stdout pushes back.
 */
export class BufferedOutput implements SegmentOutput {
  readonly pool = new PiecePool();
  readonly out: ByteBuffer;
  private closed = false;
  /** The stream asked to wait (write returned false) and has not drained yet. */
  private isFull = false;
  /**
   * process.stdout writes synchronously on Linux (a file, a pipe, a terminal): a piece it took
   * with nothing left queued is written out and may be filled again. Another stream may keep it.
   */
  private readonly canReuse: boolean;
  /** Pieces kept back until release() (undefined: written as they fill). */
  private held: Uint8Array[] | undefined;

  constructor(private readonly stream: Writable) {
    this.canReuse = stream === process.stdout;
    this.out = new ByteBuffer(
      (piece) => {
        this.emit(piece);
        if (this.isTaken()) this.pool.give(piece.buffer);
      },
      undefined,
      this.pool,
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** `ascii`: the caller knows `text` is ASCII. */
  write(text: string, ascii = false): void {
    if (this.closed) return;
    this.out.writeText(text, ascii);
  }

  /** Bytes printed elsewhere (a segment's records), after what was written so far. */
  writeBytes(pieces: readonly Uint8Array[]): boolean {
    if (this.closed) return false;
    this.out.spill();
    for (const piece of pieces) this.emit(piece);
    return this.isTaken();
  }

  /** The stream wrote everything it was given, keeping no piece. */
  private isTaken(): boolean {
    return this.canReuse && !this.closed && this.held === undefined && this.stream.writableLength === 0;
  }

  /**
   * Keeps every piece back from the stream until release(): what is printed before the input is
   * judged text must not reach stdout if it is not (NotTextError comes alone). Some 64 KiB of
   * input print more than a piece, so a piece may fill before the judgement.
   */
  hold(): void {
    this.held ??= [];
  }

  /** Writes the pieces held, and from now on each as it fills. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) for (const piece of held) this.emit(piece);
  }

  /** The stream is gone: drop everything from now on. */
  close(): void {
    this.closed = true;
    this.held = undefined;
    this.out.clear();
  }

  /** Resolves once the stream has taken what was written (at once unless it pushed back), or is gone. */
  async drained(): Promise<void> {
    if (!this.isFull || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
    this.isFull = false;
  }

  async flush(): Promise<void> {
    if (!this.closed) this.out.spill();
    await this.drained();
  }

  private emit(piece: Uint8Array): void {
    if (this.closed || piece.length === 0) return;
    if (this.held !== undefined) {
      this.held.push(piece);
      return;
    }
    if (!this.stream.write(piece)) this.isFull = true;
  }
}
