import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { noteInterruption } from './job-stops.ts';
import { isIgnoredSignal } from './ignored-signals.ts';
import { hasProcessEnded, isProcessStopped, takesDefaultActionNow } from '../proc/read-proc.ts';
import { sharesForegroundGroup } from '../proc/terminal-group.ts';
import { readPidNamespace } from '../proc/gone-perfcell.ts';

/** A signal that asked perfcell to stop: SIGINT (Ctrl-C), SIGTERM (kill, a CI cancel) or SIGHUP. */
export interface Interruption {
  readonly signal: NodeJS.Signals;
  /** The signal's number; perfcell exits with 128 + this. */
  readonly number: number;
}

/** A measurement stopped because perfcell was asked to stop; what finished before it is kept. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  readonly code = 'INTERRUPTED';
  constructor(readonly interruption: Interruption) {
    super(`interrupted by ${interruption.signal}`);
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const listeners = new Set<(interruption: Interruption) => void>();
let received: Interruption | null = null;
let holders = 0;
/** Whether the outermost hold now held is the library's (measure() in someone else's program): its last release passes the signal on to the host. */
let heldForLibrary = false;

const onSignal = (signal: NodeJS.Signals): void => {
  noteInterruption();
  received ??= { signal, number: (constants.signals as Record<string, number>)[signal] ?? 0 };
  const interruption: Interruption = { signal, number: (constants.signals as Record<string, number>)[signal] ?? 0 };
  for (const listener of [...listeners]) listener(interruption);
};

/**
 * Catches SIGINT, SIGTERM and SIGHUP until the returned release is called (nested holds count),
 * so that perfcell stops what it measures, reports what finished, and exits 128+n itself instead
 * of dying with its results unprinted. The first signal is remembered: see `interruption()`.
 */
export function holdInterruptions(options: { readonly isLibrary?: boolean } = {}): () => void {
  const isOutermost = holders++ === 0;
  if (isOutermost) heldForLibrary = options.isLibrary === true;
  // not a signal perfcell was started with ignored (nohup's SIGHUP): neither stopped on nor passed on
  if (isOutermost) for (const signal of SIGNALS) if (!isIgnoredSignal(signal)) process.on(signal, onSignal);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders !== 0) return;
    for (const signal of SIGNALS) process.off(signal, onSignal);
    const stop = received;
    received = null;
    // measure() in someone else's program (no perfcell command holds the signals): after passing
    // the signal on to the child, the host gets it too, once the measurement has ended, as it
    // would have without perfcell, where it has no handler of its own (one that has, the Jupyter
    // kernel's, handles it). Ctrl-C too: absorbed, a script that measured programs in a loop went
    // on through a Ctrl-C that ended one program, and exited 0 (a QA pass); a REPL on a terminal
    // gets no SIGINT from Ctrl-C (raw mode), and perfcell's commands hold the signals themselves.
    // By whichever hold is released last: measure() calls run at once (Promise.all) end in any
    // order, and where the first begun ended first, the signal had been swallowed (the host went on, exit 0).
    if (heldForLibrary && stop !== null && process.listenerCount(stop.signal) === 0) {
      process.kill(process.pid, stop.signal);
    }
  };
}

/** The first interruption received while held, or null. */
export function interruption(): Interruption | null {
  return received;
}

/** Calls `listener` on every interruption signal until the returned function is called. */
export function onInterruption(listener: (interruption: Interruption) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * What forwardInterruptions did with the last signal it saw: passed it on; left it, as the
 * terminal's Ctrl-C, which the process had already; or found the process ended (gone, or a zombie
 * not yet reaped), so that the signal came as it exited and it never had it.
 */
type ForwardOutcome = 'passed' | 'terminal' | 'ended';
let lastForward: { readonly signal: NodeJS.Signals; readonly outcome: ForwardOutcome } | null = null;
/** The stop signal the gate's end report says the process group got while the program ran (0: none), or null where no gate reported. */
let groupStopSignal: number | null = null;
/**
 * Whether forwardInterruptions, since it began, left a stop signal to the process as the terminal's,
 * or passed one on to it live, which does not die of it (caught, ignored or blocked): it may have
 * ended by it. Every signal counts, not the last only: a SIGINT the program trapped and a SIGTERM
 * after it had the SIGINT said to come after the program's end.
 */
