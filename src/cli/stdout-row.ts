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

/** The last character of a chunk as write() takes it (a string or bytes); undefined for an empty one. */
function lastCharacter(chunk: unknown): string | undefined {
  if (typeof chunk === 'string') return chunk.length === 0 ? undefined : chunk.charAt(chunk.length - 1);
  if (chunk instanceof Uint8Array) return chunk.length === 0 ? undefined : String.fromCharCode(chunk[chunk.length - 1]!);
  return undefined;
}

/**
 * Watches `stream.write` (process.stdout by default) for rows left open.
 * @example const row = watchStdoutRow(); process.stdout.write('partial'); row.isMidRow() // true
 */
export function watchStdoutRow(stream: NodeJS.WriteStream = process.stdout): StdoutRow {
  const original = stream.write;
  let isOpen = false;
  const write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const last = lastCharacter(chunk);
    if (last !== undefined) isOpen = last !== '\n';
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
