import type { CommandReport } from '../session/report.ts';

/** A result holding at least this much new memory is worth the `_` hint. */
const KEPT_ALIVE_HINT_BYTES = 1024 * 1024;

/** How a command that threw ended, for its report: Ctrl-C is SIGINT, anything else exit code 1. */
export function outcomeOfThrow(value: unknown): { exitCode: number | null; signal?: string } {
  return isInterruption(value) ? { exitCode: null, signal: 'SIGINT' } : { exitCode: 1 };
}

/** The line under the report of a command that threw or was interrupted. */
export function throwNote(value: unknown, report: CommandReport): string {
  const seconds = report.durationS.toFixed(report.durationS < 0.1 ? 3 : 2);
  return isInterruption(value)
    ? `interrupted by Ctrl-C after ${seconds}s: the report covers the command up to the interruption`
    : 'threw: the report covers the command up to the throw';
}

/** node:repl's error for a synchronous command stopped by Ctrl-C (breakEvalOnSigint), or a top-level await abandoned. */
export function isInterruption(value: unknown): boolean {
  return (value as { code?: unknown } | null | undefined)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}

/**
 * The hint for a result that only the REPL keeps alive: node:repl stores the last value in `_`,
 * so memory a command returned stays in RSS although nothing of the user's holds it. null when
 * the result is not an object or the command did not grow memory by at least 1 MiB.
 */
export function keptAliveNote(report: CommandReport, result: unknown): string | null {
  if ((typeof result !== 'object' || result === null) && typeof result !== 'function') return null;
  const heap = report.memory.heap;
  const grownBytes = Math.max(report.memory.usedBytes ?? 0, heap === undefined ? 0 : heap.heapUsedDeltaBytes + heap.externalDeltaBytes);
  if (grownBytes < KEPT_ALIVE_HINT_BYTES) return null;
  return "the result is kept alive by the REPL's `_` until the next command, so its memory stays in current RAM (said once)";
}