let programHadOne = false;

/** Whether `signal`, the last one forwardInterruptions saw, was passed on by perfcell (false: the process had the terminal's, or had gone), or null where it saw none. */
export function wasPassedOn(signal: NodeJS.Signals): boolean | null {
  return lastForward?.signal === signal ? lastForward.outcome === 'passed' : null;
}

/** Notes the stop signal (its number, 0 for none) that the gate's end report says the program's process group got while the program ran. */
export function noteGroupStopSignal(number: number): void {
  groupStopSignal = number;
}

/**
 * Whether the interruption held once a program exited by itself (not killed by it) came as that
 * program exited or after: the gate, which the group's signals reach (a Ctrl-C, `kill -- -PGID`),
 * got none (it reports the last only, so any one counts), so it was perfcell's alone, and perfcell
 * either never passed it on (its handler ran once the program's end was known), found the program
 * gone (or a zombie), or passed it on to a program on which it takes its default action, which had
 * begun its exit (a live one dies of it); and no other stop signal reached the program live
 * (programHadOne). The program never had one. False where no gate reported (a run without one
 * cannot tell a signal to the group from perfcell's own).
 */
export function cameAfterProgramEnded(): boolean {
  return groupStopSignal === 0 && !programHadOne;
}

/**
 * /proc tells of the process only where it is this pid namespace's (gone-perfcell.ts): under `unshare
 * --pid --fork` without --mount-proc, a pid of ours names another process there, or none. There a
 * process that /proc lacked was taken for ended and never passed its signal: a SIGTERM to perfcell
 * left its program running to its end, and was then said to have come after it (a QA pass).
 */
const readsOwnProc = (): boolean => readPidNamespace() !== null;
const hasEndedOnOwnProc = (pid: number): boolean => readsOwnProc() && hasProcessEnded(pid);
const takesDefaultOnOwnProc = (pid: number, signo: number): boolean => readsOwnProc() && takesDefaultActionNow(pid, signo);

/**
 * Passes every interruption signal on to process `pid()` (none while it returns undefined or 0), as
 * a terminal passes Ctrl-C to its foreground job, until the returned function is called. A SIGINT
 * is not passed on where perfcell and the process are the terminal's foreground group: that is
 * where a Ctrl-C goes, so the process has it already (passed on, it got two, and a Python program's
 * KeyboardInterrupt handler was cut short by the second), as under perf stat and time, which pass
 * nothing on. Nor to a process that has ended (a zombie takes a signal without a word).
 */
export function forwardInterruptions(pid: () => number | undefined, hasTerminalsSignal = sharesForegroundGroup, isStopped = isProcessStopped, hasEnded = hasEndedOnOwnProc, takesDefault = takesDefaultOnOwnProc): () => void {
  lastForward = null;
  groupStopSignal = null;
  programHadOne = false;
  return onInterruption(({ signal, number }) => {
    const target = pid();
    if (target === undefined || target <= 0) return;
    // passed on only where it was sent: a Ctrl-C typed at the terminal is the process's already,
    // and a process it ended first is gone by the time this runs (sleep, killed by it, was)
    if (signal === 'SIGINT' && hasTerminalsSignal(target)) {
      lastForward = { signal, outcome: 'terminal' };
      programHadOne = true;
    } else if (hasEnded(target)) {
      lastForward = { signal, outcome: 'ended' };
      return;
    } else {
      try {
        // one it takes by default action a live process dies of; exiting 0 after it, it was already exiting
        const wouldEnd = takesDefault(target, number);
        process.kill(target, signal);
        lastForward = { signal, outcome: 'passed' };
        if (!wouldEnd) programHadOne = true;
      } catch {
        lastForward = { signal, outcome: 'ended' };
        return;
      }
    }
    try {
      // A stopped process (SIGSTOP, a debugger's stop, SIGTTIN) holds the signal unacted until it
      // is continued: perfcell waited on it for ever, Ctrl-C and kill alike. timeout(1) sends a
      // SIGCONT after its signal for this; here only to a stopped one (a running editor redraws on it).
      if (isStopped(target)) process.kill(target, 'SIGCONT');
    } catch {
      // already gone
    }
  });
}

