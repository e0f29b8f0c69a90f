import { Recoverable, type REPLServer } from 'node:repl';
import type { Context } from 'node:vm';
import { prepareWindow, type MeasurementWindow } from '../session/window.ts';
import type { CountingSwitch } from '../perf/controller.ts';
import { markCommand, MARK, recordMark, unmarkStack, type CommandMarks } from './command-marks.ts';
import type { MeasureOptions } from '../session/options.ts';
import type { CommandReport } from '../session/report.ts';
import { classifyJavaScript, isTypeScriptError, onCompilerStart, stripTypes, type TypeScriptMode } from './typescript.ts';
import { typeScriptSyntaxError } from './typescript-syntax-error.ts';
import { HELD_CTRL_C_NOTE, holdCtrlC } from './held-ctrl-c.ts';
import { createTypedPositions, type PositionStep } from './typed-positions.ts';
import { rewriteStaticImports } from './static-imports.ts';
import { isInterruption, keptAliveNote, outcomeOfThrow, throwNote } from './report-notes.ts';
import { timingEnded } from '../session/timing-lock.ts';
import { createWindowSlot } from './window-slot.ts';
import { monotonicNs } from '../session/clock.ts';
import { LIVE_VISIBLE_AFTER_S } from '../live/relay.ts';
import { untilEndedLaunchersExit } from '../perf/perf-group-launcher.ts';
import { sharedPerfWanted } from '../perf/shared-perf-wanted.ts';
import { createTypingPerf } from './typing-perf.ts';
import { createLineTypeScriptImports } from './typescript-imports.ts';


type EvalCallback = (error: Error | null, result?: unknown) => void;
type Eval = (this: REPLServer, code: string, context: Context, file: string, callback: EvalCallback) => void;

/** What the REPL needs printed for one report: the report itself and the notes under it. */
export interface ReplReportEvent {
  readonly report: CommandReport;
  readonly notes: readonly string[];
  /** Warnings not printed before in this session. */
  readonly newWarnings: readonly string[];
}

export interface MeasuredEvalOptions {
  readonly measure?: MeasureOptions;
  readonly typescript?: TypeScriptMode;
  /** Reporting at start; `.stop`/`.start` flip it. Default true. */
  readonly reporting?: boolean;
  /**
   * Input held while a command is measured (see InputGate); `onInput` hears every keystroke or chunk
   * that arrives, `beforeSuspendKey` a Ctrl-Z as it goes on to readline, which stops the process.
   */
  readonly gate?: { hold(): void; release(): void; onInput?(listener: () => void): void; beforeSuspendKey?(listener: () => void): void };
  /**
   * Commands counted by one perf that ticks (typing-perf.ts): started at the first prompt, stopped
   * while nobody types, let go on at a keystroke (`gate.onInput`) or a command's enable. Default
   * false: a perf per command, prepared ahead.
   */
  readonly oneTickingPerf?: boolean;
  /** Prints a report; called before the prompt that follows the command. */
  readonly onReport: (event: ReplReportEvent) => void;
  /** One-line problems of perfcell itself (perf refused an explicit event, …). */
  readonly onProblem: (message: string) => void;
  readonly pid?: number;
  readonly prepare?: typeof prepareWindow;
  /** A last change to a command's JavaScript before it runs (the kernel's: cells that may run again). */
  readonly beforeRun?: (code: string) => string;
  /** Holds a Ctrl-C that comes while a command's code cannot be interrupted (held-ctrl-c.ts); the REPL's. Default false. */
  readonly holdsCtrlC?: boolean;
  /**
   * Called as each command's window closes, once its end point is read and just before its final
   * memory is settled (WindowEndHooks): the kernel shows a cell's value there and lets go of it.
   */
  readonly beforeSettle?: () => void;
}

