/**
 * Output built as bytes in pieces of 64 KiB (or more for one larger write), each handed on whole
 * when the next write would not fit: the writer fills `bytes` from `length` itself, after
 * `reserve`, and no string is made for what it writes. A piece handed on is never written again.
 * @example
 * const out = new ByteBuffer((piece) => process.stdout.write(piece));
 * out.writeText('{"a":1}\n', true);
 * out.spill();
 */
const PIECE_BYTES = 1 << 16;

/**
 * Pieces whose bytes were written out and may be filled again: a piece held until a thread
 * writes it is freed late, and fresh memory costs a page fault per 4 KiB (a fifth of the time
 * spent writing the records into it). Only whole 64 KiB pieces, at most `capacity` of them (16 MiB).
 */
export class PiecePool {
  private readonly free: Buffer[] = [];

  constructor(private readonly capacity = 256) {}

  take(): Buffer | undefined {
    return this.free.pop();
  }

  /** `piece`: a view of a whole 64 KiB ArrayBuffer that nothing reads any more. */
  give(buffer: ArrayBufferLike): void {
    if (buffer.byteLength === PIECE_BYTES && this.free.length < this.capacity) this.free.push(Buffer.from(buffer, 0, PIECE_BYTES));
  }
}

export class ByteBuffer {
  bytes: Buffer;
  /** Bytes of `bytes` written so far. */
  length = 0;

  /** @param pool where new pieces come from (recycled ones), else freshly allocated */
  constructor(
    private readonly onPiece: (piece: Buffer) => void,
    private readonly pieceBytes = PIECE_BYTES,
    private readonly pool?: PiecePool,
  ) {
    this.bytes = this.newPiece(pieceBytes);
  }

  /** Makes room for `count` more bytes at `length`, handing on what is written when they would not fit. */
  reserve(count: number): void {
    if (this.length + count > this.bytes.length) this.spill(count);
  }

  /** `text` as UTF-8; `ascii`: the caller knows it is ASCII (copied as latin1, the same bytes, faster). */
  writeText(text: string, ascii = false): void {
    this.reserve(ascii ? text.length : text.length * 3);
    this.length += this.bytes.write(text, this.length, ascii ? 'latin1' : 'utf8');
  }

  /** Hands on what is written and starts a new piece (of at least `room` bytes). */
  spill(room = 0): void {
    if (this.length === 0 && room <= this.bytes.length) return;
    if (this.length > 0) this.onPiece(this.bytes.subarray(0, this.length));
    // a new piece each time: the one handed on may still be queued in a stream
    this.bytes = this.newPiece(Math.max(this.pieceBytes, room));
    this.length = 0;
  }

  private newPiece(size: number): Buffer {
    return (size === PIECE_BYTES ? this.pool?.take() : undefined) ?? Buffer.allocUnsafe(size);
  }

  /** Drops what is written and not handed on. */
  clear(): void {
    this.length = 0;
  }
}

/** Copies `piece` into `bytes` at `at` with a loop: for a few bytes it beats set()'s call, which costs some 17 ns; returns the end. */
export function copyBytes(bytes: Uint8Array, at: number, piece: Uint8Array): number {
  const length = piece.length;
  for (let index = 0; index < length; index++) bytes[at + index] = piece[index]!;
  return at + length;
}
