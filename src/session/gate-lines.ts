import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A gate's report lines, read one at a time (native/perfcell-exec.c, perfcell-serve.c). */
export interface GateLines {
  /** The next line, waiting for it; undefined once the pipe has ended with no line left. */
  next(): Promise<string | undefined>;
}

/**
 * Queues the lines of a gate's report pipe (a split2 stream) as they come. The pipe's end, not the
 * gate's exit, says that no more lines come ('exit' can precede the last data); a gate that could
 * not be spawned ends it too.
 */
export function readGateLines(lines: Readable, gate: ChildProcess): GateLines {
  const queue: string[] = [];
  /** Callers waiting for a line, oldest first: each is woken, and the oldest takes it. */
  const waiting: Array<() => void> = [];
  const wake = (): void => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  lines.on('data', (line: string) => {
    queue.push(line);
    wake();
  });
  let ended = false;
  void new Promise<void>((resolve) => {
    lines.once('end', resolve);
    lines.once('error', () => resolve());
    gate.once('error', () => resolve());
  }).then(() => {
    ended = true;
    wake();
  });
  return {
    async next() {
      while (queue.length === 0) {
        if (ended) return undefined;
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
        });
      }
      return queue.shift();
    },
  };
}
