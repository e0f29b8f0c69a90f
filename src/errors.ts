/**
 * perfcell's few error classes. Each has a stable `code`, a one-line lower-case message that
 * names the subject and the fix, and an optional `cause`.
 */
export type PerfErrorCode =
  | 'PERF_NOT_FOUND'
  | 'PERF_PARANOID'
  | 'PERF_PERMISSION'
  | 'PERF_UNKNOWN_EVENT'
  | 'PERF_NO_SUCH_PROCESS'
  | 'PERF_FAILED'
  | 'PERF_NO_ACK'
  | 'PERF_LAST_INTERVAL_MISSING'
  | 'PERF_NO_NAMED_SWITCH'
  | 'PERF_NO_ROOM';

/** perf could not count: not installed, refused, or asked for an event it does not know. */
export class PerfError extends Error {
  override readonly name = 'PerfError';
  readonly code: PerfErrorCode;
  constructor(code: PerfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Misuse of perfcell itself: bad option, missing argument, file that does not exist. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** A target process problem: no such pid, or one we may not read. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
  readonly code: 'NO_SUCH_PROCESS' | 'NOT_PERMITTED';
  constructor(code: 'NO_SUCH_PROCESS' | 'NOT_PERMITTED', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Whether a command goes on without counters after this failure of perf's, even with -e: a perf
 * that never acknowledged was killed, and one with no room for its output cannot write.
 */
export function isPerfGoneOn(error: unknown): error is PerfError {
  return error instanceof PerfError && (error.code === 'PERF_NO_ACK' || error.code === 'PERF_NO_ROOM');
}
