import { monotonicNs } from '../session/clock.ts';

/*
 * Output of this process while a live line may be on the terminal (a REPL command or a cell that
 * prints as it runs): the relay draws its line on the row the cursor is on, so a line written next
 * had landed after the line's text, and stayed there ("live 1.0s  RSS 53.9 MiB  peak 53.9 MiBtick2").
 * Each write to a terminal that starts a line now first erases that row; the relay draws again on
 * the row below at its next redraw. A write in the middle of a line is left alone: the row holds
 * the start of that line too. A program that `run` measures, or that a cell starts, writes to the
 * terminal itself, past any guard: `run`'s and `cells`' lines go on the terminal's last row
 * instead, out of the programs' rows (native/perfcell-live.c), and nothing is erased here; the
 * REPL's stays on the cursor's row, guarded.
 */

const ERASE_ROW = '\r\x1b[K';
const ERASE_ROW_BYTES = Buffer.from(ERASE_ROW, 'latin1');
/** From when a window's line may be on the terminal; null: no window's line is. */
let mayShowFromNs: bigint | null = null;
/** Whether this process's last write to a terminal ended a line. */
let atLineStart = true;
const guarded = new WeakSet<NodeJS.WriteStream>();

/** A window's line may show from `ns` on (the relay's delay after its `open`); null: the line is closed. */
export function liveLineMayShowFrom(ns: bigint | null): void {
  mayShowFromNs = ns;
}

/** Wraps the writes of those of `streams` that are terminals (once each). */
export function guardTerminalOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (stream.isTTY !== true || guarded.has(stream)) continue;
    guarded.add(stream);
    const write = stream.write;
    stream.write = function guardedWrite(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const erases = atLineStart && mayShowFromNs !== null && monotonicNs() >= mayShowFromNs;
      const last = lastByte(chunk);
      if (last !== null) atLineStart = last === 0x0a;
      // one write with the line: a redraw between two would land before the line, on its row
      return (write as (...args: unknown[]) => boolean).call(this, erases ? withErase(chunk, rest[0]) : chunk, ...rest);
    } as typeof stream.write;
  }
}

/** The chunk with the erase before it; a string in an encoding other than UTF-8 is left as it is. */
function withErase(chunk: unknown, encoding: unknown): unknown {
  if (typeof chunk === 'string') return encoding === undefined || typeof encoding === 'function' || encoding === 'utf8' || encoding === 'utf-8' ? ERASE_ROW + chunk : chunk;
  if (chunk instanceof Uint8Array) return Buffer.concat([ERASE_ROW_BYTES, chunk]);
  return chunk;
}

/** The last byte (of a string, its last UTF-16 unit, which is a newline's only as 0x0a); null for an empty chunk. */
export function lastByte(chunk: unknown): number | null {
  if (typeof chunk === 'string') return chunk.length === 0 ? null : chunk.charCodeAt(chunk.length - 1);
  if (chunk instanceof Uint8Array) return chunk.length === 0 ? null : chunk[chunk.length - 1]!;
  return null;
}
