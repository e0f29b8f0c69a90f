import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteBuffer } from '../render/byte-buffer.ts';

/** A piece of one key's text stored in the file (`offset`, `length` in bytes), or kept in memory when the file could not be written. */
type Chunk = { readonly offset: number; readonly length: number } | Buffer;

interface KeyText {
  /** Text not yet stored, and its length in characters. */
  pending: string;
  readonly chunks: Chunk[];
  isEmpty: boolean;
}

export interface TextSpillOptions {
  /** Characters kept in memory over all keys before every key's pending text is stored. Default 1 MiB. */
  readonly memoryChars?: number;
  /** A key's pending text is stored once it has this many characters. Default 60 KiB: a stored piece fits ByteBuffer's 64 KiB pieces, so copying it back takes a recycled one. */
  readonly chunkChars?: number;
  /** Opens the file the text is stored in; default: an unlinked file under the temporary directory. */
  readonly openFile?: () => number;
}

/**
 * Text appended under keys in any interleaving and read back key by key, holding a bounded amount
 * in memory: the rest goes to a file opened on the first store (a small input opens none), already
 * unlinked, so nothing is left behind whatever ends the process. Where no file can be written
 * (a full or read-only temporary directory), the text stays in memory as before.
 */
export class TextSpill {
  private readonly keys = new Map<string, KeyText>();
  private readonly memoryChars: number;
  private readonly chunkChars: number;
  private readonly openFile: () => number;
  private pendingChars = 0;
  private fd: number | undefined;
  private cannotStore = false;
  private fileBytes = 0;
  /**
   * Where text is encoded before it is written, reused: a Buffer made per piece is memory outside
   * the JS heap, freed only when a collection finds it, and some 64 MiB of them gathered first.
   */
  private scratch = Buffer.alloc(0);

  constructor(options: TextSpillOptions = {}) {
    this.memoryChars = options.memoryChars ?? 1 << 20;
    this.chunkChars = options.chunkChars ?? 60 << 10;
    this.openFile = options.openFile ?? openUnlinkedTempFile;
  }

  /** Appends `text` to `key`'s, after `separator` unless `key` has none yet. */
  append(key: string, text: string, separator = ''): void {
    let keyText = this.keys.get(key);
    if (keyText === undefined) {
      keyText = { pending: '', chunks: [], isEmpty: true };
      this.keys.set(key, keyText);
    }
    const piece = keyText.isEmpty ? text : separator + text;
    keyText.isEmpty = false;
    keyText.pending += piece;
    this.pendingChars += piece.length;
    if (keyText.pending.length >= this.chunkChars) this.store(keyText);
    if (this.pendingChars >= this.memoryChars) for (const each of this.keys.values()) this.store(each);
  }

  /** Whether `key` has any text. */
  has(key: string): boolean {
    return this.keys.get(key)?.isEmpty === false;
  }

  /**
   * Copies `key`'s text into `out` in order (bytes read back from the file, then what is still in
   * memory), pausing after each piece so the caller can wait for its reader.
   */
  *copyTo(key: string, out: ByteBuffer): Generator<void> {
    const keyText = this.keys.get(key);
    if (keyText === undefined) return;
    for (const chunk of keyText.chunks) {
      const length = chunk.length;
      out.reserve(length);
      if (Buffer.isBuffer(chunk)) chunk.copy(out.bytes, out.length);
      else this.read(chunk.offset, length, out.bytes, out.length);
      out.length += length;
      yield;
    }
    if (keyText.pending !== '') out.writeText(keyText.pending);
  }

  /** Closes the file (its bytes are freed with it). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private store(keyText: KeyText): void {
    if (keyText.pending === '') return;
    const text = keyText.pending;
    this.pendingChars -= text.length;
    keyText.pending = '';
    if (this.scratch.length < text.length * 3) this.scratch = Buffer.allocUnsafe(Math.max(text.length * 3, this.chunkChars * 3));
    const length = this.scratch.write(text, 0, 'utf8');
    const offset = this.fileBytes;
    if (this.write(this.scratch.subarray(0, length), offset)) {
      keyText.chunks.push({ offset, length });
      this.fileBytes += length;
    } else {
      keyText.chunks.push(Buffer.from(text));
    }
  }

  private write(bytes: Buffer, offset: number): boolean {
    if (this.cannotStore) return false;
    try {
      this.fd ??= this.openFile();
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
      return true;
    } catch {
      // ENOSPC, EROFS, EACCES: keep this and the rest in memory; what was stored stays readable
      this.cannotStore = true;
      return false;
    }
  }

  private read(offset: number, length: number, into: Buffer, at: number): void {
    for (let done = 0; done < length; ) {
      const read = readSync(this.fd!, into, at + done, length - done, offset + done);
      if (read === 0) throw new Error(`the temporary file of samples ended early, at byte ${offset + done} (is the temporary directory full?)`);
      done += read;
    }
  }
}

/** A new file under the temporary directory (TMPDIR), open for reading and writing, its name already removed. */
export function openUnlinkedTempFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'perfcell-spill-'));
  const path = join(dir, 'text');
  try {
    return openSync(path, 'w+', 0o600);
  } finally {
    try {
      unlinkSync(path);
    } finally {
      rmdirSync(dir);
    }
  }
}
