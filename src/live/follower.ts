import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicNs } from '../session/clock.ts';
import { guardTerminalOutput, liveLineMayShowFrom } from './output-guard.ts';
import { findLiveRelay, LIVE_DELAY_MS, LIVE_REFRESH_MS, LIVE_RELAY_START_MS, LIVE_VISIBLE_AFTER_S } from './relay.ts';
import { ownChild } from '../proc/own-children.ts';

const ERASED_MARKER = '#perfcell-live erased\n';
/** How long a window's report waits for the relay to erase its line. */
const ANSWER_LIMIT_MS = 1000;

/**
 * The live view's relay (native/perfcell-live.c): one process draws the line for many windows, one
 * after the other, told on its stdin which file each window's perf writes to (a shared group's
 * member for a file's cells, shared-perf.ts; a perf of its own for a run or a REPL command,
 * controller.ts). It draws from outside the measured process and reads only what perf wrote to the
 * window's file, and only to draw.
 */
export interface LiveFollower {
  /**
   * A window starts: the relay reads this process's descriptor `fd` (its perf's file) from its end
   * on, and shows the RSS of `pid` (else of the pid it was started for); `fd` null: a window without
   * perf, whose line shows its time and memory only. Windows follow one another.
   * `elapsedMs`: the window opened that long ago (its line shows from LIVE_DELAY_MS after that).
   * `onBottomRow`: the line goes on the terminal's last row, out of the rows the window's program
   * writes to itself (a run's; cells', placeOwnLinesOnBottomRow); else on the cursor's row, which
   * this process's writes erase first.
   */
  open(fd: number | null, pid?: number, elapsedMs?: number, onBottomRow?: boolean): LiveLine;
  /** The open window's memory, shown from its next draw on instead of its process's RSS. */
  showMemory(memory: LiveMemory): void;
  /** The relay erases its line and exits: resolves once it has. */
  end(): Promise<void>;
  /** Whether the relay still runs. */
  readonly alive: boolean;
}

/** The memory a window's line shows, as perfcell reads it: now, and the most read so far (bytes). */
export interface LiveMemory {
  readonly rssBytes: number;
  readonly peakBytes: number;
}

/** Where a window's line gets its memory from, instead of its process's RSS (null: nothing read yet). */
export type LiveMemorySource = () => LiveMemory | null;

/** One window's line. */
export interface LiveLine {
  /**
   * The window ended: resolves once the line is off the terminal (at once where it cannot have been
   * drawn). Only the first call acts, and never once a later window has opened.
   */
  close(): Promise<void>;
}

let processFollower: LiveFollower | null = null;

/** Whether this process's own windows (cells) draw their line on the last row too (see placeOwnLinesOnBottomRow). */
let ownLinesOnBottomRow = false;

/**
 * The windows over this process draw their line on the terminal's last row, as a run's do, not on
 * the cursor's row: `perfcell cells`, whose cells may start programs that write to the terminal
 * themselves (`execSync('make', { stdio: 'inherit' })`), past the guard of this process's writes.
 * The REPL keeps its line on the cursor's row, under the command typed.
 */
export function placeOwnLinesOnBottomRow(on = true): void {
  ownLinesOnBottomRow = on;
}

/**
 * The relay of this process's windows that each have a perf of their own (run, `run -r`'s runs,
 * the REPL's commands): started with the first of them and kept, one for all (a relay per window
 * had cost `run -r` and the REPL some 7-8 ms a run or command on a terminal, a QA pass). Started
 * before that window's perf, as startLiveFollower asks; null where there is no relay binary.
 */
export function liveFollower(): LiveFollower | null {
  if (processFollower === null || !processFollower.alive) processFollower = startLiveFollower(process.pid);
  return processFollower;
}

/**
 * A window's line: over this process, on this process's relay at once (a synchronous command gives
 * no timer a turn; started before that window's perf, as liveFollower asks); over another process
 * (a run's program), only once the window has lasted (openLiveLineLater). `fd` and `memory` as there.
 */
export function openLiveLine(fd: number | null, pid: number, memory?: LiveMemorySource): LiveLine | null {
  return pid === process.pid ? (liveFollower()?.open(fd, pid) ?? null) : openLiveLineLater(fd, pid, memory);
}

/**
 * The line of a window over another process than this one (a run's program): this process's relay
 * is forked, or told, only once the window has lasted `afterMs`, half a second before its line
 * first shows, and a shorter run forks none. (Forked at every run's start, it had cost a short
 * `run` on a terminal 13-26 ms: Node forking its own large process, and the relay's exit, which the
 * terminal's session waits for.) Not for a window over this process: its perf would count a relay
 * forked after it attached. `memory`: what the line shows as RSS and peak (a run's whole process
 * tree, as its report reads it), sent at each of the relay's redraws; else the process's own. `fd`
 * null: a window without perf (its line shows time and memory only).
 */
export function openLiveLineLater(fd: number | null, pid: number, memory?: LiveMemorySource, afterMs = LIVE_RELAY_START_MS): LiveLine {
  const openedNs = monotonicNs();
  let line: LiveLine | null = null;
  let isClosed = false;
  let sending: NodeJS.Timeout | null = null;
  const timer = setTimeout(() => {
    if (isClosed) return;
    const follower = liveFollower();
    // the program writes to the terminal itself, where no guard of this process's writes can
    // erase the line first: it goes on the last row, which the program's lines never reach
    line = follower?.open(fd, pid, Number(monotonicNs() - openedNs) / 1e6, true) ?? null;
    if (follower === null || line === null || memory === undefined) return;
    const send = (): void => {
      const now = memory();
      if (now !== null) follower.showMemory(now);
    };
    send();
    sending = setInterval(send, LIVE_REFRESH_MS);
    sending.unref();
  }, afterMs);
  timer.unref();
  return {
    close() {
      if (isClosed) return Promise.resolve();
      isClosed = true;
      clearTimeout(timer);
      if (sending !== null) clearInterval(sending);
      return line?.close() ?? Promise.resolve();
    },
  };
}

