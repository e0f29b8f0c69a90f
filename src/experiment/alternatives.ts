import { splitCommand } from '../../parsers/split-command.ts';
import type { Cell } from '../../parsers/cells.ts';
import { UsageError } from '../errors.ts';
import { measure } from '../session/measure.ts';
import { armProgram, type ArmedProgram } from '../session/run-program.ts';
import { startProgramServer, type ProgramServer } from '../session/program-server.ts';
import { perfGaveUp } from '../session/perf-gave-up.ts';
import { isNodeProgram } from '../session/node-gc.ts';
import { prearmDepth } from '../perf/perf-pool.ts';
import type { MeasureOptions } from '../session/options.ts';
import type { CommandReport } from '../session/report.ts';
import { formatCellFailure } from '../render/cell-failure.ts';
import { shellQuote } from '../render/shell-quote.ts';
import { iterationEnvironment } from './iteration-env.ts';
import { cameAfterProgramEnded, InterruptedError, interruption, isStopSignal, settleInterruption, throwIfInterrupted } from '../session/interruption.ts';
import type { CellEvaluator, PreparedCell } from './cell-evaluator.ts';
import { measureCell, type CellRun } from './run-cells.ts';
import { quoteName } from '../render/quote-name.ts';

/** Something compare runs again and again: a cell or a command, and the report of one run. */
export interface Measurable {
  readonly name: string;
  /** The argv (commands); absent for cells. */
  readonly command?: readonly string[];
  /** `onEnded` (commands): called once the program has ended, before its report is complete. */
  measure(hooks?: RunHooks): Promise<CommandReport>;
  /**
   * Prepares the next measure() ahead (commands: the gate holding the program, and its perf);
   * `warmup`: for a warm-up run, `iteration`: for that run of it (see RunHooks).
   */
  arm?(options?: { readonly warmup?: boolean; readonly iteration?: string }): void;
  /** Ends what arm() prepared and no measure() used (stop, interruption, the last round). */
  disarm?(): Promise<void>;
}

/** Calls a run makes to its scheduler: `onEnded` when the timed part is over (the next run may be armed then). */
export interface RunHooks {
  readonly onEnded?: () => void;
  /** Called once the program has been released (benchmarks only: arming during a timed run, see interleave.ts). */
  readonly onStarted?: () => void;
  /**
   * A warm-up run: its result is thrown away, so a served one does not wait for perf's counters
   * (compare's first warm-up runs go while its perfs start up).
   */
  readonly warmup?: boolean;
  /** Which of the alternative's runs this is (`warmup-0`, … `0`, …): its program's $HYPERFINE_ITERATION (iteration-env.ts). */
  readonly iteration?: string;
}

/** A run of an alternative failed; compare stops, because its numbers would be a failure's. */
export class AlternativeFailedError extends Error {
  override readonly name = 'AlternativeFailedError';
  readonly code = 'ALTERNATIVE_FAILED';
}

/**
 * The words of compare's -S SHELL: a name (`bash`), or as hyperfine takes it a whole command line
 * (`bash --norc`), split as a command is (quotes respected); where it cannot be split, why.
 * @example shellWords('bash --norc') // ['bash', '--norc']
 */
export function shellWords(shell: string): string[] {
  const split = splitCommand(shell);
  if ('error' in split) throw new UsageError(`-S ${shell}: cannot split it: ${split.error} (close the quote)`);
  if (split.argv.length === 0) throw new UsageError('-S was given an empty shell (name one, e.g. -S bash, or -S none)');
  return [...split.argv];
}

/**
 * `"./rowcol row 64"` → ['./rowcol', 'row', '64']; with shell, ['sh', '-c', text]; with a shell
 * -S names (compare -S bash, or -S 'bash --norc'), [...its words, '-c', text]. Split without a
 * shell, text with shell syntax (`a | b`, `x; y`, `$HOME`) is refused, naming --shell, unless
 * `keepShellSyntax` (no shell asked for: -N, -S none), where it is passed as typed.
 */
