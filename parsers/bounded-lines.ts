/**
 * Splits a byte stream into text lines in time linear in its size and memory bounded by
 * `maxLineBytes`: a line longer than that (no perf line comes near 64 KiB) is dropped as it
 * streams past and counted, never gathered. It also counts the bytes that no text holds (NUL and
 * other control bytes), so a caller can refuse binary input.
 * @example
 * const lines = createBoundedLineSplitter(8);
 * lines.push(Buffer.from('a,1\n0123456789\nb,2')); // ['a,1']
 * lines.end(); // ['b,2'], and lines.longLines === 1
 */
export interface BoundedLineSplitter {
  /** The complete lines in this chunk (a CR before the newline is kept: the perf parser drops it). */
  push(chunk: Buffer): string[];
  /** The last line, if the input did not end with a newline. */
  end(): string[];
  /** Lines dropped for being longer than maxLineBytes. */
  readonly longLines: number;
  readonly totalBytes: number;
  /** Bytes < 0x20 other than tab, LF, CR, FF, and 0x7f. */
  readonly controlBytes: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export function createBoundedLineSplitter(maxLineBytes = DEFAULT_MAX_LINE_BYTES): BoundedLineSplitter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let isSkipping = false;
  let longLines = 0;
  let totalBytes = 0;
  let controlBytes = 0;

  const countControl = (chunk: Buffer): void => {
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index]!;
      if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) || byte === 0x7f) controlBytes++;
    }
  };
  const take = (piece: Buffer): void => {
    if (isSkipping) return;
    if (pendingBytes + piece.length > maxLineBytes) {
      isSkipping = true;
      longLines++;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(piece);
    pendingBytes += piece.length;
  };
  const finishLine = (): string | null => {
    const wasSkipping = isSkipping;
    isSkipping = false;
    const line = wasSkipping ? null : Buffer.concat(pending, pendingBytes).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return line;
  };

  return {
    push(chunk) {
      totalBytes += chunk.length;
      countControl(chunk);
      const lines: string[] = [];
      let start = 0;
      for (let newline = chunk.indexOf(0x0a, start); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
        take(chunk.subarray(start, newline));
        const line = finishLine();
        if (line !== null) lines.push(line);
        start = newline + 1;
      }
      // Copied: a kept subarray would pin the whole chunk.
      if (start < chunk.length) take(Buffer.from(chunk.subarray(start)));
      return lines;
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
  };
}