/**
 * Starts the relay for windows over `pid` (whose RSS it shows); null where there is no relay binary.
 * Start it before the perfs that count this process: perf counts the children forked after it
 * attached, and the relay's drawing is not the measured code's.
 */
export function startLiveFollower(pid: number, path: string | null = findLiveRelay()): LiveFollower | null {
  if (path === null) return null;
  // this process's lines, written while a window's line shows, do not land after the line's text
  guardTerminalOutput();
  // In this process's group, unlike perf: Ctrl-Z in the terminal stops it with the command, and fg
  // continues both (detached, it drew its line on over the shell's prompt through the stop). Ctrl-C
  // reaches it too, and it ignores SIGINT: Ctrl-C is the command's.
  const child = ownChild(spawn(path, ['--follow', String(pid), String(LIVE_DELAY_MS), String(LIVE_REFRESH_MS)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const commands = child.stdin;
  const answers = child.stdout as Readable;
  commands.on('error', () => undefined);
  /** One entry per `close` sent: the relay answers each with the marker, in order. */
  const waiting: Array<() => void> = [];
  let gone = false;
  /** The window open now (its line), and since when. */
  let current: LiveLine | null = null;
  let openedNs = 0n;
  /** Whether a window has lasted long enough to show its line (the relay's exit is then awaited: it erases it). */
  let mayHaveDrawn = false;
  /** The relay holds the event loop only while a close awaits its answer. */
  const holdLoop = (): void => {
    const handle = answers as unknown as { ref?: () => void; unref?: () => void };
    if (waiting.length > 0) handle.ref?.();
    else handle.unref?.();
  };
  const answerAll = (): void => {
    gone = true;
    for (const resolve of waiting.splice(0)) resolve();
  };
  const exited = new Promise<void>((resolve) => {
    child.once('close', resolve);
    child.once('error', resolve);
  });
  void exited.then(answerAll);
  let tail = '';
  answers.on('data', (chunk: Buffer) => {
    const lines = (tail + chunk.toString('latin1')).split(ERASED_MARKER);
    tail = lines.pop() ?? '';
    for (let index = 0; index < lines.length; index++) waiting.shift()?.();
    holdLoop();
  });
  child.unref();
  holdLoop();
  const send = (command: string): boolean => {
    if (gone) return false;
    commands.write(`${command}\n`);
    return true;
  };
  const close = (): Promise<void> => {
    current = null;
    liveLineMayShowFrom(null);
    // The relay starts its delay once it reads `open`, after it was sent: a window shorter than
    // LIVE_VISIBLE_AFTER_S since then cannot have shown a line, and is dropped, unanswered (the
    // answers had cost 200 short cells on a terminal some 10 ms).
    const shownS = Number(monotonicNs() - openedNs) / 1e9;
    if (shownS < LIVE_VISIBLE_AFTER_S) {
      send('drop');
      return Promise.resolve();
    }
    mayHaveDrawn = true;
    const erased = new Promise<void>((resolve) => waiting.push(resolve));
    if (!send('close')) answerAll();
    holdLoop();
    // a relay that does not answer (stopped, wedged) keeps no report waiting
    return Promise.race([erased, sleep(ANSWER_LIMIT_MS, undefined, { ref: false })]);
  };
  return {
    open(fd, pid, elapsedMs = 0, onBottomRow = ownLinesOnBottomRow) {
      openedNs = monotonicNs() - BigInt(Math.round(elapsedMs * 1e6));
      // a line on the last row is never on the row this process writes to: nothing to erase first
      liveLineMayShowFrom(onBottomRow ? null : openedNs + BigInt(LIVE_DELAY_MS) * 1_000_000n);
      // pid 0: the relay's own (the pid it was started for)
      send(`open ${fd === null ? '-' : `/proc/${process.pid}/fd/${fd}`} ${pid ?? 0} ${Math.round(elapsedMs)}${onBottomRow ? ' bottom' : ''}`);
      const line: LiveLine = { close: () => (current === line ? close() : Promise.resolve()) };
      current = line;
      return line;
    },
    showMemory(memory) {
      if (current !== null) send(`mem ${Math.round(memory.rssBytes)} ${Math.round(memory.peakBytes)}`);
    },
    get alive() {
      return !gone;
    },
    end() {
      if (gone) return Promise.resolve();
      commands.end();
      // A relay that never drew has nothing to erase: it exits at the end of its input, and
      // perfcell's own exit does not wait for it.
      const mayDrawNow = current !== null && Number(monotonicNs() - openedNs) / 1e9 >= LIVE_VISIBLE_AFTER_S;
      if (!mayHaveDrawn && !mayDrawNow) return Promise.resolve();
      // Awaited, its end holds the event loop: its exit, and its stdout until that is read to its
      // end, as 'close' comes only then. With the stdout unreferenced the loop could run out
      // between the two, and Node exited 0 with the command's results unwritten (cells with --json
      // on a terminal: 8 runs in 62, eight at a time; live-view.test.ts).
      child.ref();
      (answers as unknown as { ref?: () => void }).ref?.();
      return exited;
    },
  };
}