export function commandArgv(text: string, shell: boolean | string, keepShellSyntax = false): string[] {
  if (shell !== false) return [...(shell === true ? ['sh'] : shellWords(shell)), '-c', text];
  const split = splitCommand(text);
  if ('error' in split) throw new UsageError(`cannot split the command "${text}": ${split.error} (close the quote, or pass --shell to run it with sh -c)`);
  if (split.argv.length === 0) throw new UsageError('an alternative is an empty command (give each command as one non-empty string)');
  // hyperfine runs every command in a shell (unless -N): a pasted pipe or `;` would reach the program as an argument
  if (split.shellSyntax !== undefined && !keepShellSyntax) {
    throw new UsageError(`${quoteName(text)} holds shell syntax (${split.shellSyntax}), and compare runs a command without a shell unless told: pass --shell to run each in sh -c (as hyperfine does without -N), or quote the characters to pass them as they are`);
  }
  return [...split.argv];
}

/**
 * Command alternatives, each run without a shell (or under `sh -c` with shell true, `NAME -c`
 * with a shell's name), its stdin and stdout /dev/null unless `io` says otherwise; and the noise floor, `true` run the same way. A run that exits non-zero or dies
 * stops the comparison.
 *
 * Their runs go through one long-lived gate and perf (session/program-server.ts) where the options
 * allow, else each through a gate of its own, armed ahead (`served: false` asks for the latter).
 * A served run's counters are complete once settle() has resolved (session/program-server.ts);
 * release() ends what the runs share: call it once they are over.
 */