/** The REPL's measuring state, as dot-commands and `perfcell.*` see it. */
export interface ReplMeasurement {
  readonly reporting: boolean;
  readonly measure: MeasureOptions;
  readonly history: readonly CommandReport[];
  readonly last: CommandReport | undefined;
  /** The number the next command gets (`In [N]`). */
  readonly commandNumber: number;
  /** Whether a command's synchronous part is over and it waits on a top-level await (a Ctrl-C ends that wait). */
  readonly awaiting: boolean;
  /** Whether a command is in hand, from its eval to its report (not input node:repl finishes itself: unfinished, refused): a Ctrl-C then is the command's. */
  readonly isInCommand: boolean;
  /**
   * Whether a command interrupted by Ctrl-C waits for a perfcell.timeit or perfcell.compare to end
   * before its report and prompt: the timing's text then has its place, where the line's value
   * would have been. Not at an idle prompt, whose Ctrl-C stops a timing no line awaits.
   */
  readonly isWaitingForTiming: boolean;
  /** Turns reporting on; false when it already was. */
  start(): boolean;
  stop(): boolean;
  /** Replaces the perf set-up from the next command on (the prepared perf is attached anew). */
  configure(measure: MeasureOptions): void;
  /** Stops the prepared perf; for exit. */
  close(): void;
}

type Phase = 'preparing' | 'running' | 'ending' | 'handing-over' | 'done';
type Outcome = { readonly exitCode: number | null; readonly signal?: string };

interface Command {
  phase: Phase;
  window: MeasurementWindow | null;
  /** The window closing (perf's last sample on its way); set once, when the command's end is known. */
  ending: Promise<void> | null;
  finishing: boolean;
  /** A prompt the REPL asked for while the report was not out yet. */
  prompt: { preserveCursor: boolean | undefined } | null;
  report: CommandReport | null;
  /** Whether code ran (syntax errors and unfinished input do not count as commands). */
  ran: boolean;
  notes: string[];
  /** When the window began opening: how long the live view's line may have been up. */
  beganNs?: bigint;
  /** The command's own start and end, set by its marks (command-marks.ts). */
  marks: CommandMarks;
  /** Whether the command carries a start mark: then a throw before it ran means none of its code ran. */
  isMarked: boolean;
  /** Still running once node:repl's eval returned: a top-level await waits. */
  awaits?: boolean;
}

/**
 * Measures every command of a node:repl server around the REPL's own eval, which keeps top-level
 * await and Ctrl-C (breakEvalOnSigint). A window is prepared (perf attached, disabled) before
 * the command is typed; the command's start only enables it. A command ends in one of two ways,
 * both seen here: the eval callback (a value, an unfinished-input `Recoverable`, or a parse
 * error), or — for a throw or a Ctrl-C, which node:repl sends to its domain and never to the
 * callback — the REPL's error handler formatting the thrown value with its writer. The window's
 * end point is read right then; while perf delivers its last sample the REPL prints the value or
 * the error, and the prompt it then asks for waits until the report is printed. Tab
 * completion's `try { … } catch {}` evals pass through unmeasured.
 */
