import { interruptionExitCode, settleAfterExit, type Interruption } from '../session/interruption.ts';

/**
 * Ends perfcell by the signal that interrupted it, once everything is out: its shell then sees a
 * process killed by SIGINT, as it would have seen the program alone, not one that exited 130.
 * The status ($? = 128+n) is the same; what differs is what a shell does next. bash, given Ctrl-C
 * while it waits, goes on with its script when its command exited (the command took the Ctrl-C as
 * input, as an editor does) and stops when the command died of it: `for f in *; do perfcell run --
 * ./slow "$f"; done` ran every later file after a Ctrl-C, where the loop of the bare program, of
 * `perf stat` and of `timeout` stops (both raise the signal again as they end).
 */
let endingSignal: NodeJS.Signals | null = null;

/** Ends perfcell by the signal that stopped it (`stop`): 128+n now, and the signal itself at its exit. */
export function endByInterruption(stop: Interruption): void {
  process.exitCode = interruptionExitCode(stop);
  endBySignal(stop.signal);
}

/**
 * A signal that came once the work was over, as its results were written (`after`: the last run,
 * the last cell, the program's end): nothing was cut short, and perfcell still ends by it, saying
 * the results are complete, so a shell's loop stops there (it had been swallowed: exit 0, not a
 * word). Its handler waits for a turn of the event loop, which a synchronous write (the page)
 * holds back. Null where none came.
 */
export async function endIfInterruptedAfter(after: string): Promise<Interruption | null> {
  const late = await settleAfterExit();
  if (late === null) return null;
  endByLateInterruption(late, after);
  return late;
}

/** The line of a signal that came once the work was over (`after`), whose results are complete. */
export function lateInterruptionLine(late: Interruption, after: string): string {
  return `perfcell: interrupted by ${late.signal} after ${after}: the results are complete`;
}

/** Says that `late` came once the work was over (`after`) and ends perfcell by it. */
export function endByLateInterruption(late: Interruption, after: string): void {
  process.stderr.write(`${lateInterruptionLine(late, after)}\n`);
  endByInterruption(late);
}

/**
 * Asks that perfcell end by `signal` once it exits (after every other exit hook: perf's kill, the
 * gate's sweep), not with 128+n. SIGINT, SIGTERM and SIGHUP only, which dump no core.
 */
export function endBySignal(signal: NodeJS.Signals): void {
  if (signal !== 'SIGINT' && signal !== 'SIGTERM' && signal !== 'SIGHUP') return;
  if (endingSignal !== null) return;
  endingSignal = signal;
  // registered now, after every exit hook of the run's, so it runs last
  process.once('exit', () => raiseAtExit(signal));
}

/**
 * Sends `signal` to perfcell itself with its default action (no listener left: libuv then gives
 * it back to SIG_DFL) and waits for it to land, which ends the process. Where it does not (it is
 * blocked, or Node keeps it), the exit goes on with the exit code already set, 128+n.
 */
function raiseAtExit(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  try {
    process.kill(process.pid, signal);
  } catch {
    return;
  }
  // another thread may take the signal: the main thread waits rather than exit first with 128+n
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
}
