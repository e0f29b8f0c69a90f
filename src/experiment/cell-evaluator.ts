import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import vm from 'node:vm';
import { CELL_IMPORT_TYPESCRIPT, mappedFileRelativeDynamicImports } from './cell-dynamic-imports.ts';
import { createCellContext } from './cell-context.ts';
import { createTypeScriptModules, type TypeScriptModules } from './typescript-modules.ts';
import { cellImport, importTypeScriptBy } from './cell-import.ts';
import { CELL_IMPORT, CELL_IMPORT_META, transpileCell, transpileCells, type TranspiledCell, type TranspileResult } from './transpile-cell.ts';
import { createScopeTools } from '../repl/scope-tools.ts';
import { addKernelOnlyCalls } from './kernel-only-names.ts';
import { exposeGc } from '../repl/expose-gc.ts';
import { classifyJavaScript } from '../repl/typescript.ts';
import { guardCells } from './cell-guard.ts';
import type { CountingSwitch } from '../perf/controller.ts';
import { MARK, recordMark, START_MARK, type CommandMarks } from '../repl/command-marks.ts';
import { checkEvaluatorOptions } from '../session/check-options.ts';
import { silenceWarning } from '../silence-warning.ts';
import { onInterruption } from '../session/interruption.ts';
import type { MeasureOptions } from '../session/options.ts';

/** What a cell is: its code and where it sits in its file. */
export interface CellSource {
  readonly title: string;
  readonly code: string;
  /** 1-based file line of the cell's first code line. */
  readonly startLine: number;
  /** The line of the marker that ends the cell inside a template literal or a block comment (parsers/cells.ts). */
  readonly cutAtMarkerLine?: number;
}

/** Why a cell failed, located in its file. */
export interface CellFailure {
  /** First line(s) of the error as Node prints it: `Error: sums differ`, `SyntaxError: …`, `Uncaught 'text'`. */
  readonly message: string;
  /** 1-based file line where it was thrown (or the syntax error is); null when no frame points into the file. */
  readonly line: number | null;
  readonly column: number | null;
  /** The error's stack with cell positions rewritten to file positions. */
  readonly stack: string;
  /** Set when the cell called process.exit(n): n (perfcell exits with it unless --keep-going). */
  readonly exitCode?: number;
  /**
   * Set when the cell was stopped from outside rather than failing by itself: --cell-timeout, or
   * Ctrl-C (SIGTERM, SIGHUP); 'syntax' when its code did not compile, so none of it ran (its
   * window measured the attempt: no figure of it is shown).
   */
  readonly reason?: 'timeout' | 'interrupted' | 'syntax';
}

/**
 * Whether a cell ran none of its code (it did not compile): its window measured the attempt, so
 * no report or figure of it is shown, only its error.
 */
export function ranNothing(failure: CellFailure | null): boolean {
  return failure?.reason === 'syntax';
}

/**
 * The cell's own first and last statement on the monotonic clock (ns), and the process's CPU at
 * each, marked inside the cell so that a window can leave the inspector's round trip (about 1 ms)
 * out of the cell's time and CPU. `endNs` is absent for a cell that threw: the window's end stands
 * in for it.
 */
export type CellMarks = Readonly<CommandMarks>;

export type CellOutcome = ({ readonly ok: true } | { readonly ok: false; readonly failure: CellFailure }) & { readonly marks?: CellMarks };

/** A cell compiled ahead of its window, so the window holds only the evaluation. */
export interface PreparedCell {
  readonly source: CellSource;
  readonly sourceUrl: string;
  readonly compiled: TranspiledCell | null;
  /** Set when the cell does not compile; running it reports this failure at once. */
  readonly compileFailure: CellFailure | null;
}

/**
 * What to add to the syntax error of a cell whose end marker is inside a template literal or a
 * block comment it opened: the marker, not the code, broke it; '' for any other cell.
 */
function cutNote(source: CellSource): string {
  if (source.cutAtMarkerLine === undefined) return '';
  return `; the // %% at line ${source.cutAtMarkerLine} is inside a template literal or block comment and ends the cell there (any // %% line is a marker): move it out, or write it \\/\\/ %% in a template literal`;
}