export function measureReplCommands(server: REPLServer, options: MeasuredEvalOptions): ReplMeasurement {
  const typescript = options.typescript ?? 'auto';
  const pid = options.pid ?? process.pid;
  // PERFCELL_SHARED_PERF=0: a perf per command, as for cells
  const typing = options.oneTickingPerf === true && sharedPerfWanted() ? createTypingPerf(pid) : null;
  const slot = createWindowSlot(pid, options.measure ?? {}, options.prepare, typing);
  let reporting = options.reporting ?? true;
  /** Interrupted commands whose report waits for a timing's end (startEnding). */
  let waitingForTiming = 0;
  let commandNumber = 1;
  let active: Command | null = null;
  let closed = false;
  const history: CommandReport[] = [];
  const said = new Set<string>();
  /**
   * A set-up asked for while a command runs (perfcell.interval() or .events() in a notebook cell):
   * it takes effect from the next command on, once this one has ended, as does a stop(). Applied at
   * once, it closed the session's one perf, which was counting the command (its counters `<not
   * counted>`, short, or gone from its report).
   */
  let nextMeasure: MeasureOptions | null = null;

  const label = (): string => `In [${commandNumber}]`;
  const prepareNext = (): void => {
    if (reporting && !closed) slot.fill(label());
  };
  // Someone types: the typing perf ticks (or is started), never started while a command runs.
  if (typing !== null) options.gate?.onInput?.(() => {
    if (active !== null) return;
    prepareNext();
    typing.typed();
  });
  // Ctrl-Z: the REPL stops; its perf, which the terminal's SIGTSTP does not reach, is paused first
  if (typing !== null) options.gate?.beforeSuspendKey?.(() => typing.suspend());
  // esbuild's service starting now would inherit the armed perf's counters: the command gets a perf attached after it
  const stopWatchingCompiler = onCompilerStart(() => slot.drop());
  // a line's local TypeScript modules, compiled before its window opens
  const typescriptImports = createLineTypeScriptImports();
  // a stripped line's frames, at its positions as typed
  const typedPositions = createTypedPositions();

  const originalEval = server.eval as Eval;
  const isInCommand = (): boolean => active !== null && active.phase !== 'handing-over' && active.phase !== 'done';
  // held but where an await waits (its Ctrl-C ends it) or a timing it awaited still runs (the Ctrl-C
  // stops it): an await line's report, made after its promise settled, holds it as a plain line's does
  const heldCtrlC = options.holdsCtrlC === true ? holdCtrlC(server, () => isInCommand() && !(active?.phase === 'running' && active.awaits === true) && waitingForTiming === 0) : null;
  const originalDisplayPrompt = server.displayPrompt.bind(server);
  const originalWriter = server.writer;

  // The command's marks (command-marks.ts) call this; it turns perf on and off where the window has
  // a switch. Named files are those of commands markCommand made, whose first lines' columns are moved back by the mark's length.
  let marking: { marks: CommandMarks; counting: CountingSwitch | null } | null = null;
  const markedFiles = new Set<string>();
  const mark = (which: 0 | 1): 0 => {
    if (marking === null) return 0;
    recordMark(which, marking.marks, marking.counting);
    if (which === 1) marking = null;
    return 0;
  };
  const unmarked = new WeakSet<object>();
  /** The error, its stack at the command's positions as typed (its mark out, esbuild's strip and the imports' rewrites taken back), once. */
  const typedError = (error: Error): void => {
    if (typeof error.stack !== 'string' || unmarked.has(error)) return;
    unmarked.add(error);
    error.stack = typescriptImports.rewriteStack(typedPositions.typedStack(unmarkStack(error.stack, markedFiles)));
  };
  // node:repl shows a command's value with the writer while the eval callback runs; a throw it shows from its domain's handler
  let isShowingValue = false;
  /**
   * The command's end as its end mark would read it, first thing where node:repl hands back a line
   * whose end mark did not run (top-level await, a throw): perf goes off before perfcell's own work
   * (the eval's settling, the window's end reads). An `await` of 1 s had read 4-5 ms of task-clock
   * over that work and node:repl's own parse of the line.
   */
  const endOwnCount = (command: Command): void => {
    if (marking !== null && marking.marks === command.marks && command.marks.startNs !== undefined) mark(1);
  };

  // The REPL's domain error handler formats a thrown value with the writer before it prints it:
  // the first moment a throw or an interruption is visible (the eval callback never sees it).
  const writer = Object.assign((value: unknown): string => {
    const command = active;
    if (command?.phase === 'running') {
      // V8 refused the line before its first statement (a `let` declared twice): none of it ran, so,
      // as with a syntax error, nothing is reported and the prompt keeps its number
      if (command.isMarked && command.marks.startNs === undefined) refused(command);
      else {
        endOwnCount(command);
        startEnding(command, outcomeOfThrow(value), (report) => command.notes.push(throwNote(value, report)), isInterruption(value));
      }
    }
    try {
      if (value instanceof Error) typedError(value);
      return originalWriter.call(server, value);
    } catch (problem: unknown) {
      // A value that cannot be shown (its inspect.custom throws): what showing it threw is shown,
      // as Node's REPL shows it. Thrown from here, it had ended the command as perfcell's own
      // failure, with no report, and left its window open for every later line.
      let shown: string;
      try {
        shown = originalWriter.call(server, problem);
      } catch {
        shown = '[a value that cannot be shown]';
      }
      // node:repl says 'Uncaught' before a throw itself, not before a value (a throw outside any
      // command too: a timer's, between lines)
      return isShowingValue ? `Uncaught ${shown}` : shown;
    }
  }, { options: (originalWriter as { options?: unknown }).options });

  const measuredEval: Eval = function (code, context, file, callback) {
    if (active !== null || closed || isCompletionProbe(code) || code.trim() === '') {
      originalEval.call(server, code, context, file, callback);
      return;
    }
    const command: Command = { phase: 'preparing', window: null, ending: null, finishing: false, prompt: null, report: null, ran: false, notes: [], marks: {}, isMarked: false };
    active = command;
    options.gate?.hold();
    run(command, code, context, file, callback).catch((error: unknown) => {
      if (command.phase === 'preparing') {
        // Nothing ran (esbuild failed to load, say): the REPL prints the error as the command's.
        handOver(command, () => callback(error instanceof Error ? error : new Error(String(error))));
        return;
      }
      giveUp(command, error);
    });
  };

  async function run(command: Command, typed: string, context: Context, file: string, callback: EvalCallback): Promise<void> {
    // `import … from` as the REPL can run it (await import()), before V8 or esbuild read it.
    const code = rewriteStaticImports(typed);
    const verdict = typescript === true ? 'invalid' : classifyJavaScript(code);
    let source = code;
    // how the code that runs was made of the line as typed, to give its frames back (typed-positions.ts)
    const steps: PositionStep[] = [{ kind: 'rewrite', before: typed, after: code }];
    if (verdict !== 'valid') {
      // Unfinished or invalid input runs nothing: the REPL itself asks for more lines or prints its SyntaxError.
      if (verdict === 'incomplete' || typescript === false) return passThrough(command, code, context, file, callback);
      const stripped = await stripTypes(code, 'REPL', true);
      if (stripped.kind === 'incomplete') return handOver(command, () => callback(new Recoverable(new SyntaxError(stripped.message))));
      if (stripped.kind === 'invalid') {
        if (typescript === 'auto' && !(await isTypeScriptError(code, stripped))) return passThrough(command, code, context, file, callback);
        return handOver(command, () => callback(typeScriptSyntaxError(stripped, file, typed)));
      }
      source = stripped.code;
      if (stripped.map !== undefined) steps.push({ kind: 'map', map: stripped.map });
    }
    const stripped = source;
    source = await typescriptImports.prepare(source, context);
    if (options.beforeRun !== undefined) source = options.beforeRun(source);
    steps.push({ kind: 'rewrite', before: stripped, after: source });
    typedPositions.ran(file, steps, typed);
    const marked = markCommand(source);
    command.isMarked = marked.started;
    markedFiles.add(file);
    if (marked.started && !Object.hasOwn(context, MARK)) Object.defineProperty(context, MARK, { value: mark, enumerable: false });
    // the line before's perf launcher is reaped outside this line's window (its perf's CPU is not the line's)
    await untilEndedLaunchersExit();
    command.beganNs = monotonicNs();
    let counting: CountingSwitch | null = null;
    // perf is switched by the command's own start mark; a line with top-level await has no end
    // mark (it would become the line's value), so its switch goes off as its promise settles (endOwnCount)
    if (reporting) [command.window, counting] = await beginWindow(marked.started);
    command.phase = 'running';
    command.ran = true;
    marking = marked.started ? { marks: command.marks, counting } : null;
    originalEval.call(server, marked.code, context, file, (error, result) => {
      endOwnCount(command);
      try {
        settle(command, error, result, callback);
      } catch (problem: unknown) {
        giveUp(command, problem);
      }
    });
    // a value, a throw or a Ctrl-C of the synchronous part has ended it by now: still running, node:repl ran it as top-level await
    if (command.phase === 'running') command.awaits = true;
    // a Ctrl-C held while the line was prepared or compiled ends the await it now waits on
    if (command.awaits === true && heldCtrlC?.take() === true) server.emit('SIGINT');
  }

  /** The command's window, opened; with its switch where the command turns perf on and off itself (`switchInCommand`). */
  async function beginWindow(switchInCommand: boolean): Promise<[MeasurementWindow, CountingSwitch | null]> {
    const window = slot.take(label());
    try {
      return [window, await window.begin({ switchInCommand })];
    } catch (error: unknown) {
      // An explicitly asked event perf refuses: say so once, and measure without perf until .events changes it.
      window.cancel();
      options.onProblem(`${error instanceof Error ? error.message : String(error)}; measuring RAM, time and CPU only (.events LIST to try again)`);
      slot.turnPerfOff();
      const fallback = slot.takeWithoutPerf(label());
      await fallback.begin();
      return [fallback, null];
    }
  }

  /** Hands the code to the REPL unmeasured; it settles through the callback or the REPL's error prompt. */
  function passThrough(command: Command, code: string, context: Context, file: string, callback: EvalCallback): void {
    handOver(command, () => originalEval.call(server, code, context, file, callback));
  }

  /** A command none of whose code ran: its window is dropped unread, and the REPL's prompt ends it. */
  function refused(command: Command): void {
    marking = null;
    command.ran = false;
    command.window?.cancel();
    command.window = null;
    command.phase = 'handing-over';
  }

  /** Nothing is measured: the REPL takes it from here, and its prompt ends the command. */
  function handOver(command: Command, deliver: () => void): void {
    command.window?.cancel();
    command.window = null;
    command.phase = 'handing-over';
    deliver();
    // The REPL normally asks for its prompt while handing over; if it did not, finish here.
    if (!isDone(command)) complete(command);
  }

  function settle(command: Command, error: Error | null, result: unknown, callback: EvalCallback): void {
    if (command.phase !== 'running') return;
    // Unfinished input, or a parse error the REPL found where V8 alone did not (`{ …; await x }`):
    // nothing ran, so there is nothing to report.
    if (error instanceof Recoverable || error?.name === 'SyntaxError') {
      command.ran = false;
      // V8's SyntaxError still heads its stack with `REPLn:LINE` here (node:repl takes it off before
      // the writer sees it): the line to give back as typed, where esbuild let a decorator through
      if (error !== null && !(error instanceof Recoverable)) typedError(error);
      handOver(command, () => callback(error));
      return;
    }
    const wasLive = mayShowLive(command);
    // The value takes the previous one's place in `_` now, as the REPL will when it prints it (later,
    // after a live line): the window's settled final memory must not count a previous result that
    // only `_` still held.
    const feedsUnderscore = error === null && !server.underscoreAssigned;
    if (feedsUnderscore) (server as unknown as { last: unknown }).last = result;
    // The hint's closure holds the value until the report: only where `_` holds it anyway. A
    // closure that held it everywhere kept a kernel cell's value through the settling (another
    // closure of this call holding `result` keeps it in their shared context: hence the helper).
    startEnding(command, { exitCode: error === null ? 0 : 1 }, feedsUnderscore ? keptAliveHintOf(command, result) : undefined);
    // The REPL prints the value (or the error) now and asks for its prompt, which waits for the report.
    // After a command long enough to have shown the live line, the value waits until the relay has
    // erased it (the report waits for that too), so it is not printed over the line.
    const deliver = (): void => {
      if (error !== null) return callback(error);
      isShowingValue = true;
      try {
        callback(null, result);
      } finally {
        isShowingValue = false;
      }
    };
    if (wasLive && command.ending !== null) void command.ending.then(deliver, deliver);
    else deliver();
    finishWhenReported(command);
  }

  /**
   * Reads the window's end point now; the report follows when perf has delivered its last sample.
   * An interrupted command's report (and its prompt) also waits for the perfcell.timeit or
   * perfcell.compare it awaited: node:repl has ended the line, the timing stops after the batch or
   * run it is in and then shows what it measured (scope-tools.ts), which had come after the prompt.
   */
  function startEnding(command: Command, outcome: Outcome, onReport: (report: CommandReport) => void = () => undefined, isInterrupted = false): void {
    if (command.ending !== null) return;
    const wasLive = mayShowLive(command);
    command.phase = 'ending';
    const window = command.window;
    command.window = null;
    const reported =
      window === null
        ? Promise.resolve()
        : window.end(outcome, command.marks, options.beforeSettle === undefined ? {} : { beforeSettle: options.beforeSettle }).then(
            (report) => {
              command.report = slot.learn({ ...report, label: label() });
              onReport(command.report);
            },
            (error: unknown) => {
              options.onProblem(`perfcell could not finish this command's report: ${error instanceof Error ? error.message : String(error)}`);
            },
          );
    if (isInterrupted) {
      waitingForTiming++;
      command.ending = Promise.all([reported, timingShown()]).then(() => void waitingForTiming--);
    } else command.ending = reported;
    // window.end() has told the relay to erase its line; a throw or Ctrl-C is printed right after
    // this, so the line is cleared here as well.
    if (wasLive) process.stderr.write('\r\x1b[K');
  }

  /** Whether the live view's relay may have drawn its line during this command (a long one, live on). */
  function mayShowLive(command: Command): boolean {
    if (slot.measure.live !== true || command.beganNs === undefined || command.window === null) return false;
    return Number(monotonicNs() - command.beganNs) / 1e9 >= LIVE_VISIBLE_AFTER_S;
  }

  function finishWhenReported(command: Command): void {
    if (command.finishing || command.ending === null) return;
    command.finishing = true;
    command.ending.then(
      () => complete(command),
      (error: unknown) => giveUp(command, error),
    );
  }

  /** perfcell itself failed mid-command: say so, drop the window, and keep the session usable. */
  function giveUp(command: Command, error: unknown): void {
    options.onProblem(`perfcell could not measure this command: ${error instanceof Error ? error.message : String(error)}`);
    command.marks.gc?.stop();
    command.window?.cancel();
    command.window = null;
    command.report = null;
    command.prompt ??= { preserveCursor: undefined };
    if (!isDone(command)) complete(command);
  }

  /** The REPL's note, once, that `_` keeps the command's value (and its memory) alive. */
  function keptAliveHintOf(command: Command, result: unknown): (report: CommandReport) => void {
    return (report) => {
      if (said.has('kept-alive') || server.underscoreAssigned) return;
      const note = keptAliveNote(report, result);
      if (note === null) return;
      said.add('kept-alive');
      command.notes.push(note);
    };
  }

  function complete(command: Command): void {
    if (isDone(command)) return;
    if (heldCtrlC?.take() === true && command.ran) command.notes.push(HELD_CTRL_C_NOTE);
    command.phase = 'done';
    active = null;
    publish(command);
    if (command.ran) commandNumber++;
    server.setPrompt(`${label()}: `);
    if (command.prompt !== null) originalDisplayPrompt(command.prompt.preserveCursor);
    if (nextMeasure !== null) slot.configure(nextMeasure);
    else if (!reporting) slot.drop();
    nextMeasure = null;
    slot.afterCommand();
    prepareNext();
    options.gate?.release();
  }

  /** The command's report into the history, and out. */
  function publish(command: Command): void {
    const report = command.report;
    if (report === null) return;
    history.push(report);
    const newWarnings = report.warnings.filter((warning) => !said.has(warning));
    for (const warning of newWarnings) said.add(warning);
    options.onReport({ report, notes: command.notes, newWarnings });
  }

  /**
   * Node emits 'beforeExit' where the process ends with nothing left to run, never at a
   * process.exit(): a line awaiting a promise that cannot settle once a piped input has ended (the
   * REPL, paused by the await, never closes). Its report had blamed a process.exit(0) nobody called.
   */
  let drained = false;
  const onDrained = (): void => {
    drained = true;
  };

  /**
   * A line that ends the process (`work(); process.exit(0)`): its report is made and printed here,
   * in the 'exit' event, where only synchronous code runs; the process ended before it (a QA pass).
   * It holds what was measured up to the exit, perf's counts too where they can be read then, and
   * says what it lacks (window.ts endAtExit).
   */
  const reportAtExit = (code: number): void => {
    const command = active;
    const window = command?.window ?? null;
    if (command === null || command.phase !== 'running' || window?.endAtExit === undefined) return;
    const wasLive = mayShowLive(command);
    // the line's end, as its end mark would read it: perf goes off (its switch is synchronous)
    endOwnCount(command);
    command.window = null;
    command.phase = 'done';
    try {
      const report = window.endAtExit({ exitCode: code, calledExit: !drained }, command.marks);
      if (report === null) return;
      // the live view's relay is not told to erase its line (that is a round trip): the line goes here
      if (wasLive) process.stderr.write('\r\x1b[K');
      command.report = { ...report, label: label() };
      publish(command);
    } catch (error: unknown) {
      options.onProblem(`perfcell could not finish this command's report: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // before the exit hook that kills perfcell's perfs (perf-process.ts), which may be older: perf's tail is read here
  process.prependListener('exit', reportAtExit);
  process.on('beforeExit', onDrained);

  Object.assign(server, {
    eval: measuredEval,
    writer,
    displayPrompt(preserveCursor?: boolean): void {
      const command = active;
      if (command === null) {
        originalDisplayPrompt(preserveCursor);
        return;
      }
      command.prompt = { preserveCursor };
      // A prompt while the command runs ends it as failed (the writer normally saw the throw first).
      if (command.phase === 'running') startEnding(command, { exitCode: 1 });
      if (command.phase === 'ending') finishWhenReported(command);
      else if (command.phase === 'handing-over') complete(command);
      // 'preparing': the prompt waits for the command.
    },
  });
  server.setPrompt(`${label()}: `);
  prepareNext();

  return {
    get reporting() {
      return reporting;
    },
    get measure() {
      return nextMeasure ?? slot.measure;
    },
    history,
    get last() {
      return history.at(-1);
    },
    get commandNumber() {
      return commandNumber;
    },
    get awaiting() {
      return active?.phase === 'running' && active.awaits === true;
    },
    get isInCommand() {
      return isInCommand();
    },
    get isWaitingForTiming() {
      return waitingForTiming > 0;
    },
    start() {
      if (reporting) return false;
      reporting = true;
      if (active === null) prepareNext();
      return true;
    },
    stop() {
      if (!reporting) return false;
      reporting = false;
      if (active === null) slot.drop();
      return true;
    },
    configure(replacement) {
      if (active !== null) {
        nextMeasure = replacement;
        return;
      }
      slot.configure(replacement);
      prepareNext();
    },
    close() {
      closed = true;
      process.off('exit', reportAtExit);
      process.off('beforeExit', onDrained);
      stopWatchingCompiler();
      slot.drop();
    },
  };
}

/**
 * Settles once no perfcell.timeit or perfcell.compare runs, and a turn of the event loop later:
 * a timeit's text is shown a few promise steps after its timing has ended.
 */
function timingShown(): Promise<void> {
  return timingEnded().then(() => new Promise((resolve) => setImmediate(resolve)));
}

/** Read through a function: TypeScript's narrowing does not know the REPL's calls change the phase. */
function isDone(command: Command): boolean {
  return command.phase === 'done';
}

/** node:repl's Tab completion evaluates `try { expr } catch {}` to list properties: not a command. */
function isCompletionProbe(code: string): boolean {
  return code.startsWith('try { ') && code.endsWith(' } catch {}');
}
