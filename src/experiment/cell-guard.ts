import { onInterruption, settleAfterExit } from '../session/interruption.ts';
import { timingEnded } from '../session/timing-lock.ts';
import type { CountingSwitch } from '../perf/controller.ts';
import type { CellEvaluator, CellFailure, CellOutcome, PreparedCell } from './cell-evaluator.ts';

/** How a guarded evaluator turns a JavaScript error into a failure located in the cell file. */
export interface CellGuardOptions {
  /** Rewrites cell positions in a stack to file positions; returns the first one found, and the title of the cell it is in. */
  readonly rewriteStack: (stack: string) => { stack: string; first: { line: number; column: number } | null; cellTitle?: string | null };
  /** Seconds a cell may take, its awaits included; null: no limit. */
  readonly timeoutS?: number | null;
  /**
   * An error thrown by a timer or an unhandled rejection while no cell runs is passed here (cells
   * prints it and exits 1), with the title of the cell its stack points into, else the last cell's.
   */
  readonly onStrayFailure?: (failure: CellFailure, lastTitle: string | null) => void;
}

/** Thrown by process.exit() called inside a cell: perfcell, not the cell, decides when to exit. */
class CellExit extends Error {
  constructor(readonly exitCode: number) {
    super(`process.exit(${exitCode}) called`);
  }
}

/**
 * Makes the cells own their failures. While cells run, in perfcell's own process:
 * - process.exit(n) in a cell (or in its timer) throws instead of ending perfcell silently: the
 *   cell fails with an error naming the exit, and its failure carries `exitCode` n;
 * - an uncaught exception (a throw inside setTimeout) or an unhandled rejection fails the cell that
 *   is running, or, between cells, is handed to `onStrayFailure` as the last cell's;
 * - SIGINT, SIGTERM or SIGHUP, or `timeoutS`, end a cell whose await never settles: it fails with
 *   the reason and the evaluation is left behind (a synchronous endless loop cannot be stopped
 *   from inside its own thread).
 */
