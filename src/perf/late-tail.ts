import type { PerfRecord } from '../../parsers/perf-stat.ts';
import { SOFTWARE_EVENTS } from './software-groups.ts';

/**
 * Whether a window's tail (perf's first whole tick after its disable) shows counts the kernel has
 * not folded in yet, so that a later tick will carry them: every row `<not counted>` (rows
 * `<not supported>` aside: they never count), a software event among them. A software event never
 * waits for a counter, so over a window in which its process ran it reads `<not counted>` only
 * where the time the process ran with it enabled is held elsewhere. perf counts with inherit, and
 * the kernel may hand a thread's counters to another thread of the process that holds their copies
 * (a context swap at a switch between the two), whose counts reach the counters perf reads only
 * when that thread exits. node:repl starts such a
 * thread for every line and notebook cell (its Ctrl-C watchdog) and joins it after the line's
 * last statement, where the window's disable and its nudge already went out: under load, about
 * 1 `void 0` cell in 100 read `<not counted>` for task-clock and page-faults, and its counts came
 * with perf's next tick, in the next cell's window (BENCHMARKS.md, Pace notes, 2026-12-06 19:30).
 * Hardware events alone say nothing: a counter the PMU never gave them is `<not counted>` too.
 * @example countsNotFoldedYet([{ event: 'task-clock', status: 'not counted', … }])  // true
 * @example countsNotFoldedYet([{ event: 'cycles', status: 'not counted', … }])      // false
 */
export function countsNotFoldedYet(tail: readonly PerfRecord[]): boolean {
  const countable = tail.filter((row) => row.status !== 'not supported');
  return countable.every((row) => row.status === 'not counted') && countable.some((row) => SOFTWARE_EVENTS.has(row.event));
}

/** How many later ticks a window takes as its tail where the one before had its counts not folded in yet (countsNotFoldedYet). */
export const LATE_TAIL_TICKS = 2;
