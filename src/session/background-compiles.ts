import { loadV8 } from '../v8-on-demand.ts';
import { monotonicMs } from './clock.ts';

/**
 * Waits until V8 has finished the optimizing compiles it runs on its background threads, before a
 * window over this process starts counting; returns how long it waited, ms.
 *
 * V8 optimizes a function that has run enough on a thread of its own, and perf counts every thread
 * of the process. perfcell's own code runs between windows (perf's lines parsed, reports built), so
 * its compiles landed in the window after: in a file of twelve cells that each awaited 500 ms,
 * two or three cells (the fifth to the tenth) read 14-42 ms of task-clock and 281-766 page-faults
 * that were none of theirs, in each of five runs; with `node --no-concurrent-recompilation` none
 * did, and none does with this wait (BENCHMARKS.md, Pace notes 2026-12-04 23:00). A cell's own
 * compiles, still running when it ends, are finished here too rather than counted in the next one.
 *
 * The wait is V8's `%WaitForBackgroundOptimization()`, compiled once with natives syntax allowed
 * for that moment only: the flag is set back at once, so the person's code parses as before and
 * V8's code caches keep the flag hash they were made with. Where V8 has no such call, nothing waits.
 * Where nothing compiles it returns in microseconds (a median of 1.4 µs a window in a 200-cell
 * file, 2.3 in the REPL); what it waits for, it takes from the wall time between windows, not from
 * the CPU: 54 ms in all over those 200 cells (thirteen waits of 0.5-19 ms), and the file's wall was
 * no longer for it (849 ms against 859, BENCHMARKS.md, Pace notes).
 */
export function awaitBackgroundCompiles(): number {
  if (waitForCompiles === undefined) waitForCompiles = compileWaiter();
  if (waitForCompiles === null) return 0;
  const startMs = monotonicMs();
  try {
    waitForCompiles();
  } catch (error: unknown) {
    // V8 flushes the bytecode of a function that has not run for a while (old code, after some
    // GCs), and compiles it again from its source at the next call, now without natives syntax: a
    // SyntaxError, once in a suite run on a loaded machine (`node --stress-flush-code` does it at
    // every GC). Compiled again the same way, with the flag allowed for that moment; it waits too.
    if (!(error instanceof SyntaxError)) throw error;
    waitForCompiles = compileWaiter();
  }
  return monotonicMs() - startMs;
}

let waitForCompiles: (() => void) | null | undefined;

function compileWaiter(): (() => void) | null {
  // started with natives syntax allowed (node --allow-natives-syntax): it stays so
  const allowedAlready = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((flag) => /^--allow[-_]natives[-_]syntax$/.test(flag));
  try {
    if (!allowedAlready) loadV8().setFlagsFromString('--allow-natives-syntax');
    const wait = new Function('%WaitForBackgroundOptimization()') as () => void;
    wait();
    return wait;
  } catch {
    return null;
  } finally {
    if (!allowedAlready) loadV8().setFlagsFromString('--no-allow-natives-syntax');
  }
}