export function guardCells(inner: CellEvaluator, options: CellGuardOptions): CellEvaluator {
  let failRunning: ((failure: CellFailure) => void) | null = null;
  let lastTitle: string | null = null;
  let exitCode: number | null = null;
  let isClosed = false;

  /** The failure, and the title of the cell its stack points into (null: none does). */
  const failureOf = (error: unknown, fallback: string): { failure: CellFailure; cellTitle: string | null } => {
    if (error instanceof CellExit) exitCode = error.exitCode;
    // Errors made in the cells' context are of another realm: not `instanceof Error`, but error-like.
    const isErrorLike = typeof error === 'object' && error !== null && typeof (error as Error).message === 'string' && typeof (error as Error).name === 'string';
    const raw = isErrorLike ? ((error as Error).stack ?? `${(error as Error).name}: ${(error as Error).message}`) : `Uncaught ${safeString(error)}`;
    const { stack, first, cellTitle } = options.rewriteStack(raw);
    const message = error instanceof CellExit ? exitMessage(error.exitCode) : (raw.split(/\n\s+at /)[0] ?? fallback);
    const failure = { message, line: first?.line ?? null, column: first?.column ?? null, stack, ...(exitCode === null ? {} : { exitCode }) };
    return { failure, cellTitle: cellTitle ?? null };
  };

  const onUncaught = (error: unknown): void => {
    const { failure, cellTitle } = failureOf(error, 'uncaught exception');
    if (failRunning !== null) failRunning(failure);
    else options.onStrayFailure?.(failure, cellTitle ?? lastTitle);
  };
  const realExit = process.exit;
  const guardedExit = ((code?: number | string | null) => {
    const numeric = Number(code ?? process.exitCode ?? 0);
    exitCode = Number.isInteger(numeric) ? numeric : 1;
    throw new CellExit(exitCode);
  }) as typeof process.exit;
  process.exit = guardedExit;
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  return {
    prepare: (cell) => inner.prepare(cell),
    prepareAll: (cells) => inner.prepareAll(cells),
    run(cell: PreparedCell, counting?: CountingSwitch): Promise<CellOutcome> {
      lastTitle = cell.source.title;
      exitCode = null;
      return new Promise<CellOutcome>((resolve) => {
        let isSettled = false;
        const cleanups: Array<() => void> = [];
        const finish = (outcome: CellOutcome): void => {
          if (isSettled) return;
          isSettled = true;
          failRunning = null;
          for (const cleanup of cleanups) cleanup();
          // A process.exit() the cell caught and rethrew as something else is still its exit.
          if (!outcome.ok && exitCode !== null && outcome.failure.exitCode === undefined) {
            resolve({ ...outcome, failure: { ...outcome.failure, message: exitMessage(exitCode), exitCode } });
          } else resolve(outcome);
        };
        failRunning = (failure) => finish({ ok: false, failure });
        // An await that never settles leaves Node nothing to wait for: it would exit (13) with
        // nothing reported. This timer keeps the loop alive until the cell ends or is stopped.
        const keepAlive = setInterval(() => undefined, 1 << 30);
        cleanups.push(() => clearInterval(keepAlive));
        // after a perfcell.timeit or perfcell.compare the cell awaits: it stops at the end of its
        // batch or run, and shows what it measured first (timing-lock.ts)
        cleanups.push(onInterruption(({ signal }) => void timingEnded().then(() => finish({ ok: false, failure: plainFailure(`interrupted by ${signal} while the cell ran`, 'interrupted') }))));
        if (options.timeoutS != null) {
          const timeoutS = options.timeoutS;
          const timer = setTimeout(() => finish({ ok: false, failure: timeoutFailure(timeoutS) }), timeoutS * 1000);
          cleanups.push(() => clearTimeout(timer));
        }
        inner.run(cell, counting).then(
          (outcome) => {
            // A promise the cell rejected and left unhandled is only reported by Node after a turn of
            // the event loop (not at once after an inspector evaluation): the cell ends after one, so
            // the rejection fails this cell, not a later one, with the cell's own marks kept.
            failRunning = (failure) => finish({ ok: false, failure, ...(outcome.marks === undefined ? {} : { marks: outcome.marks }) });
            // A child process the group's Ctrl-C killed (execSync('sleep 5')) fails the cell as
            // perfcell gets its own SIGINT, whose handler runs some turns later: a failure waits for
            // it, so that the cell is the interruption's (the listener above ends it so). Unwaited,
            // the cell was 'failed at line 2: Command failed', and perfcell said the Ctrl-C had
            // come after the last cell, the results complete, with the next cell not run.
            setImmediate(() => (outcome.ok ? finish(outcome) : void settleAfterExit().then(() => finish(outcome))));
          },
          (error: unknown) => {
            // The inspector's own timeout ended a synchronous loop: the same failure as the timer's.
            const isTerminated = options.timeoutS != null && error instanceof Error && /Execution was terminated/.test(error.message);
            finish({ ok: false, failure: isTerminated ? timeoutFailure(options.timeoutS ?? 0) : failureOf(error, 'the cell failed').failure });
          },
        );
      });
    },
    close() {
      if (isClosed) return;
      isClosed = true;
      inner.close();
      if (process.exit === guardedExit) process.exit = realExit;
      failRunning = null;
      // Timers the cells left may still throw: with onStrayFailure they stay attributed to the
      // last cell; without it (a library user) Node's own handling comes back.
      if (options.onStrayFailure === undefined) {
        process.off('uncaughtException', onUncaught);
        process.off('unhandledRejection', onUncaught);
      }
    },
  };
}

/** What the cells CLI says next (cells not run, --keep-going, the exit code) is not repeated here. */
function exitMessage(code: number): string {
  return `the cell called process.exit(${code})`;
}

function timeoutFailure(timeoutS: number): CellFailure {
  return plainFailure(`the cell did not finish within ${timeoutS} s (--cell-timeout ${timeoutS})`, 'timeout');
}

function plainFailure(message: string, reason: NonNullable<CellFailure['reason']>): CellFailure {
  return { message, line: null, column: null, stack: message, reason };
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return 'a value';
  }
}
