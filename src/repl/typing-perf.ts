import type { PerfOptions, PerfSession } from '../perf/controller.ts';
import { perfOptionsKey } from '../perf/perf-pool.ts';
import { startSharedPerf, type SharedPerf } from '../perf/shared-perf.ts';
import { isRunning, readChildPids } from '../proc/child-processes.ts';

/**
 * How long the REPL's ticking perf outlives the last keystroke, prompt or window: an idle REPL
 * holds no ticking perf (its tick costs perf some 5% of a vCPU here: 8 clock ticks of CPU in 1.5 s)
 * but a perf for one command, prepared as before (window-slot.ts), for a line pasted in whole.
 */
export const TYPING_IDLE_MS = 2000;

/**
 * perf for the REPL's commands while someone types: one long-lived perf over the REPL's own
 * process that ticks every few ms (a shared-perf.ts group of one), started at a keystroke or a
 * prompt and ended once TYPING_IDLE_MS pass without either (onIdle). A command's window is an enable and a
 * disable on it, and its last counts come with perf's next tick, instead of a perf per command that
 * is sent SIGINT and exits: that exit (its counters released from every thread of Node) held the
 * REPL's vCPU 1.2-1.4 ms ahead of the REPL it had just woken (BENCHMARKS.md, Pace notes).
 *
 * Only one perf counts the REPL at a time: a perf started while another is attached inherits that
 * one's counters and is counted in its windows (perf-group-launcher.ts). And a child process
 * forked while this perf runs is counted in every later window while it lives, so a command that
 * leaves one running ends this perf (afterCommand): the next one starts after the child, as a perf
 * per command did.
 */
export interface TypingPerf {
  /** A keystroke or a prompt: starts perf for these options where none runs, and keeps it TYPING_IDLE_MS more. */
  warm(options: PerfOptions): void;
  /** A window's session on it (started now where none runs: its enable() waits for perf's start-up). */
  session(options: PerfOptions): PerfSession;
  /** After a command: ends perf where a child process it counts still runs. */
  afterCommand(): void;
  /** Ends perf (a new set-up, the TypeScript compiler's service starting, the REPL closing). */
  close(): void;
  /** Whether a perf runs (started and not ended by close() or idleness). */
  readonly running: boolean;
  /** Calls `listener` each time perf has been ended for idleness. */
  onIdle(listener: () => void): void;
}

export function createTypingPerf(pid: number, start: (pid: number, options: PerfOptions) => SharedPerf = (target, options) => startSharedPerf(target, options, 1)): TypingPerf {
  let perf: SharedPerf | null = null;
  let key = '';
  /** The children of the process when perf was started: perf counts only those forked after. */
  let childrenBefore = new Set<number>();
  let idleTimer: NodeJS.Timeout | null = null;
  const idleListeners: Array<() => void> = [];

  const close = (): void => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
    perf?.close();
    perf = null;
  };
  // a window still counting (a long command) keeps it
  const onIdle = (): void => {
    idleTimer = null;
    if (perf?.busy === true) {
      keepAlive();
      return;
    }
    close();
    for (const listener of idleListeners) listener();
  };
  const keepAlive = (): void => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(onIdle, TYPING_IDLE_MS);
    idleTimer.unref();
  };
  const warm = (options: PerfOptions): SharedPerf => {
    const wanted = perfOptionsKey(pid, options);
    // one that could not start stays (its windows get a perf each, which says why) until it idles out
    if (perf === null || wanted !== key || (perf.exited && !perf.broken)) {
      close();
      perf = start(pid, options);
      key = wanted;
      // read after the start: its launcher and the live view's relay are children already, uncounted
      childrenBefore = new Set(readChildPids(pid));
    }
    keepAlive();
    return perf;
  };

  return {
    warm(options) {
      warm(options);
    },
    session(options) {
      return warm(options).session();
    },
    afterCommand() {
      if (perf === null) return;
      if (readChildPids(pid).some((child) => !childrenBefore.has(child) && isRunning(child))) close();
    },
    close,
    get running() {
      return perf !== null;
    },
    onIdle(listener) {
      idleListeners.push(listener);
    },
  };
}