export interface CellEvaluator {
  prepare(cell: CellSource): PreparedCell;
  /** prepare() for a file's cells at once, in order (their compilation goes side by side). */
  prepareAll(cells: readonly CellSource[]): Promise<PreparedCell[]>;
  /**
   * Evaluates a prepared cell in the shared scope; settles when its top-level await does.
   * `counting` is turned on by the cell's first statement and off by its last (window.ts).
   */
  run(cell: PreparedCell, counting?: CountingSwitch): Promise<CellOutcome>;
  close(): void;
}

interface RemoteObject {
  readonly type: string;
  readonly value?: unknown;
  readonly description?: string;
}
interface EvaluateResult {
  readonly result: RemoteObject;
  readonly exceptionDetails?: { readonly lineNumber: number; readonly columnNumber: number; readonly exception?: RemoteObject };
}

let contextCount = 0;
const OBJECT_GROUP = 'perfcell-cells';

/**
 * One scope for all the cells of a file, like a REPL's: a fresh vm context (cell-context.ts) holding Node's globals
 * (plus require, module, __filename and __dirname of the file), evaluated through the inspector's
 * REPL mode (the mode of the DevTools console). That mode, unlike vm.Script, gives cells
 * top-level await and lets a cell that declares `const x` run again (compare repeats cells),
 * while top-level const, let, class and function declarations stay visible to later cells.
 */
export interface CellEvaluatorOptions {
  /** Default: from the file's extension (.ts, .mts, .cts, .tsx). */
  readonly typescript?: boolean;
  /**
   * Where the cells' console.log and console.info go: process.stdout by default, process.stderr
   * when stdout carries a JSON document, null to discard (compare runs cells again and again).
   * console.error and console.warn always go to stderr.
   */
  readonly consoleStdout?: Writable | null;
  /** Seconds a cell may run, its awaits included (`--cell-timeout`); default no limit. */
  readonly timeoutS?: number | null;
  /** Errors from timers or unhandled rejections between cells, given to the last cell (see cell-guard.ts). */
  readonly onStrayFailure?: (failure: CellFailure, lastTitle: string | null) => void;
  /** The perf set-up of the cells' perfcell.timeit and perfcell.compare where a call names none (the command's -e, -I, --no-perf); default perf's defaults. */
  readonly measure?: Pick<MeasureOptions, 'events' | 'intervalMs' | 'perf' | 'perfPath'>;
}

