import { isAscii } from 'node:buffer';

/**
 * Splits a byte stream into text lines in time linear in its size and memory bounded by
 * `maxLineBytes`: a line longer than that (no perf line comes near 64 KiB) is dropped as it
 * streams past and counted, never gathered. It also counts the bytes that no text holds (NUL and
 * other control bytes) in the first `SNIFF_BYTES` of the input, so a caller can refuse binary input.
 * @example
 * const lines = createBoundedLineSplitter(8);
 * lines.push(Buffer.from('a,1\n0123456789\nb,2')); // ['a,1']
 * lines.end(); // ['b,2'], and lines.longLines === 1
 */
export interface BoundedLineSplitter {
  /** The complete lines in this chunk (a CR before the newline is kept: the perf parser drops it). */
  push(chunk: Buffer): string[];
  /** `push`, handing each line to `onLine` as it is cut instead of gathering them (no array per chunk). */
  pushEach(chunk: Buffer, onLine: (line: string) => void): void;
  /** The last line, if the input did not end with a newline. */
  end(): string[];
  /** Lines dropped for being longer than maxLineBytes. */
  readonly longLines: number;
  readonly totalBytes: number;
  /** Bytes < 0x20 other than tab, LF, CR, FF, and 0x7f, among the first `sniffedBytes`. */
  readonly controlBytes: number;
  /** How many bytes `controlBytes` looked at: the first SNIFF_BYTES of the input, or all of a shorter one. */
  readonly sniffedBytes: number;
  /**
   * The sniffed bytes read as UTF-16 or UTF-32 text (little- or big-endian, with or without a byte
   * order mark), which they are not, being cut at 0x0a bytes: null where they do not look like it.
   */
  readonly wideText: WideTextForm | null;
}

/** A wide text encoding an input is in: UTF-16 or UTF-32, its byte order, and whether it starts with a byte order mark. */
export interface WideTextForm {
  readonly encoding: 'UTF-16' | 'UTF-32';
  readonly endian: 'little' | 'big';
  readonly hasBom: boolean;
}

/**
 * The wide text form of an input's first bytes: a byte order mark (UTF-32's FF FE 00 00 and
 * 00 00 FE FF before UTF-16's FF FE and FE FF), else mostly ASCII as UTF-16 writes it, a NUL at
 * every other byte; null for anything else (UTF-32 without a mark is not told apart).
 * @example wideTextFormOf(Buffer.from('\ufeff1.0,5', 'utf16le'), 0, 0, 12) // { encoding: 'UTF-16', endian: 'little', hasBom: true }
 */
export function wideTextFormOf(first: Uint8Array, nulsAtEven: number, nulsAtOdd: number, sniffedBytes: number): WideTextForm | null {
  const [b0, b1, b2, b3] = [first[0], first[1], first[2], first[3]];
  if (sniffedBytes >= 4 && b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { encoding: 'UTF-32', endian: 'little', hasBom: true };
  if (sniffedBytes >= 4 && b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'UTF-32', endian: 'big', hasBom: true };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'UTF-16', endian: 'little', hasBom: true };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'UTF-16', endian: 'big', hasBom: true };
  const pairs = Math.floor(sniffedBytes / 2);
  if (pairs < 2) return null;
  // ASCII as UTF-16LE: a NUL after every character; as UTF-16BE, before it
  if (nulsAtOdd > 0.9 * pairs && nulsAtEven < 0.1 * pairs) return { encoding: 'UTF-16', endian: 'little', hasBom: false };
  if (nulsAtEven > 0.9 * pairs && nulsAtOdd < 0.1 * pairs) return { encoding: 'UTF-16', endian: 'big', hasBom: false };
  return null;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** Text or not is judged on the first 64 KiB: counting every byte of a 200 MB file would cost more than parsing it. */
export const SNIFF_BYTES = 64 * 1024;