/**
 * Waits up to `ms` for an interruption to be received. A program killed by Ctrl-C dies at the
 * same moment perfcell gets its own SIGINT, whose handler runs a few event-loop turns later:
 * asking too early would blame the program for the user's Ctrl-C.
 */
export async function settleInterruption(ms = 100): Promise<Interruption | null> {
  for (const deadline = Date.now() + ms; received === null && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return received;
}

/** SIGHUP (1), SIGINT (2) and SIGTERM (15) as bits of a /proc pending-signal mask. */
const STOP_SIGNAL_BITS = (1n << 0n) | (1n << 1n) | (1n << 14n);

/**
 * Whether SIGINT, SIGTERM or SIGHUP has been sent to this process but no thread has taken it yet
 * (/proc/self/status ShdPnd): on a loaded machine the thread the kernel picked may not have run
 * when the program, which got the same Ctrl-C, has already exited. Only the process-wide set: a
 * terminal's Ctrl-C and kill(1) send to the process (group), never to one thread, and reading each
 * thread's SigPnd as well cost 0.25 ms (11 threads) on every run's way to its report, against 0.03.
 */
export function isStopSignalPending(read = (path: string): string => readFileSync(path, 'utf8')): boolean {
  try {
    const hex = /^ShdPnd:\s*([0-9a-f]+)$/m.exec(read('/proc/self/status'))?.[1];
    return hex !== undefined && (BigInt(`0x${hex}`) & STOP_SIGNAL_BITS) !== 0n;
  } catch {
    return false;
  }
}

/**
 * The interruption that came while a program ran that has now exited by itself (a program that
 * catches Ctrl-C and exits at once): the user's signal reached perfcell too, but its handler may
 * not have run yet. Waits as settleInterruption() does while such a signal is still queued; else
 * two event-loop turns, in which libuv reads the byte its signal handler wrote (from any thread).
 */
export async function settleAfterExit(ms = 100): Promise<Interruption | null> {
  if (received !== null) return received;
  if (isStopSignalPending()) return settleInterruption(ms);
  for (let turn = 0; turn < 2 && received === null; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  return received;
}

/** Whether `signal` is one that asks perfcell to stop (SIGINT, SIGTERM, SIGHUP): a program it killed may have died of the user's Ctrl-C. */
export function isStopSignal(signal: string | null): boolean {
  return signal !== null && (SIGNALS as readonly string[]).includes(signal);
}

/**
 * The interruption that reached perfcell while a program ran that ended by `signal` (null: it
 * exited), or null. A program killed by Ctrl-C dies at the moment perfcell gets its own SIGINT,
 * whose handler may run some turns later; one that caught it and exited at once may be reported
 * before that handler has run.
 */
export async function settleStopAfterEnd(signal: string | null): Promise<Interruption | null> {
  return isStopSignal(signal) ? settleInterruption() : settleAfterExit();
}

/**
 * What `work` gives; where it fails and an interruption came (or comes within 100 ms), an
 * InterruptedError instead. A child process in perfcell's process group gets the same Ctrl-C and
 * may fail the work first: esbuild's service, compiling a file's cells, died of it and cells ended
 * with 'error: The service was stopped: write EPIPE', exit 1, not as interrupted. The wait is the
 * failure's only: under load the signal's handler ran after two turns of the loop once (a whole
 * suite beside two helpers: compare --cells ended 'error: The service was stopped').
 */
export async function interruptedOr<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error: unknown) {
    const stop = await settleInterruption(100);
    if (stop !== null && !(error instanceof InterruptedError)) throw new InterruptedError(stop);
    throw error;
  }
}

/** Throws InterruptedError when an interruption has been received. */
export function throwIfInterrupted(): void {
  if (received !== null) throw new InterruptedError(received);
}

/** Forgets a received interruption (tests, a REPL that goes on). */
export function clearInterruption(): void {
  received = null;
}

/** The exit status for an interruption: 128 + the signal's number (130 for SIGINT). */
export function interruptionExitCode(interruption: Interruption): number {
  return 128 + interruption.number;
}