export function createCellEvaluator(file: string, options: CellEvaluatorOptions = {}): CellEvaluator {
  checkEvaluatorOptions(options, 'cells');
  const path = resolve(file);
  const typescript = options.typescript ?? /\.[cm]?tsx?$/.test(path);
  // loaded here: compare's lane, which holds this evaluator for in-process alternatives, runs
  // programs far more often, and node:inspector costs a command 0.7-1 ms to load
  const { Session } = createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector');
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}): Promise<T> =>
    new Promise((resolvePost, reject) => {
      session.post(method, params, (error, result) => (error ? reject(error) : resolvePost(result as T)));
    });

  const name = `perfcell cells ${++contextCount}`;
  let uniqueContextId: string | null = null;
  const onContext = (message: { params: { context: { name: string; uniqueId: string } } }): void => {
    if (message.params.context.name === name) uniqueContextId = message.params.context.uniqueId;
  };
  session.on('Runtime.executionContextCreated', onContext);
  // Runtime.enable announces contexts synchronously; it is disabled again at once so that console
  // calls in cells are not copied into the session.
  session.post('Runtime.enable');
  // Held by the evaluator until close(): an unreferenced context is collected, and the
  // inspector then forgets its id ("uniqueContextId not found").
  // node flags USE_MAIN_CONTEXT_DEFAULT_LOADER (cell-context.ts) experimental: said here once instead
  silenceWarning(/USE_MAIN_CONTEXT_DEFAULT_LOADER/);
  let context: vm.Context | null = createCellContext(name);
  session.post('Runtime.disable');
  session.off('Runtime.executionContextCreated', onContext);
  if (uniqueContextId === null) throw new Error('the inspector did not announce the cells context (is node started with --inspect-brk elsewhere?)');
  const typescriptModules = createTypeScriptModules();
  addNodeGlobals(context, path, options.consoleStdout === undefined ? process.stdout : options.consoleStdout, typescriptModules);
  // gc(), as a REPL line and a notebook cell have it: a notebook the kernel ran threw 'gc is not
  // defined' at its gc() under perfcell cells (the context is a new one, and node has no --expose-gc)
  exposeGc(context as { gc?: unknown });
  // perfcell.timeit and perfcell.compare, as in the REPL; a cell's value is not printed, so each
  // prints its text on the cells' console as it ends (its figures had been nowhere unless the cell
  // logged the result: the cell's report has only the whole timing's cost)
  const cellConsole = (context as { console: Console }).console;
  const show = (text: string): void => cellConsole.log(text);
  const measure = options.measure ?? {};
  // perfcell's SIGINT, SIGTERM or SIGHUP, which ends an awaiting cell, stops its timing too, after
  // the batch it falls into: it had gone on behind the interrupted cell until perfcell exited (a
  // function of 1 s a call held the exit some 3 s), as it went on behind the REPL's prompt once
  Object.defineProperty(context, 'perfcell', { value: addKernelOnlyCalls(createScopeTools(() => measure, show, onInterruption)), configurable: true, writable: true, enumerable: false });
  let marks: CommandMarks = {};
  let counting: CountingSwitch | undefined;
  Object.defineProperty(context, MARK, {
    value: (which: 0 | 1): 0 => {
      recordMark(which, marks, counting);
      return 0;
    },
    enumerable: false,
  });

  const mappers = new Map<string, TranspiledCell>();
  const cellUrls = new Map<string, CellSource>();
  let preparedCount = 0;

  const toFilePosition = (url: string, line: number, column: number): { line: number; column: number } | null => {
    const compiled = mappers.get(url);
    const source = cellUrls.get(url);
    if (compiled === undefined || source === undefined) return null;
    // The start mark sits before the cell's code on its first generated line.
    const position = compiled.mapPosition(line, line === 1 ? Math.max(1, column - START_MARK.length) : column);
    return position === null ? null : { line: source.startLine + position.line - 1, column: position.column };
  };

  const rewriteStack = (stack: string): { stack: string; first: { line: number; column: number } | null; cellTitle: string | null } => {
    let first: { line: number; column: number } | null = null;
    let cellTitle: string | null = null;
    const rewritten = typescriptModules.rewriteStack(stack).replace(/([^\s()]+?#cell\d+):(\d+):(\d+)/g, (whole, url: string, line: string, column: string) => {
      const position = toFilePosition(url, Number(line), Number(column));
      if (position === null) return whole;
      if (first === null) {
        first = position;
        cellTitle = cellUrls.get(url)?.title ?? null;
      }
      return `${path}:${position.line}:${position.column}`;
    });
    // Frames below the cell are perfcell's own evaluation machinery.
    const lines = rewritten.split('\n');
    const ours = lines.findIndex((line) => /^\s+at (Session\.post|new Promise) |node:inspector/.test(line));
    return { stack: (ours === -1 ? lines : lines.slice(0, ours)).join('\n'), first, cellTitle };
  };

  /** A compiled cell (or its compile failure) under its cell URL. */
  const prepared = (source: CellSource, sourceUrl: string, result: TranspileResult): PreparedCell => {
    if ('problem' in result) {
      const { problem } = result;
      const line = problem.line === null ? null : source.startLine + problem.line - 1;
      const where = line === null ? path : `${path}:${line}:${problem.column ?? 1}`;
      return {
        source,
        sourceUrl,
        compiled: null,
        compileFailure: { message: problem.message, line, column: problem.column, stack: `${problem.message}\n    at ${where}` },
      };
    }
    const rewritten = mappedFileRelativeDynamicImports(result.cell.code, dirname(path));
    const cell: TranspiledCell = { code: rewritten.code, mapPosition: (line, column) => result.cell.mapPosition(line, rewritten.originalColumn(line, column)) };
    mappers.set(sourceUrl, cell);
    cellUrls.set(sourceUrl, source);
    return { source, sourceUrl, compiled: cell, compileFailure: null };
  };

  const evaluator: CellEvaluator = {
    prepare(source) {
      const sourceUrl = cellSourceUrl(path, ++preparedCount);
      return prepared(source, sourceUrl, transpileCell(source.code, { typescript, sourcefile: path }));
    },

    async prepareAll(sources) {
      // URLs numbered now, in order, as prepare() one by one would
      const urls = sources.map(() => cellSourceUrl(path, ++preparedCount));
      const results = await transpileCells(sources.map((source) => source.code), { typescript, sourcefile: path });
      const cells = sources.map((source, index) => prepared(source, urls[index] as string, results[index] as TranspileResult));
      // the local TypeScript modules they import, compiled now too, outside the cells' windows
      await typescriptModules.precompile(cells.flatMap((cell) => (cell.compiled === null ? [] : importedSpecifiers(cell.compiled.code))), path);
      return cells;
    },

    async run(cell, switchedBy) {
      if (cell.compileFailure !== null) return { ok: false, failure: { ...cell.compileFailure, message: cell.compileFailure.message + cutNote(cell.source), reason: 'syntax' } };
      if (cell.compiled === null) throw new Error('run() of a cell that was not prepared');
      if (context === null) throw new Error('run() after close()');
      // a cell whose window was dropped unread (run-cells' cancel) left its GC recording running
      marks.gc?.stop();
      marks = {};
      counting = switchedBy;
      // The end mark is a statement of its own after the cell's last one (the completion value
      // changes, but cells' values are not used); a cell that throws never reaches it.
      const evaluation = await post<EvaluateResult>('Runtime.evaluate', {
        expression: `${START_MARK}${cell.compiled.code}\n;${MARK}(1)\n//# sourceURL=${cell.sourceUrl}`,
        replMode: true,
        awaitPromise: true,
        uniqueContextId,
        objectGroup: OBJECT_GROUP,
        silent: true,
        // --cell-timeout also ends a synchronous endless loop: V8 terminates the evaluation.
        ...(options.timeoutS == null ? {} : { timeout: Math.max(1, Math.round(options.timeoutS * 1000)) }),
      });
      counting = undefined;
      // The inspector holds every result it hands out until its group is released.
      void post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }).catch(() => undefined);
      const cellMarks: CellMarks = { ...marks };
      const details = evaluation.exceptionDetails;
      if (details === undefined) return { ok: true, marks: cellMarks };
      const exception = details.exception ?? evaluation.result;
      const description = exception.description ?? `Uncaught ${JSON.stringify(exception.value) ?? String(exception.value)}`;
      // Code that ends too early (`const y = (`) meets the end mark appended after it, and V8 would
      // blame the mark's ';' on the next cell's marker line: said as what it is, at the cell's last line.
      // V8 compiles the whole evaluation before its first statement, the start mark, runs: a syntax
      // error without that mark is the cell's code not compiling (a SyntaxError thrown by code that
      // ran, `eval('(')`, comes after it)
      const didNotCompile = description.startsWith('SyntaxError') && cellMarks.startNs === undefined;
      const syntax = didNotCompile ? { reason: 'syntax' as const } : {};
      if (didNotCompile && classifyJavaScript(cell.compiled.code) === 'incomplete') {
        const message = `SyntaxError: unexpected end of input (the cell ends too early)${cutNote(cell.source)}`;
        const line = cell.source.startLine + cell.source.code.replace(/\s+$/, '').split('\n').length - 1;
        return { ok: false, failure: { message, line, column: null, stack: `${message}\n    at ${path}:${line}`, ...syntax }, marks: cellMarks };
      }
      const { stack, first } = rewriteStack(description);
      // A syntax error V8 finds has no frame; the details point into the cell's generated code.
      const position = first ?? toFilePosition(cell.sourceUrl, details.lineNumber + 1, details.columnNumber + 1);
      // from the stack taken back: a SyntaxError in an imported module's code esbuild let through
      // (a decorator) heads it with the line as typed, where the description has the compiled one
      const message = (stack.split(/\n\s+at /)[0] ?? stack) + (didNotCompile ? cutNote(cell.source) : '');
      return { ok: false, failure: { message, line: position?.line ?? null, column: position?.column ?? null, stack, ...syntax }, marks: cellMarks };
    },

    close() {
      session.disconnect();
      context = null;
    },
  };
  // process.exit(), throws in timers, unhandled rejections, Ctrl-C and --cell-timeout: the cell's failures.
  return guardCells(evaluator, {
    rewriteStack,
    timeoutS: options.timeoutS ?? null,
    ...(options.onStrayFailure === undefined ? {} : { onStrayFailure: options.onStrayFailure }),
  });
}