export function commandAlternatives(
  texts: readonly string[],
  // ignoreFailure (compare -i): a non-zero exit or a death is the run's result, kept, not an error.
  // io (compare --input, --output, --show-output): one for all commands, or one each; default /dev/null for both
  // keepShellSyntax: no shell was asked for by name (-N, -S none), so `|` or `$` in a command are its arguments
  options: { readonly shell: boolean | string; readonly keepShellSyntax?: boolean; readonly measureOptions: MeasureOptions; readonly ignoreFailure?: boolean; readonly served?: boolean; readonly io?: readonly CommandIo[] },
): { readonly alternatives: readonly Measurable[]; readonly noiseFloor: Measurable; settle(): Promise<void>; release(): Promise<void> } {
  const ios = options.io ?? [QUIET_IO];
  const ioOf = (index: number): CommandIo => oneOrEach(ios, index) ?? QUIET_IO;
  const quietOptions: MeasureOptions = { ...options.measureOptions, quiet: true };
  // every command split before the server starts: a usage error leaves nothing running
  const argvs = texts.map((text) => commandArgv(text, options.shell, options.keepShellSyntax === true));
  // A Node program reports its collections on a channel of its own gate: where one is compared,
  // every run (the noise floor's too) gets a gate of its own, so that all are measured alike.
  const servable = options.served !== false && options.measureOptions.nodeGc !== true && !argvs.some((argv) => isNodeProgram(argv[0] ?? ''));
  const server: ProgramServer | null = servable ? startProgramServer(quietOptions) : null;
  // PERFCELL_WARMUP_UNCOUNTED=0: warm-ups wait for the perfs as counted runs do (the benchmark's baseline, BENCHMARKS.md pace)
  const warmupsUncounted = process.env['PERFCELL_WARMUP_UNCOUNTED'] !== '0';
  // A run of its own whose perf counted nothing (session/perf-gave-up.ts): the runs after it go
  // without perf, as its warning says. Only without a server (which does the same for its runs).
  let perfOff = false;
  const make = (name: string, argv: readonly string[], io: CommandIo): Measurable => {
    const runOptions: MeasureOptions = { ...ioOptions(options.measureOptions, io), label: name };
    const optionsNow = (): MeasureOptions => (perfOff ? { ...runOptions, perf: false } : runOptions);
    // cachegrind runs no gate: nothing to arm ahead.
    const canArm = server !== null || (runOptions.backend !== 'cachegrind' && prearmDepth() > 0);
    // served: its files (or pipe, or stderr) opened by the server's held child
    const stdio = { programStdin: io.stdin, programStdout: io.stdout };
    // the run's $HYPERFINE_ITERATION and $PERFCELL_ITERATION, where the scheduler says which run it is
    const withIteration = (iteration: string | undefined): MeasureOptions => (iteration === undefined ? optionsNow() : { ...optionsNow(), programEnvironment: iterationEnvironment(iteration) });
    const armOne = (warmup: boolean, iteration: string | undefined): Promise<ArmedProgram> =>
      server === null ? armProgram(argv, withIteration(iteration)) : server.arm(argv, name, { counted: !(warmup && warmupsUncounted), stdio, environment: iterationEnvironment(iteration) });
    let armed: Promise<ArmedProgram> | null = null;
    /** What `armed` was armed for: a warm-up run's program may have been cloned before perf counted. */
    let armedForWarmup = false;
    /** Which run `armed` was armed for: its environment says so ($HYPERFINE_ITERATION). */
    let armedIteration: string | undefined;
    /** `armed` has a perf waiting for its enable. */
    let armedWithPerf = false;
    return {
    name,
    command: argv,
    arm(armOptions = {}) {
      if (!canArm || armed !== null) return;
      armedForWarmup = armOptions.warmup === true;
      armedWithPerf = !perfOff;
      armedIteration = armOptions.iteration;
      armed = armOne(armedForWarmup, armedIteration);
      // A failed arm is the next run's failure, thrown by measure(); never an unhandled rejection.
      armed.catch(() => undefined);
    },
    async disarm() {
      const pending = armed;
      armed = null;
      if (pending !== null) await pending.then((program) => program.cancel(), () => undefined);
    },
    async measure(hooks = {}) {
      throwIfInterrupted();
      const warmup = hooks.warmup === true;
      let pending = armed;
      armed = null;
      // armed for a warm-up, run for a result: armed anew, to be counted; armed with a perf since given up: anew without;
      // armed for another run (a round run again after Ctrl-Z): anew, its environment this run's
      if (pending !== null && ((armedForWarmup && !warmup) || (armedWithPerf && perfOff) || armedIteration !== hooks.iteration)) {
        await pending.then((program) => program.cancel(), () => undefined);
        pending = null;
      }
      const report = canArm
        ? await (await (pending ?? armOne(warmup, hooks.iteration))).run(hooks)
        : await measure(argv, withIteration(hooks.iteration));
      if (server === null && !perfOff && perfGaveUp(report, runOptions)) perfOff = true;
      // A run cut short by Ctrl-C (or SIGTERM) is the interruption's, not the program's failure.
      const stop = isStopSignal(report.signal) ? await settleInterruption() : interruption();
      // one that came as the program exited by itself (perfcell's alone, run.ts has the same) leaves
      // the run whole: kept, the next run is the one it stops; it had been dropped, and a compare
      // whose first run it was said 'no results to report', nothing on stdout (a QA pass)
      if (stop !== null && !(report.signal !== stop.signal && cameAfterProgramEnded())) throw new InterruptedError(stop);
      if ((report.signal !== null || report.exitCode !== 0) && options.ignoreFailure !== true) {
        const how = report.signal !== null ? `was killed by ${report.signal}` : `exited with code ${report.exitCode ?? '?'}`;
        // run alone under the same backend: under cachegrind, valgrind's own failure (an instruction
        // it cannot decode raises SIGILL) is the why, and the program alone, natively, ran fine
        const backendFlag = runOptions.backend === 'cachegrind' ? '--backend cachegrind ' : '';
        throw new AlternativeFailedError(`${quoteName(name)} ${how} (run it alone to see why: perfcell run ${backendFlag}-- ${shellQuote(argv)}; or -i to go on, its runs listed as failures)`);
      }
      return report;
    },
    };
  };
  const names = distinctNames(texts);
  const alternatives = texts.map((text, index) => make(names[index] ?? text, argvs[index] ?? [], ioOf(index)));
  // the floor's `true` runs as the commands do where they all run alike; it writes no file of theirs
  // (emptied at its runs, one would hold nothing), its stdout then /dev/null
  const commonIo = ios.every((io) => sameIo(io, ios[0] ?? QUIET_IO)) ? (ios[0] ?? QUIET_IO) : QUIET_IO;
  const floorIo: CommandIo = typeof commonIo.stdout === 'object' ? { ...commonIo, stdout: 'null' } : commonIo;
  return {
    alternatives,
    noiseFloor: make('noise floor', options.shell === false ? ['true'] : commandArgv('true', options.shell), floorIo),
    settle: async () => server?.settle(),
    release: async () => server?.close(),
  };
}

