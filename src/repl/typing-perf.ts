import type { PerfOptions, PerfSession } from '../perf/controller.ts';
import { perfOptionsKey } from '../perf/perf-pool.ts';
import { startSharedPerf, type SharedPerf } from '../perf/shared-perf.ts';
import { isRunning, readChildPids } from '../proc/child-processes.ts';

/** How long the REPL's perf ticks on after a keystroke with no command (someone typed, then stopped): then it is paused. */
export const TYPING_IDLE_MS = 2000;

/**
 * perf for the REPL's commands: one long-lived perf over the REPL's own process that ticks every few
 * ms (a shared-perf.ts group of one), started at the first prompt. A command's window is an enable
 * and a disable on it, and its last counts come with perf's next tick, instead of a perf per
 * command that is sent SIGINT and exits: that exit (its counters released from every thread of
 * Node) held the REPL's vCPU 1.2-1.4 ms ahead of the REPL it had just woken (BENCHMARKS.md, Pace
 * notes, 2026-12-04 21:25).
 *
 * While nobody types it is paused (SIGSTOP): it ticks no more and costs nothing, where a ticking
 * perf kept some 5% of a vCPU busy and slowed whatever else ran (the 2026-12-04 23:00 entry). A
 * keystroke lets it go on (SIGCONT), so its owed tick is printed while the line is typed, and a
 * window's enable does so too (a line pasted in whole). It is paused again once a command's report is
 * out, or TYPING_IDLE_MS after a keystroke that no command followed.
 *
 * Only one perf counts the REPL at a time: a perf started while another is attached inherits that
 * one's counters and is counted in its windows (perf-group-launcher.ts). And a child process
 * forked while this perf runs is counted in every later window while it lives, so a command that
 * leaves one running ends this perf (afterCommand): the next one starts after the child, as a perf
 * per command did.
 */
export interface TypingPerf {
  /** A prompt: starts perf for these options where none runs (it is paused once ready and idle). */
  warm(options: PerfOptions): void;
  /** A keystroke: lets perf tick (resume) for TYPING_IDLE_MS, unless a command comes. */
  typed(): void;
  /**
   * Ctrl-Z at the prompt: the REPL is about to be stopped (SIGTSTP). perf, in a process group of
   * its own so that the terminal's signals reach only the REPL, would tick on through the stop;
   * it is paused now and goes on at the first keystroke or command after the REPL is continued.
   */
  suspend(): void;
  /** A window's session on it (started now where none runs: its enable() waits for perf's start-up, and resumes a paused one). */
  session(options: PerfOptions): PerfSession;
  /** After a command: ends perf where a child process it counts still runs, else pauses it. */
  afterCommand(): void;
  /** Ends perf (a new set-up, the TypeScript compiler's service starting, the REPL closing). */
  close(): void;
}

export function createTypingPerf(pid: number, start: (pid: number, options: PerfOptions) => SharedPerf = (target, options) => startSharedPerf(target, options, 1)): TypingPerf {
  let perf: SharedPerf | null = null;
  let key = '';
  /** The children of the process when perf was started: perf counts only those forked after. */
  let childrenBefore = new Set<number>();
  let idleTimer: NodeJS.Timeout | null = null;

  const clearIdle = (): void => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
  };
  const close = (): void => {
    clearIdle();
    perf?.close();
    perf = null;
  };
  /** Paused where no window is open on it (ticking-perf.ts: a long command keeps it ticking). */
  const pause = (): void => {
    clearIdle();
    perf?.pause();
  };
  const warm = (options: PerfOptions): SharedPerf => {
    const wanted = perfOptionsKey(pid, options);
    // one that could not start stays (its windows get a perf each, which says why)
    if (perf === null || wanted !== key || (perf.exited && !perf.broken)) {
      close();
      const started = start(pid, options);
      perf = started;
      key = wanted;
      // read after the start: its launcher and the live view's relay are children already, uncounted
      childrenBefore = new Set(readChildPids(pid));
      // ready, it waits paused for the first keystroke or command
      void started.ready().then(() => {
        if (perf === started && idleTimer === null) pause();
      });
    }
    return perf;
  };

  return {
    warm(options) {
      warm(options);
    },
    typed() {
      if (perf === null) return;
      perf.resume();
      clearIdle();
      idleTimer = setTimeout(pause, TYPING_IDLE_MS);
      idleTimer.unref();
    },
    suspend: pause,
    session(options) {
      clearIdle();
      return warm(options).session();
    },
    afterCommand() {
      if (perf === null) return;
      if (readChildPids(pid).some((child) => !childrenBefore.has(child) && isRunning(child))) close();
      else pause();
    },
    close,
  };
}
