import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findNativeHelper, packageRoot } from '../session/exec-helper.ts';

/** When the line first shows and how often it is redrawn. */
export const LIVE_DELAY_MS = 1000;
export const LIVE_REFRESH_MS = 250;
/** Commands shorter than this cannot have shown a line (the relay waits LIVE_DELAY_MS from perf's enable). */
export const LIVE_VISIBLE_AFTER_S = 0.9;
const ERASED_MARKER = '#perfcell-live erased';

/**
 * The live view's relay (native/perfcell-live.c) between one perf and perfcell: perf writes its
 * interval lines into `sink`, perfcell reads them unchanged from `output`, and the relay draws
 * the status line on the terminal (this process's stderr) from outside the measured process.
 */
export interface LiveRelay {
  /** Give this to perf as its stderr. */
  readonly sink: Writable;
  /** perf's lines as perf wrote them, plus the relay's `#perfcell-live …` markers (comments to the parser). */
  readonly output: Readable;
  /** Closes perfcell's copy of the sink once perf holds its own, so perf's exit reaches the relay as EOF. */
  detachSink(): void;
  /** The command ended: the line is erased; resolves once it is (or the relay is gone). */
  end(): Promise<void>;
  kill(): void;
  readonly process: ChildProcess;
}

let cachedPath: string | null | undefined;

/**
 * The relay binary: dist/perfcell-live from `npm run build`, else compiled once with cc into
 * ~/.cache/perfcell; null where neither works (no live view then).
 */
export function findLiveRelay(from: string = fileURLToPath(import.meta.url)): string | null {
  if (cachedPath !== undefined) return cachedPath;
  // A relay built for another architecture (a tarball made elsewhere) is compiled anew for this one.
  cachedPath = findNativeHelper('perfcell-live', packageRoot(from));
  return cachedPath;
}

/** Starts the relay for a perf about to count `pid`; null when there is no relay binary. */
export function startLiveRelay(pid: number, path: string | null = findLiveRelay()): LiveRelay | null {
  if (path === null) return null;
  // Detached like perf: Ctrl-C in the terminal is the command's (the relay ignores SIGINT anyway).
  const child = spawn(path, [String(pid), String(LIVE_DELAY_MS), String(LIVE_REFRESH_MS)], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  const sink = child.stdin as Writable;
  const output = child.stdout as Readable;
  sink.on('error', () => undefined);
  let gone = false;
  let markSeen: () => void = () => undefined;
  const erased = new Promise<void>((resolve) => {
    markSeen = resolve;
  });
  child.once('close', () => {
    gone = true;
    markSeen();
  });
  child.once('error', () => {
    gone = true;
    markSeen();
  });
  // The marker can straddle two chunks: keep the tail of the previous one.
  let tail = '';
  output.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    if (text.includes(ERASED_MARKER)) markSeen();
    tail = text.slice(-ERASED_MARKER.length);
  });
  let ended = false;
  return {
    sink,
    output,
    process: child,
    detachSink() {
      sink.destroy();
    },
    end() {
      if (!ended && !gone && child.pid !== undefined) {
        ended = true;
        try {
          process.kill(child.pid, 'SIGUSR1');
        } catch {
          markSeen();
        }
      }
      return erased;
    },
    kill() {
      if (!gone) child.kill('SIGKILL');
    },
  };
}
