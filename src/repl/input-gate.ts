import { EventEmitter } from 'node:events';
import type { ReadStream } from 'node:tty';

const CTRL_C = 0x03;
const CTRL_Z = 0x1a;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The REPL's input, passed through a gate: while a measured command runs (its window opens and
 * closes asynchronously, around perf's acks), typed or pasted input waits here, a line at a time,
 * so the next line is not evaluated before the previous report and prompt are out. Ctrl-C
 * (byte 0x03, in raw mode) is let through at once: it is how a top-level await is interrupted.
 * Looks enough like a TTY ReadStream for readline: `isTTY`, `isRaw`, `setRawMode`, pause/resume.
 * Ctrl-Z (byte 0x1a, in raw mode) is what readline answers by stopping this process (SIGTSTP):
 * `beforeSuspendKey` listeners hear it just before readline gets it.
 */
export class InputGate extends EventEmitter {
  readonly isTTY: boolean;
  private readonly held: Buffer[] = [];
  private closed = false;
  private holding = false;
  private paused = false;
  /** The last byte the source gave, null before any. */
  private lastByte: number | null = null;
  private readonly suspendKeyListeners: (() => void)[] = [];

  constructor(private readonly source: NodeJS.ReadableStream & Partial<Pick<ReadStream, 'isTTY' | 'isRaw' | 'setRawMode'>>) {
    super();
    this.isTTY = source.isTTY === true;
    source.on('data', (chunk: Buffer | string) => this.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    source.on('end', () => {
      // a last line without its line end is a line, as node -i takes it: ended here, so that it is
      // held and run like the others before the REPL closes (it was dropped without a word)
      if (this.lastByte !== null && this.lastByte !== LF && this.lastByte !== CR) this.push(Buffer.from([LF]));
      this.closed = true;
      this.pump();
    });
    source.on('error', (error: unknown) => this.emit('error', error));
  }

  get isRaw(): boolean {
    return this.source.isRaw === true;
  }

  setRawMode(mode: boolean): this {
    this.source.setRawMode?.(mode);
    return this;
  }

  /**
   * Holds input from now on (a command started); 'hold' is emitted. A Ctrl-C already here, right
   * after the line that started the command, is let through as one that comes while it runs: a long
   * line reaches the terminal's reader in pieces, and a Ctrl-C typed some ms after its Enter came in
   * the piece with its end, so it was held behind the command (a 2 s await ran its 2 s) and read at
   * the prompt after it ('(To exit, press Ctrl+C again …)'). Let through on the next tick: readline is
   * still reading the line's Enter here, and its key reader cannot be entered again.
   */
  hold(): void {
    this.holding = true;
    this.emit('hold');
    const first = this.held[0];
    let count = 0;
    while (first !== undefined && first[count] === CTRL_C) count++;
    if (first === undefined || count === 0) return;
    if (count === first.length) this.held.shift();
    else this.held[0] = first.subarray(count);
    process.nextTick(() => this.emit('data', Buffer.alloc(count, CTRL_C)));
  }

  /** Lets held input through again, a line at a time (the prompt is out); 'release' is emitted first. */
  release(): void {
    this.holding = false;
    this.emit('release');
    this.pump();
  }

  pause(): this {
    this.paused = true;
    this.source.pause();
    return this;
  }

  resume(): this {
    this.paused = false;
    this.source.resume();
    this.pump();
    return this;
  }

  /** Calls `listener` for every chunk the source gives (a keystroke, a paste), held or not: a chunk of Ctrl-Z alone not (see beforeSuspendKey). */
  onInput(listener: () => void): void {
    this.source.on('data', (chunk: Buffer | string) => {
      if (!(chunk.length === 1 && (typeof chunk === 'string' ? chunk.charCodeAt(0) : chunk[0]) === CTRL_Z)) listener();
    });
  }

  /**
   * Calls `listener` right before input holding Ctrl-Z in raw mode goes on to readline, which stops
   * this process (SIGTSTP) as it reads it: the last moment this process runs before it is stopped.
   */
  beforeSuspendKey(listener: () => void): void {
    this.suspendKeyListeners.push(listener);
  }

  private push(chunk: Buffer): void {
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] ?? null;
    if (this.holding && chunk.includes(CTRL_C)) {
      this.emit('data', Buffer.from([CTRL_C]));
      chunk = Buffer.from(chunk.filter((byte) => byte !== CTRL_C));
    }
    if (chunk.length > 0) this.held.push(chunk);
    this.pump();
  }

  /** Emits held data up to and including each line end, stopping as soon as a line starts a command. */
  private pump(): void {
    while (!this.paused && !this.holding && this.held.length > 0) {
      const chunk = this.held[0] as Buffer;
      const end = lineEnd(chunk);
      if (end === chunk.length) this.held.shift();
      else this.held[0] = chunk.subarray(end);
      const piece = chunk.subarray(0, end);
      if (this.isRaw && piece.includes(CTRL_Z)) for (const listener of this.suspendKeyListeners) listener();
      this.emit('data', piece);
    }
    if (this.closed && this.held.length === 0 && !this.holding) {
      this.closed = false;
      this.emit('end');
    }
  }
}

/** Index just past the first line end (CR, LF or CR LF), or the chunk's length. */
function lineEnd(chunk: Buffer): number {
  for (let index = 0; index < chunk.length; index++) {
    const byte = chunk[index];
    if (byte === LF) return index + 1;
    if (byte === CR) return chunk[index + 1] === LF ? index + 2 : index + 1;
  }
  return chunk.length;
}
