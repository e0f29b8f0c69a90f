import { Console } from 'node:console';
import { closeSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ReadLineOptions } from 'node:readline';
import repl, { type REPLServer } from 'node:repl';
import { fitToWidth, renderReplReport } from '../render/report-repl.ts';
import { DEFAULT_EVENTS, type MeasureOptions } from '../session/options.ts';
import type { CommandReport } from '../session/report.ts';
import { installCompleter } from './completer.ts';
import { defineDotCommands } from './dot-commands.ts';
import { exposeGc } from './expose-gc.ts';
import { InputGate } from './input-gate.ts';
import { deferResizeRedraws, resizeListenersAddedBy } from './resize-redraws.ts';
import { measureReplCommands, type ReplMeasurement } from './measured-eval.ts';
import { createScopeTools, interruptsOf, type ScopeTools } from './scope-tools.ts';
import type { TypeScriptMode } from './typescript.ts';
import { outputWidth, warningText } from '../render/terminal-width.ts';
import { toJsonDocument } from '../json-document.ts';
import { timeitDocument } from '../render/timeit-json.ts';
import type { TimeitResult } from '../session/timeit.ts';
import { checkReplOptions } from '../session/check-options.ts';
import { sendCellStdout } from '../own-stdout.ts';
import { endAwaitsOnSigint } from './await-sigint.ts';

export interface StartReplOptions {
  /** perf set-up (events, intervalMs, perf: false for RAM/time/CPU only). */
  readonly measure?: MeasureOptions;
  /** `'auto'` (default): TypeScript only where a command does not parse as JavaScript. */
  readonly typescript?: TypeScriptMode;
  /** Report from the first command (default true). */
  readonly reporting?: boolean;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Warnings and problems (default stderr). */
  readonly errorOutput?: NodeJS.WritableStream;
  /** History file; '' or null for none. Default $PERFCELL_REPL_HISTORY, else ~/.perfcell_repl_history. */
  readonly historyPath?: string | null;
  /** One line on errorOutput saying how to drive the session (default true). */
  readonly banner?: boolean;
  /** One report line per command, as ipython-memory-usage (default false). */
  readonly compact?: boolean;
  /** Columns the reports fit (default $COLUMNS, else the terminal's width; a pipe gets whole lines). */
  readonly width?: number;
  /**
   * Each report as one perfcell-report JSON document a line on `output` (as `run --json` prints
   * one), and each `.timeit` as a perfcell-timeit line, their notes on errorOutput; the REPL's
   * prompt, values and the commands' console go to errorOutput, so that `output` holds the reports
   * alone (default false). The console is the process's global one: the program's own goes there
   * too until the REPL exits, and is given back then.
   */
  readonly json?: boolean;
}

export interface StartedRepl {
  readonly server: REPLServer;
  readonly measurement: ReplMeasurement;
  /** Settles when the REPL exits (.exit, Ctrl-D, end of input); perf is stopped by then. */
  readonly closed: Promise<void>;
}

/** What the REPL's scope sees as `perfcell`: the reports as data. */
export interface ReplScopeApi {
  readonly last: CommandReport | undefined;
  readonly history: readonly CommandReport[];
  readonly reporting: boolean;
  start(): void;
  stop(): void;
  /** IPython's %timeit with counters and GC, in this process (see ScopeTools). */
  readonly timeit: ScopeTools['timeit'];
  /** compare's statistics and verdicts for functions, in this process. */
  readonly compare: ScopeTools['compare'];
}

const NOT_SUPPORTED = /^not supported on this machine \((.*)\)$/;

/**
 * A node:repl session in which every command is measured in this very process: RAM (RSS and the
 * JS heap), peak RAM, time, CPU busy % and perf counters, printed after the command's output.
 * The scope is the global one (like `node`'s REPL), with `gc()` and `perfcell.last`/`.history`.
 */
