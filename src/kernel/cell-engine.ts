import repl, { type REPLServer } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import { exposeGc } from '../repl/expose-gc.ts';
import { createScopeTools, interruptsOf, type OnInterrupt } from '../repl/scope-tools.ts';
import { evaluateWithSigintListenersOff } from '../repl/sigint-listeners-off.ts';
import { measureReplCommands, type ReplMeasurement, type ReplReportEvent } from '../repl/measured-eval.ts';
import type { MeasureOptions } from '../session/options.ts';
import { prepareWindow, type MeasurementWindow } from '../session/window.ts';
import { redeclarableTopLevel } from './redeclarable.ts';
import { endedTooEarly } from '../repl/recoverable-error.ts';

type AsyncCompleter = (line: string, callback: (error: Error | null | undefined, result?: [string[], string]) => void) => void;
type EvalCallback = (error: Error | null, result?: unknown) => void;
type Eval = (this: REPLServer, code: string, context: object, file: string, callback: EvalCallback) => void;

/**
 * How a cell ended: its value, or what it threw (a SyntaxError, an interruption, …); `shown`: its
 * value, handed to run's `show` and no longer held by the engine.
 */
export type CellOutcome = { readonly kind: 'value'; readonly value: unknown } | { readonly kind: 'thrown'; readonly value: unknown } | { readonly kind: 'shown'; readonly value?: undefined };

export interface EngineRun {
  readonly outcome: CellOutcome;
  /** The cell's report; null with reporting off, for code that did not run, or when perfcell failed. */
  readonly report: ReplReportEvent | null;
}

export interface CellEngine {
  /**
   * Runs one cell in the shared scope, measured like a REPL command; settles once its report is
   * ready. `file` is the name its stack frames show, one of its own (default `cell[N]`, N counting
   * this engine's runs): frames of a name that ran two cells cannot be told apart, and stay at the
   * positions of the code that ran, not as typed (typed-positions.ts).
   *
   * `show`, where given, is handed the cell's value (undefined too) once, and the run's outcome is
   * then `shown`: as soon as the cell's window has read its end point and before its final memory
   * is settled, so a value nothing else references is not RAM the cell kept (as under `perfcell
   * cells`, which drops it), and what showing it costs is in none of the cell's figures; else (no
   * window, reporting off, perfcell's own failure) as the run settles.
   */
  run(code: string, file?: string, show?: (value: unknown) => void): Promise<EngineRun>;
  /**
   * Interrupts a cell that waits on a top-level await (node:repl's own Ctrl-C path). A cell busy
   * in synchronous code is stopped by SIGINT itself (breakEvalOnSigint); false when no cell waits.
   */
  interruptAwait(): boolean;
  /** Calls a listener at each interruption of an awaiting cell: a timeit or compare it awaits stops with it. */
  readonly interrupts: OnInterrupt;
  /**
   * Shows the text of a timeit or compare an interruption stopped as the cell's output (its stdout,
   * which the kernel sends as a stream): the interrupted cell has no value to show it. The cell's
   * run settles after it.
   */
  readonly showInterrupted: (text: string) => void;
  /** Completions of `line` as node:repl's Tab finds them: [names, the text they replace]. */
  complete(line: string): Promise<readonly [readonly string[], string]>;
  /** Prepares the next cell's window now (perf attached); call once the cell's messages are out. */
  preparedNow(): void;
  readonly measurement: ReplMeasurement;
  readonly server: REPLServer;
  close(): void;
}

export interface CellEngineOptions {
  readonly measure?: MeasureOptions;
  /** One-line problems of perfcell itself. */
  readonly onProblem: (message: string) => void;
  /** node:repl's report of an error thrown while no cell runs (a timer or promise of an earlier cell). */
  readonly onStrayOutput?: (text: string) => void;
  /** A SIGINT that found no cell to interrupt. */
  readonly onIdleInterrupt?: () => void;
}

interface Pending {
  /** Emptied with the rest once the cell has ended (releaseCell). */
  resolve: (run: EngineRun) => void;
  outcome: CellOutcome | null;
  /** run's `show`, until the value is handed to it (handValueOn). */
  show: ((value: unknown) => void) | null;
  thrown: { value: unknown } | null;
  report: ReplReportEvent | null;
  awaiting: boolean;
}

/**
 * The notebook kernel's evaluation: the REPL's measured eval (measureReplCommands over a
 * node:repl server), driven without a terminal. It keeps everything the REPL has — one global
 * scope, top-level await, TypeScript, Ctrl-C by SIGINT, the window prepared before each
 * command — and only changes where code comes from and where the report goes. The server's
 * eval, writer and prompt are hooked underneath the measured ones: the eval callback brings a
 * value or a parse error, the writer a throw (node:repl's domain formats it), and the prompt
 * the measured eval asks for once the report is out is the end of the cell.
 */
