import { UsageError } from '../errors.ts';

/** The timing of functions now running in this process (timeit, compare), or null. */
let running: 'timeit' | 'compare' | null = null;
/** Settles as the timing now running ends; settled while none runs. */
let ended: Promise<void> = Promise.resolve();

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
  let end = (): void => undefined;
  ended = new Promise<void>((resolve) => (end = resolve));
  try {
    return await time();
  } finally {
    running = null;
    end();
  }
}

/**
 * Settles once the timing now running (timeit, compare) has ended, at once where none runs. An
 * interruption stops a timing after the batch or run it falls into, and the timing then shows what
 * it measured: an interrupted cell ends after that, so that its report follows those figures and
 * perfcell does not exit before them (with --no-settle a cell's timeit line came after the cell's
 * report 2 times in 4, and a compare of 0.3 s runs lost its figures 2 times in 3).
 */
export function timingEnded(): Promise<void> {
  return ended;
}