export function startRepl(options: StartReplOptions = {}): StartedRepl {
  checkReplOptions(options);
  exposeGc();
  const output = options.output ?? process.stdout;
  const errorOutput = options.errorOutput ?? process.stderr;
  const isJson = options.json === true;
  // the session itself (prompt, values) where the reports are not: with --json, stdout is the reports'
  const sessionOutput = isJson ? (errorOutput as NodeJS.WritableStream & { isTTY?: boolean }) : output;
  // the lines' console too, in the one global scope: the program's own for the session, given back at its exit
  const hostConsole = globalThis.console;
  const sessionConsole = isJson ? new Console({ stdout: errorOutput, stderr: errorOutput }) : null;
  if (sessionConsole !== null) globalThis.console = sessionConsole;
  // with --json on process.stdout, a line's process.stdout.write goes where its console.log goes
  const ownStdout = isJson && output === process.stdout ? sendCellStdout(errorOutput) : null;
  const writeOutput = (text: string): void => void (ownStdout ?? output).write(text);
  const gate = new InputGate(options.input ?? process.stdin);
  if (options.banner !== false) {
    const banner = 'perfcell repl: every command is measured; .stop/.start, .events LIST, .interval MS, perfcell.last, gc() (.help for all)';
    const bannerWidth = outputWidth(errorOutput as { isTTY?: boolean; columns?: number });
    errorOutput.write(`${bannerWidth === undefined ? banner : fitToWidth(banner, bannerWidth, 2)}\n`);
  }
  // trimmed, as setupHistory trims it: the file checked is the file node:repl then opens (PERFCELL_REPL_HISTORY=' ',
  // history off for node:repl, had left an empty file named ' ' in the working directory)
  const historyPath = (options.historyPath === undefined ? defaultHistoryPath() : options.historyPath)?.trim() ?? null;
  const warnHistoryNotKept = (error: Error): void => {
    errorOutput.write(`warning: REPL history not kept: ${error.message} (set PERFCELL_REPL_HISTORY to a writable file, or '' for none)\n`);
  };
  // node:repl's setupHistory hands its callback no error for a file it cannot open: it printed
  // 'Error: Could not open history file.' and 'REPL session history will not be persisted.',
  // naming no fix (a HOME the user may not write to); so the file is opened here first, as it
  // opens it, and said before the first prompt
  const historyProblem = historyPath === null || historyPath === '' ? null : historyFileProblem(historyPath);
  if (historyProblem !== null) warnHistoryNotKept(historyProblem);
  const keptHistoryPath = historyPath === null || historyPath === '' || historyProblem !== null ? null : historyPath;
  // historySize: node:repl hands it to readline, though its type does not name it
  const replOptions: repl.ReplOptions & Pick<ReadLineOptions, 'historySize'> = {
    prompt: 'In [1]: ',
    input: gate as unknown as NodeJS.ReadableStream,
    output: sessionOutput,
    terminal: sessionOutput.isTTY === true,
    useGlobal: true,
    breakEvalOnSigint: true,
    // node's REPL keeps 1,000 lines (NODE_REPL_HISTORY_SIZE's default); left out, readline kept 30,
    // in the session and in the history file, so older lines were gone from the next session
    historySize: 1000,
  };
  const { result: server, listeners: readlineRedraws } = resizeListenersAddedBy(sessionOutput, () => repl.start(replOptions));
  deferResizeRedraws(sessionOutput, readlineRedraws, gate);
  // around node:repl's own eval, inside the measured one: a SIGINT ends a waiting line, or a .timeit, as Ctrl-C does
  // (or is held for the line in hand: held-ctrl-c.ts)
  const stopEndingAwaits = endAwaitsOnSigint(server, () => measurement.isInCommand || isTiming());

  const said = new Set<string>();
  const measurement = measureReplCommands(server, {
    ...(options.measure === undefined ? {} : { measure: options.measure }),
    typescript: options.typescript ?? 'auto',
    reporting: options.reporting ?? true,
    gate,
    oneTickingPerf: true,
    holdsCtrlC: true,
    onReport({ report, notes, newWarnings }) {
      if (isJson) {
        writeOutput(`${JSON.stringify(toJsonDocument('perfcell-report', report))}\n`);
        for (const note of notes) errorOutput.write(`note: ${report.label}: ${note}\n`);
        for (const warning of newWarnings) errorOutput.write(warningText(warning, errorOutput as { isTTY?: boolean; columns?: number }));
        return;
      }
      const allNotes = [...notes];
      const unsupported = report.counters.unsupported[0];
      if (unsupported !== undefined && !said.has('unsupported')) {
        said.add('unsupported');
        allNotes.push(`<not supported>: ${NOT_SUPPORTED.exec(unsupported.reason)?.[1] ?? unsupported.reason} (said once)`);
      }
      const eventOrder = measurement.measure.events ?? DEFAULT_EVENTS;
      const width = options.width ?? outputWidth(output as { isTTY?: boolean; columns?: number });
      output.write(`${renderReplReport(report, { eventOrder, notes: allNotes, compact: options.compact === true, ...(width === undefined ? {} : { width }) })}\n`);
      for (const warning of newWarnings) errorOutput.write(warningText(warning, errorOutput as { isTTY?: boolean; columns?: number }));
    },
    onProblem(message) {
      errorOutput.write(`error: ${message}\n`);
    },
  });
  // --json: a .timeit is a measured command too, and its figures are a line on output among the
  // reports (its text stays in the session, on errorOutput), so a script reads them as it reads a line's
  const onTimed = isJson
    ? (code: string, result: TimeitResult): void => writeOutput(`${JSON.stringify(timeitDocument(code, result))}\n`)
    : undefined;
  const isTiming = defineDotCommands(server, measurement, gate, onTimed, options.typescript ?? 'auto');
  installCompleter(server);

  const api: ReplScopeApi = {
    get last() {
      return measurement.last;
    },
    get history() {
      return [...measurement.history];
    },
    get reporting() {
      return measurement.reporting;
    },
    start: () => void measurement.start(),
    stop: () => void measurement.stop(),
    // a timeit or compare of a line Ctrl-C interrupts stops with it, and what it measured is printed
    // where the line's value would have been, before the line's report and the next prompt; one no
    // line awaits (stopped by a Ctrl-C at the prompt) is its caller's value, as any, and was printed
    // after the prompt and again where the caller showed it
    ...createScopeTools(() => measurement.measure, undefined, interruptsOf(server), (text) => {
      if (measurement.isWaitingForTiming) sessionOutput.write(`${text}\n`);
    }),
  };
  const exposeApi = (context: object): void => {
    Object.defineProperty(context, 'perfcell', { value: api, configurable: true, writable: true, enumerable: false });
  };
  exposeApi(server.context);
  server.on('reset', exposeApi);

  if (keptHistoryPath !== null) {
    server.setupHistory(keptHistoryPath, (error) => {
      if (error) warnHistoryNotKept(error);
    });
  }

  const closed = new Promise<void>((resolve) => {
    server.on('exit', () => {
      stopEndingAwaits();
      measurement.close();
      ownStdout?.restore();
      // a program that started the REPL printed into errorOutput for good (a QA pass); a console set since is left as set
      if (sessionConsole !== null && globalThis.console === sessionConsole) globalThis.console = hostConsole;
      resolve();
    });
  });
  return { server, measurement, closed };
}

/** Why the history file cannot be opened for appending (created where missing), or null where it can. */
function historyFileProblem(path: string): Error | null {
  try {
    closeSync(openSync(path, 'a+', 0o600));
    return null;
  } catch (error: unknown) {
    return error as Error;
  }
}

function defaultHistoryPath(): string {
  return process.env['PERFCELL_REPL_HISTORY'] ?? join(homedir(), '.perfcell_repl_history');
}
