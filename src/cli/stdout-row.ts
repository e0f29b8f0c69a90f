import { lastByte } from '../live/output-guard.ts';

/**
 * Whether what was last written to a stream through its write() ended in the middle of a row: a
 * cell's `process.stdout.write('partial')` had its report start right after it, on the same row
 * ("partialp used 0.3 MiB RAM …", the cell's title misread), on a terminal and off one.
 * Output a cell's child process writes to the file descriptor itself is not seen.
 */
export interface StdoutRow {
  /** True when the last non-empty chunk written did not end with a newline. */
  isMidRow(): boolean;
  /** Puts the stream's own write() back. */
  restore(): void;
}

/**
 * Watches `stream.write` (process.stdout by default) for rows left open.
 * @example const row = watchStdoutRow(); process.stdout.write('partial'); row.isMidRow() // true
 */
export function watchStdoutRow(stream: NodeJS.WriteStream = process.stdout): StdoutRow {
  const original = stream.write;
  let isOpen = false;
  const write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const last = lastByte(chunk);
    if (last !== null) isOpen = last !== 0x0a;
    return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
  } as typeof stream.write;
  stream.write = write;
  return {
    isMidRow: () => isOpen,
    restore() {
      if (stream.write === write) stream.write = original;
    },
  };
}