/**
 * What alternative `index` gets of a flag given once for all or once per alternative (compare's
 * --prepare, --conclude, --input, --output).
 * @example oneOrEach(['make'], 2) // 'make'
 * @example oneOrEach(['a', 'b'], 1) // 'b'
 */
export function oneOrEach<T>(given: readonly T[], index: number): T | undefined {
  return given.length === 1 ? given[0] : given[index];
}

/**
 * Where a compared command's runs read their stdin and write their stdout (as hyperfine's --input
 * and --output): /dev/null (the default), a file (stdin read from its start, stdout emptied as each
 * run starts), a pipe drained by perfcell, or perfcell's stderr (--show-output, --output inherit).
 */
export interface CommandIo {
  readonly stdin: 'null' | { readonly file: string };
  readonly stdout: 'null' | 'pipe' | 'stderr' | { readonly file: string };
}

/** /dev/null in and out: what compare's runs get by default (the program server's own stdio). */
export const QUIET_IO: CommandIo = { stdin: 'null', stdout: 'null' };

function isQuietIo(io: CommandIo): boolean {
  return io.stdin === 'null' && io.stdout === 'null';
}

function sameIo(a: CommandIo, b: CommandIo): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function ioOptions(measureOptions: MeasureOptions, io: CommandIo): MeasureOptions {
  return isQuietIo(io) ? { ...measureOptions, quiet: true } : { ...measureOptions, programStdin: io.stdin, programStdout: io.stdout };
}

/**
 * Names for command alternatives: each command's text, and `TEXT #2`, `TEXT #3`… for a command
 * given again. Names key the results (the JSON, a baseline), and the same command twice is the
 * plain way to compare a program with itself (an A/A run: how far apart the noise puts it).
 * @example distinctNames(['./prog', './prog', 'true']) // ['./prog', './prog #2', 'true']
 */
export function distinctNames(texts: readonly string[]): string[] {
  const taken = new Set(['noise floor', ...texts]);
  const seen = new Set<string>();
  return texts.map((text) => {
    if (!seen.has(text)) {
      seen.add(text);
      return text;
    }
    let number = 2;
    while (taken.has(`${text} #${number}`)) number++;
    const name = `${text} #${number}`;
    taken.add(name);
    return name;
  });
}

/** The cells a comparison names, and the others: run once before (set-up) or after (checks). */
export interface CellPlan {
  readonly alternatives: readonly Cell[];
  /** Every other cell before the last alternative, in file order. */
  readonly before: readonly Cell[];
  /** Cells after the last alternative: they may check what the alternatives computed. */
  readonly after: readonly Cell[];
}