export function createCellEngine(options: CellEngineOptions): CellEngine {
  exposeGc();
  // What node:repl prints: a cell's own throw is its outcome; anything printed while no cell runs
  // (a timer of an earlier cell throwing, an unhandled rejection) goes to onStrayOutput.
  let pending: Pending | null = null;
  // process.exit(n) in a cell ends the cell, not the kernel, as IPython takes sys.exit() (it shows
  // `SystemExit: n` and keeps the kernel and its state): a real exit aborted the kernel (its ZeroMQ
  // sockets still open: "terminate called after throwing an instance of 'Napi::Error'"), with no
  // reply, so Jupyter only saw it die; and a kernel that exited on purpose would lose every
  // variable of the notebook for what is often a script's habit. The throw stops the cell like any
  // other, so its output and its report (perf stopped as for a throw) go out as usual. The same
  // throw in a timer or callback while no cell runs is shown as such a throw is (stderr).
  const realExit = process.exit;
  const cellExit = ((code?: number | string | null) => {
    const isInCell = pending !== null && pending.outcome === null && pending.thrown === null;
    const error = new Error(exitMessage(code, process.exitCode, isInCell));
    // The stack starts where exit was called (the cell's line, a library's, a timer's), not in this hook.
    Error.captureStackTrace(error, cellExit);
    throw error;
  }) as typeof process.exit;
  process.exit = cellExit;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      // Once a cell's outcome is known, what follows is not its own (a timer firing before its report is out).
      if ((pending === null || pending.outcome !== null) && chunk.length > 0) options.onStrayOutput?.(chunk.toString());
      done();
    },
  });
  const server = repl.start({ prompt: '', input: new PassThrough(), output: sink, terminal: false, useGlobal: true, ignoreUndefined: true, breakEvalOnSigint: true });
  // Cells do not feed `_`: the notebook shows the value, which the kernel builds its display of and
  // lets go of before the cell's final memory is settled (run's `show`), so the REPL's `_` note
  // does not apply. (Before, the cell's outcome held the value until its report was out, through
  // the settling: a 64 MiB value read 64 MiB used, and the next cell -64 MiB.)
  Object.assign(server, { underscoreAssigned: true });
  let closed = false;

  const replEval = server.eval as Eval;
  const originalWriter = server.writer;
  // SIGINT: while a cell's synchronous code runs, node:repl's watchdog (breakEvalOnSigint) takes
  // it and stops the code. No process listener may exist then, the kernel's or one an earlier cell
  // added (sigint-listeners-off.ts: the Jupyter interrupt had ended the kernel). Outside that, the
  // listener interrupts a cell waiting on an await, and otherwise keeps the kernel alive.
  const onSigint = (): void => {
    if (!interruptAwait()) options.onIdleInterrupt?.();
  };
  process.on('SIGINT', onSigint);
  const hookedEval: Eval = function (code, context, file, callback) {
    const cell = pending;
    const self = this;
    // a function declaration, so its frame has a name: node:repl cuts a throw's stack at its lowest
    // frame without a name, which must be the cell's own (see await-sigint.ts)
    function evaluateCell(done: () => void): void {
      replEval.call(self, code, context, file, (error, result) => {
        done();
        callback(error, result);
      });
    }
    evaluateWithSigintListenersOff(server, evaluateCell, (listener) => listener !== onSigint || !closed);
    // Still unsettled after the synchronous part: a top-level await is waiting (and listens for Ctrl-C).
    if (cell !== null && cell.outcome === null && cell.thrown === null) cell.awaiting = true;
  };
  Object.assign(server, {
    eval: hookedEval,
    writer: Object.assign((value: unknown): string => {
      if (pending !== null && pending.thrown === null) pending.thrown = { value };
      return originalWriter.call(server, value);
    }, { options: (originalWriter as { options?: unknown }).options }),
    displayPrompt(): void {
      const cell = pending;
      if (cell === null) return;
      pending = null;
      cell.outcome ??= cell.thrown !== null ? { kind: 'thrown', value: cell.thrown.value } : { kind: 'value', value: undefined };
      handValueOn(cell);
      const { resolve, report, outcome } = cell;
      releaseCell(cell);
      resolve({ outcome, report });
    },
  });

  // Where the session's one perf cannot serve a window (an interval under its tick, -M, or
  // PERFCELL_SHARED_PERF=0: typing-perf.ts), the measured eval prepares the next cell's window
  // (spawns perf, a few ms of this thread) as soon as a cell's report is out, which would be before
  // the kernel has sent that report. The spawn waits here until the kernel calls preparedNow()
  // (after its replies), or until the next cell begins, whichever comes first. A window on the
  // session's perf spawns nothing (`attachPerf`).
  const heldBack = new Set<() => void>();
  const prepareLater: typeof prepareWindow = (pid, measure = {}, attachPerf) => {
    let window: MeasurementWindow | null = null;
    const ready = (): MeasurementWindow => {
      heldBack.delete(start);
      window ??= prepareWindow(pid, measure, attachPerf);
      return window;
    };
    const start = (): void => void ready();
    heldBack.add(start);
    return {
      begin: (how) => ready().begin(how),
      end: (outcome, marks, hooks) => ready().end(outcome, marks, hooks),
      cancel() {
        heldBack.delete(start);
        window?.cancel();
      },
    };
  };

  const measurement = measureReplCommands(server, {
    ...(options.measure === undefined ? {} : { measure: options.measure }),
    prepare: prepareLater,
    // one perf for the session, stopped between cells (typing-perf.ts): no perf's exit and spawn per cell
    oneTickingPerf: true,
    typescript: 'auto',
    // a notebook runs its cells again: a cell's top-level const, let and class may be declared again
    beforeRun: redeclarableTopLevel,
    onReport(event) {
      if (pending !== null) pending.report = event;
    },
    // the cell's window has read its end point: its value is shown now and let go before the settling
    beforeSettle() {
      if (pending !== null) handValueOn(pending);
    },
    onProblem: options.onProblem,
  });
  // perfcell.timeit / perfcell.compare and the reports as data, as in the REPL.
  Object.defineProperty(server.context, 'perfcell', {
    value: {
      ...createScopeTools(() => measurement.measure, undefined, interruptsOf(server), showInterrupted),
      get last() {
        return measurement.last;
      },
      get history() {
        return [...measurement.history];
      },
    },
    configurable: true,
    writable: true,
    enumerable: false,
  });

  function showInterrupted(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  function interruptAwait(): boolean {
    if (pending === null || !pending.awaiting || pending.outcome !== null || pending.thrown !== null) return false;
    server.emit('SIGINT');
    return true;
  }

  /**
   * node:repl keeps each eval's callback reachable after the eval, and so the cell the callback
   * holds: a cell that kept its value, its throw and the promise of its run kept every value a
   * notebook had shown in RAM for good (a 39 MiB array, two cells and any number of gc() later,
   * still in current RAM, where the REPL lets go of it once `_` holds the next value; only a heap
   * snapshot's GC freed them). The ended cell hands them on and keeps none of them.
   */
  function releaseCell(cell: Pending): void {
    cell.outcome = null;
    cell.show = null;
    cell.thrown = null;
    cell.report = null;
    cell.resolve = () => undefined;
  }

  /** A cell's value, once known, to run's `show`; the cell then holds it no more. */
  function handValueOn(cell: Pending): void {
    const { outcome, show } = cell;
    if (show === null || outcome?.kind !== 'value') return;
    cell.show = null;
    cell.outcome = SHOWN;
    show(outcome.value);
  }

  let queue: Promise<unknown> = Promise.resolve();
  let runs = 0;
  const runNow = (code: string, file: string, show: ((value: unknown) => void) | null): Promise<EngineRun> =>
    new Promise((resolve) => {
      const cell: Pending = { resolve, outcome: null, show, thrown: null, report: null, awaiting: false };
      pending = cell;
      server.eval(code, server.context, file, (error, result) => {
        if (cell.outcome === null) {
          cell.outcome = error === null ? { kind: 'value', value: result } : { kind: 'thrown', value: error instanceof repl.Recoverable ? endedTooEarly(error, 'the cell') : error };
        }
        // As node:repl does after printing a value: ask for the prompt, which the measured eval holds until the report is out.
        server.displayPrompt();
      });
    });

  return {
    run(code, file = `cell[${runs + 1}]`, show) {
      runs += 1;
      const result = queue.then(() => runNow(code, file, show ?? null));
      queue = result.catch(() => undefined);
      return result;
    },
    interruptAwait,
    interrupts: interruptsOf(server),
    showInterrupted,
    preparedNow() {
      for (const start of [...heldBack]) start();
    },
    complete(line) {
      return new Promise((resolve) => {
        (server.completer as unknown as AsyncCompleter)(line, (error, result) => {
          if (error || result === undefined) resolve([[], '']);
          else resolve([result[0].filter((name) => name !== ''), result[1]]);
        });
      });
    },
    measurement,
    server,
    close() {
      closed = true;
      if (process.exit === cellExit) process.exit = realExit;
      process.off('SIGINT', onSigint);
      measurement.close();
      server.close();
    },
  };
}

const SHOWN: CellOutcome = { kind: 'shown' };

/**
 * The error a cell's process.exit() throws: the call as made, the exit code Node would have used
 * where the call names none (process.exitCode), and that the kernel goes on.
 * @example exitMessage(undefined, 3, true) // 'process.exit() with process.exitCode 3 in a cell: the kernel goes on (restart the kernel to start afresh)'
 */
export function exitMessage(code: number | string | null | undefined, exitCode: number | string | null | undefined, isInCell: boolean): string {
  const fromExitCode = code == null && exitCode != null ? ` with process.exitCode ${exitCode}` : '';
  const where = isInCell ? 'in a cell' : 'outside a cell (a timer or callback)';
  return `process.exit(${code ?? ''})${fromExitCode} ${where}: the kernel goes on (restart the kernel to start afresh)`;
}