/**
 * Node's globals in a new context, as Node's own REPL provides them, plus the file's require (which
 * loads the local TypeScript modules it names, typescript-modules.ts), and a console of Node's (V8
 * gives every context a console of its own that only talks to the inspector).
 */
function addNodeGlobals(context: vm.Context, path: string, stdout: Writable | null, typescriptModules: TypeScriptModules): void {
  const builtins = new Set(vm.runInContext('Object.getOwnPropertyNames(globalThis)', context) as string[]);
  for (const key of Object.getOwnPropertyNames(globalThis)) {
    if (builtins.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    if (descriptor !== undefined) Object.defineProperty(context, key, descriptor);
  }
  const module = { exports: {} };
  const require = typescriptModules.createRequire(path);
  const load = cellImport(require);
  Object.defineProperty(context, CELL_IMPORT, { value: load, enumerable: false });
  // import() of a local TypeScript module (cell-dynamic-imports.ts): settles as import() does, rejects with what loading threw
  Object.defineProperty(context, CELL_IMPORT_TYPESCRIPT, { value: importTypeScriptBy(load), enumerable: false });
  // the cell file's import.meta, as an ES module of it would have it (url, filename, dirname)
  Object.defineProperty(context, CELL_IMPORT_META, { value: { url: pathToFileURL(path).href, filename: path, dirname: dirname(path) }, enumerable: false });
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  Object.assign(context, {
    console: new Console({ stdout: stdout ?? discard, stderr: process.stderr }),
    global: vm.runInContext('globalThis', context),
    require,
    module,
    exports: module.exports,
    __filename: path,
    __dirname: dirname(path),
  });
}

/**
 * The specifiers a compiled cell loads through CELL_IMPORT, CELL_IMPORT_TYPESCRIPT or require (a
 * quoted one: what import statements and a TypeScript module's import() become, or a require()
 * written so).
 * @example importedSpecifiers('const { f } = __perfcellImport("./m.js");') // ['./m.js']
 */
export function importedSpecifiers(code: string): string[] {
  const call = new RegExp(`\\b(?:${CELL_IMPORT}|${CELL_IMPORT_TYPESCRIPT}|require)\\(\\s*(['"])([^'"\\\\\\n]+)\\1`, 'g');
  return [...code.matchAll(call)].map((match) => match[2] as string);
}

/**
 * The name a cell's script goes by in stacks (its `//# sourceURL=`), which rewriteStack maps back to
 * the file's lines: the path with whitespace, parentheses and `%` percent-encoded. V8 takes no
 * sourceURL with a space in it (a cell of `/home/me/my lab/exp.ts` threw at `<anonymous>:1:28`,
 * its line unnamed), and a frame's pattern stops at a parenthesis.
 * @example cellSourceUrl('/my lab (v2)/exp.ts', 3) // '/my%20lab%20%28v2%29/exp.ts#cell3'
 */
export function cellSourceUrl(path: string, index: number): string {
  const encoded = path.replace(/[\s()%]/gu, (char) => (char === '(' ? '%28' : char === ')' ? '%29' : encodeURIComponent(char)));
  return `${encoded}#cell${index}`;
}
