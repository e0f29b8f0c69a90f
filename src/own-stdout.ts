/** perfcell's own stdout while what the user's code writes there goes elsewhere (sendCellStdout). */
export interface OwnStdout {
  /** Writes perfcell's results to the real stdout. */
  write(text: string): boolean;
  /** Gives process.stdout.write back (twice is as once). */
  restore(): void;
}

/**
 * Sends what runs in perfcell's process writes with process.stdout.write (a cell's code, a REPL
 * line's, or a module either loads) to `target`, stderr or nowhere (null), while perfcell's stdout
 * is kept for its own results: the console already went there (cell-evaluator's consoleStdout, the
 * REPL's console under --json), but `process.stdout.write('…')` landed on stdout, in front of
 * `cells --json`'s document (which no JSON reader could then parse), of compare's summary once per
 * run, and among `repl --json`'s lines (a QA pass).
 */
export function sendCellStdout(target: NodeJS.WritableStream | null): OwnStdout {
  const original = process.stdout.write;
  const write = ((chunk: unknown, encodingOrDone?: unknown, done?: unknown): boolean => {
    if (target !== null) return (target.write as (...args: unknown[]) => boolean).call(target, chunk, encodingOrDone, done);
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') process.nextTick(callback as () => void);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = write;
  return {
    write: (text) => original.call(process.stdout, text),
    restore() {
      if (process.stdout.write === write) process.stdout.write = original;
    },
  };
}
