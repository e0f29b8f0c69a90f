import { UsageError } from '../errors.ts';

/** The timing of functions now running in this process (timeit, compare), or null. */
let running: 'timeit' | 'compare' | null = null;

/**
 * Runs one timing of functions in this process, refusing a second while it runs: a batch's perf
 * counts the whole process from its enable to its stop, with awaits between, where the other
 * timing's batch ran; two timeits at once each counted the other's calls (a no-op read 14-138
 * page-faults a call beside one allocating 1 MiB a call, 0.07-0.17 alone). A timing inside a
 * measured window (a REPL line, a cell, measure(fn)) is not refused: that window says so.
 */
export async function whileTiming<T>(name: 'timeit' | 'compare', time: () => Promise<T>): Promise<T> {
  if (running !== null) throw new UsageError(`a ${running} of this process is already running; await it before timing again (two timings at once count each other's calls)`);
  running = name;
  try {
    return await time();
  } finally {
    running = null;
  }
}
