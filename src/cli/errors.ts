import { UsageError } from '../errors.ts';
import { InterruptedError, interruptionExitCode } from '../session/interruption.ts';

/** One line `error: …` for people; the stack only with --debug. */
export function formatError(error: unknown, { debug }: { debug: boolean }): string {
  if (debug && error instanceof Error && error.stack) return `error: ${error.stack}`;
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${message}`;
}

/** 2 for misuse, 128+n for an interruption by signal n (130 for Ctrl-C), 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InterruptedError) return interruptionExitCode(error.interruption);
  return error instanceof UsageError ? 2 : 1;
}
