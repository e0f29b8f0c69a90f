/**
 * What an option's value must be, written once for the command line's flags, the REPL's
 * dot-commands, the kernel's `perfcell.interval()` and the library's options: a test and the words
 * for what it takes, which each caller puts in its own sentence (`run -I 0`: "give a whole number of
 * milliseconds from 10 to 2147483647, e.g. -I 100"; `measure(fn, { intervalMs: 0 })`: "intervalMs
 * must be a whole number of milliseconds from 10 to 2147483647, not 0").
 */
export interface ValueRule {
  readonly holds: (value: unknown) => boolean;
  /** What it takes, to follow "give" or "must be": `a whole number ≥ 1`. */
  readonly wants: string;
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

/**
 * perf's longest -I: an int's largest. perf reads -I into an unsigned int through strtol, so 2^32 ms
 * became 0 (no intervals: "perf ended without its last interval") and 1e12 another number, and
 * perfcell-exec reads a window's tick with atoi, where 2^31 failed ("switch `I' expects an unsigned
 * numerical value"), the counters lost (a QA pass: `intervalMs: 1e12`, meant as one interval).
 */
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** perf stat's -I: whole milliseconds, none under 10 (perf refuses them: "interval too small") nor over MAX_INTERVAL_MS (24.8 days). */
export const INTERVAL_MS: ValueRule = {
  holds: (value) => isNumber(value) && Number.isInteger(value) && value >= 10 && value <= MAX_INTERVAL_MS,
  wants: `a whole number of milliseconds from 10 to ${MAX_INTERVAL_MS}`,
};

/** A count: runs, rounds, calls per batch, points kept. */
export function wholeNumberFrom(minimum: number): ValueRule {
  return { holds: (value) => isNumber(value) && Number.isInteger(value) && value >= minimum, wants: `a whole number ≥ ${minimum}` };
}

/** A span that must pass: compare's --min-time, cells' --cell-timeout, attach's --duration. */
export const SECONDS_ABOVE_ZERO: ValueRule = {
  holds: (value) => isNumber(value) && Number.isFinite(value) && value > 0,
  wants: 'a number of seconds > 0',
};

/** A target that may be nothing: timeit's minTime (0: one call a batch). */
export const SECONDS_FROM_ZERO: ValueRule = {
  holds: (value) => isNumber(value) && Number.isFinite(value) && value >= 0,
  wants: 'a number of seconds ≥ 0',
};

/** A process id: a whole number > 0. */
export const PID: ValueRule = {
  holds: (value) => isNumber(value) && Number.isSafeInteger(value) && value > 0,
  wants: 'a process id (a whole number > 0)',
};