export function createBoundedLineSplitter(maxLineBytes = DEFAULT_MAX_LINE_BYTES): BoundedLineSplitter {
  // the unfinished line: its bytes so far (a line is decoded whole, so a character cut by a chunk border stays whole)
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let isSkipping = false;
  let longLines = 0;
  let totalBytes = 0;
  let controlBytes = 0;
  let nulsAtEven = 0;
  let nulsAtOdd = 0;
  const first = new Uint8Array(4);

  const countControl = (chunk: Buffer): void => {
    const end = Math.min(chunk.length, SNIFF_BYTES - totalBytes);
    for (let index = 0; index < end; index++) {
      const byte = chunk[index]!;
      if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) || byte === 0x7f) controlBytes++;
      if (byte === 0) {
        if ((totalBytes + index) % 2 === 0) nulsAtEven++;
        else nulsAtOdd++;
      }
      if (totalBytes + index < 4) first[totalBytes + index] = byte;
    }
  };
  /** Adds `chunk[from, to)` to the unfinished line; `copy` when it is the chunk's tail (a kept subarray would pin the whole chunk). */
  const take = (chunk: Buffer, from: number, to: number, copy: boolean): void => {
    if (isSkipping || from === to) return;
    if (pendingBytes + (to - from) > maxLineBytes) {
      isSkipping = true;
      longLines++;
      pending = [];
      pendingBytes = 0;
      return;
    }
    const piece = chunk.subarray(from, to);
    pending.push(copy ? Buffer.from(piece) : piece);
    pendingBytes += to - from;
  };
  const finishLine = (): string | null => {
    const wasSkipping = isSkipping;
    isSkipping = false;
    const line = wasSkipping ? null : pending.length === 1 ? pending[0]!.toString('utf8') : Buffer.concat(pending, pendingBytes).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return line;
  };

  /**
   * The lines of `chunk[from, to)`, whole lines only (`to` is a newline): decoded at once, then cut,
   * which gives the strings decoding each line apart would (a newline byte ends any UTF-8 sequence).
   */
  const splitWhole = (chunk: Buffer, from: number, to: number, onLine: (line: string) => void): void => {
    const bytes = chunk.subarray(from, to);
    const ascii = isAscii(bytes);
    // latin1 copies bytes as they are: the same string as UTF-8 for ASCII, at a fraction of the cost
    const text = bytes.toString(ascii ? 'latin1' : 'utf8');
    // where the line that starts at character `lineAt` starts in bytes; only followed when a line may be too long
    let byteAt = from;
    let lineAt = 0;
    const maxChars = ascii ? maxLineBytes : Math.floor(maxLineBytes / 3);
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      let isLong = end - start > maxChars;
      if (isLong && !ascii) {
        // UTF-8 takes 1 to 3 bytes per character here (4 for a pair): count this line's bytes
        while (lineAt < start) {
          byteAt = chunk.indexOf(0x0a, byteAt) + 1;
          lineAt = text.indexOf('\n', lineAt) + 1;
        }
        isLong = (newline === -1 ? to : chunk.indexOf(0x0a, byteAt)) - byteAt > maxLineBytes;
      }
      if (isLong) longLines++;
      else onLine(text.slice(start, end));
      if (newline === -1) return;
      start = newline + 1;
    }
  };

  return {
    push(chunk) {
      const lines: string[] = [];
      this.pushEach(chunk, (line) => lines.push(line));
      return lines;
    },
    pushEach(chunk, onLine) {
      if (totalBytes < SNIFF_BYTES) countControl(chunk);
      totalBytes += chunk.length;
      const first = chunk.indexOf(0x0a);
      if (first === -1) {
        take(chunk, 0, chunk.length, true);
        return;
      }
      take(chunk, 0, first, false);
      const line = finishLine();
      if (line !== null) onLine(line);
      const last = chunk.lastIndexOf(0x0a);
      if (last > first) splitWhole(chunk, first + 1, last, onLine);
      take(chunk, last + 1, chunk.length, true);
    },
    end() {
      if (pendingBytes === 0 && !isSkipping) return [];
      const line = finishLine();
      return line === null ? [] : [line];
    },
    get longLines() {
      return longLines;
    },
    get totalBytes() {
      return totalBytes;
    },
    get controlBytes() {
      return controlBytes;
    },
    get sniffedBytes() {
      return Math.min(totalBytes, SNIFF_BYTES);
    },
    get wideText() {
      return wideTextFormOf(first, nulsAtEven, nulsAtOdd, Math.min(totalBytes, SNIFF_BYTES));
    },
  };
}