/** Finds the named cells; a missing or repeated title is a usage error that lists the file's titles. */
export function planCells(cells: readonly Cell[], titles: readonly string[], file: string): CellPlan {
  const alternatives = titles.map((title) => {
    const cell = cells.find((candidate) => candidate.title === title);
    if (cell === undefined) {
      // a file of no code had listed '(its cells: )', naming no fix
      const listed = cells.length > 0 ? `its cells: ${cells.map((candidate) => `'${candidate.title}'`).join(', ')}` : file.endsWith('.ipynb') ? 'it has no code cells: write JavaScript or TypeScript in them' : 'it has no code: write cells separated by // %% lines';
      throw new UsageError(`no cell titled '${title}' in ${file} (${listed})`);
    }
    // Two cells of one title (a cell copied to try a variant): the first was measured and the
    // second ran once as set-up or check without a word, so an error there was blamed on the name.
    const namesakes = cells.filter((candidate) => candidate.title === title);
    if (namesakes.length > 1) {
      throw new UsageError(`${namesakes.length} cells are titled '${title}' in ${file} (${namesakes.map(cellPlace).join(', ')}): give each its own title after // %%`);
    }
    return cell;
  });
  const repeated = titles.find((title, index) => titles.indexOf(title) !== index);
  if (repeated !== undefined) throw new UsageError(`cell '${repeated}' is named twice (name each alternative once)`);
  const last = Math.max(...alternatives.map((cell) => cell.index));
  const others = cells.filter((cell) => !alternatives.includes(cell));
  return { alternatives, before: others.filter((cell) => cell.index < last), after: others.filter((cell) => cell.index > last) };
}

/** Where a cell is: its marker's line, a notebook's cell by its place among all of them, or the prelude. */
function cellPlace(cell: Cell | (Cell & { readonly notebookIndex: number })): string {
  if (cell.markerLine !== null) return `line ${cell.markerLine}`;
  return 'notebookIndex' in cell ? `notebook cell ${cell.notebookIndex + 1}` : 'the code before the first // %%';
}

/** A plan's cells and the noise floor, compiled at once (prepareAll), in the plan's groups. */
export async function prepareCellPlan(
  evaluator: CellEvaluator,
  plan: CellPlan,
): Promise<{ readonly before: PreparedCell[]; readonly alternatives: PreparedCell[]; readonly after: PreparedCell[]; readonly noiseFloor: PreparedCell }> {
  const prepared = await evaluator.prepareAll([...plan.before, ...plan.alternatives, ...plan.after, NOISE_FLOOR_CELL]);
  const alternativesEnd = plan.before.length + plan.alternatives.length;
  const afterEnd = alternativesEnd + plan.after.length;
  return {
    before: prepared.slice(0, plan.before.length),
    alternatives: prepared.slice(plan.before.length, alternativesEnd),
    after: prepared.slice(alternativesEnd, afterEnd),
    noiseFloor: prepared[afterEnd] as PreparedCell,
  };
}

/** Runs set-up or after cells once each; a failing one stops the comparison with its file line. */
export async function runOnce(
  evaluator: CellEvaluator,
  cells: readonly PreparedCell[],
  file: string,
  measureOptions: MeasureOptions,
  onRun: (run: CellRun) => void = () => undefined,
): Promise<void> {
  for (const cell of cells) {
    const run = await measureCell(evaluator, cell, measureOptions);
    onRun(run);
    if (run.failure !== null) throw new AlternativeFailedError(formatCellFailure(file, cell.source.title, run.failure));
  }
}

/** The noise floor of cell alternatives: an empty cell, evaluated the same way in the same scope. */
export const NOISE_FLOOR_CELL = { title: 'noise floor', code: '', startLine: 1 } as const;

/** Cell alternatives and the noise floor (NOISE_FLOOR_CELL, prepared), all prepared before any window. */
export function cellAlternatives(
  evaluator: CellEvaluator,
  cells: readonly PreparedCell[],
  noiseFloor: PreparedCell,
  file: string,
  measureOptions: MeasureOptions,
): { readonly alternatives: readonly Measurable[]; readonly noiseFloor: Measurable } {
  const make = (name: string, prepared: PreparedCell): Measurable => ({
    name,
    async measure() {
      throwIfInterrupted();
      const run = await measureCell(evaluator, prepared, { ...measureOptions, label: name });
      const stop = interruption();
      if (stop !== null) throw new InterruptedError(stop);
      if (run.failure !== null) throw new AlternativeFailedError(formatCellFailure(file, name, run.failure));
      return run.report;
    },
  });
  return {
    alternatives: cells.map((cell) => make(cell.source.title, cell)),
    noiseFloor: make(noiseFloor.source.title, noiseFloor),
  };
}
