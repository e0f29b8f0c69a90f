import { isCommentsOnly, type Cell } from '../../parsers/cells.ts';
import { prepareWindow } from '../session/window.ts';
import type { PerfOptions } from '../perf/controller.ts';
import { createPerfPool, prearmDepth, sharedPerfStarter, type PerfPool } from '../perf/perf-pool.ts';
import { sharedPerfWanted } from '../perf/shared-perf-wanted.ts';
import { canSharePerf } from '../perf/shared-perf.ts';
import type { MeasureOptions } from '../session/options.ts';
import type { CommandReport } from '../session/report.ts';
import type { CellEvaluator, CellFailure, PreparedCell } from './cell-evaluator.ts';
import { transpileCell } from './transpile-cell.ts';
import { interruption, type Interruption } from '../session/interruption.ts';
import { startRunTrace } from '../session/run-trace.ts';
import { StrayChildren } from '../proc/child-processes.ts';
import { perfGaveUp } from '../session/perf-gave-up.ts';

/** One cell's measurement: its report, and why it failed (null when it did not). */
export interface CellRun {
  readonly title: string;
  readonly startLine: number;
  readonly report: CommandReport;
  readonly failure: CellFailure | null;
}

/**
 * Measures one evaluation of a prepared cell in perfcell's own process: perf is attached before
 * the window opens, and the window holds nothing but the evaluation. A cell that throws is still
 * reported, with exit code 1.
 */
export async function measureCell(evaluator: CellEvaluator, cell: PreparedCell, options: MeasureOptions = {}, armNext = true): Promise<CellRun> {
  const pool = poolOf(evaluator);
  let perfOptions: PerfOptions | null = null;
  const perfOff = withoutPerf.has(evaluator);
  const window = prepareWindow(process.pid, { ...options, ...(perfOff ? { perf: false } : {}), label: options.label ?? cell.source.title }, (pid, wanted) => {
    perfOptions = wanted;
    return pool.take(pid, wanted);
  });
  const trace = startRunTrace();
  const strays = straysOf(evaluator);
  try {
    // read outside the window: processes of earlier cells that still run, and so count in this one
    const warnings = strays.beforeCell();
    trace.mark('run');
    // perf is switched on by the cell's first statement and off by its last, where it can be
    // (shared perfs): the inspector's round trip and this process's turns of the event loop are
    // then outside the counts, as they are outside the cell's time
    const counting = await window.begin({ switchInCommand: true });
    trace.mark('perf-enabled');
    const outcome = await evaluator.run(cell, counting ?? undefined);
    trace.mark('ended');
    // The cell's own marks keep the inspector's round trip out of its time.
    const ending = window.end({ exitCode: outcome.ok ? 0 : 1 }, outcome.marks);
    // the disable is out: what this cell left running, read before anything of perfcell's is spawned
    warnings.push(...strays.afterCell(cell.source.title));
    // This cell's perf has had its SIGINT (end() sends it before it first waits): the next cell's
    // perf starts now, while this one prints its last interval and the report is written, and
    // never while a cell runs. (PERFCELL_PREARM_DEPTH > 1 arms further ahead, for the benchmark.)
    if (armNext && perfOptions !== null) {
      const depth = prearmDepth();
      for (let armedNow = pool.armedCount(process.pid, perfOptions); armedNow < depth; armedNow++) pool.arm(process.pid, perfOptions);
    }
    const ended = await ending;
    if (perfOptions !== null && perfGaveUp(ended, options)) {
      withoutPerf.add(evaluator);
      pool.close();
    }
    // Only perf counts a cell's children (RAM and CPU are this process's own), and only a perf that
    // was counting when the child was forked: the shared perfs, which count every cell. (With one
    // perf per window, PERFCELL_SHARED_PERF=0 or -M, the next cell's perf, armed before
    // this cell ran, would count such a child too, and no later one: not said.)
    const counts = perfOptions !== null && sharedPerfWanted() && canSharePerf(perfOptions);
    const report = warnings.length === 0 || !counts ? ended : { ...ended, warnings: [...ended.warnings, ...warnings] };
    trace.mark('report');
    return { title: cell.source.title, startLine: cell.source.startLine, report, failure: outcome.ok ? null : outcome.failure };
  } finally {
    window.cancel();
  }
}

/** Files whose perf counted nothing in a cell (session/perf-gave-up.ts): their later cells go without perf. */
const withoutPerf = new WeakSet<CellEvaluator>();

/** The processes a file's cells leave running (its evaluator's), which perf counts in the cells after them. */
const strayChildren = new WeakMap<CellEvaluator, StrayChildren>();
function straysOf(evaluator: CellEvaluator): StrayChildren {
  let strays = strayChildren.get(evaluator);
  if (strays === undefined) {
    strays = new StrayChildren();
    strayChildren.set(evaluator, strays);
  }
  return strays;
}

/** One pool of armed perf per cell file (its evaluator): later cells and compare's runs take from it. */
const pools = new WeakMap<CellEvaluator, PerfPool>();

/** A file's windows (its cells, or compare's cell alternatives) share one perf (perf-pool.ts, sharedPerfStarter). */
function poolOf(evaluator: CellEvaluator): PerfPool {
  let pool = pools.get(evaluator);
  if (pool === undefined) {
    pool = createPerfPool(undefined, sharedPerfStarter());
    pools.set(evaluator, pool);
  }
  return pool;
}

/** Stops the perf armed for a file's cells (or shared by them) once none follows, and waits until it has exited. */
export async function releaseArmedPerf(evaluator: CellEvaluator): Promise<void> {
  await pools.get(evaluator)?.closeAndWait();
}

export interface RunCellsOptions extends MeasureOptions {
  /** Go on after a failing cell instead of stopping. */
  readonly keepGoing?: boolean;
  /** Called as each cell's report is ready, so the CLI prints while the next cell runs. */
  readonly onCell?: (run: CellRun) => void;
}

/** Runs cells in order, one window each; stops after the first failure unless keepGoing. */
export async function runCells(
  evaluator: CellEvaluator,
  cells: readonly PreparedCell[],
  options: RunCellsOptions = {},
): Promise<{ readonly runs: readonly CellRun[]; readonly skipped: readonly string[]; readonly interruption?: Interruption }> {
  try {
    return await runEach(evaluator, cells, options);
  } finally {
    // no perf outlives the file's cells
    await releaseArmedPerf(evaluator);
  }
}

async function runEach(
  evaluator: CellEvaluator,
  cells: readonly PreparedCell[],
  options: RunCellsOptions,
): Promise<{ readonly runs: readonly CellRun[]; readonly skipped: readonly string[]; readonly interruption?: Interruption }> {
  const { keepGoing = false, onCell, ...measureOptions } = options;
  const runs: CellRun[] = [];
  for (const [index, cell] of cells.entries()) {
    // Ctrl-C, SIGTERM or SIGHUP: no further cell starts; the ones measured are kept.
    const stop = interruption();
    if (stop !== null) return { runs, skipped: cells.slice(index).map((rest) => rest.source.title), interruption: stop };
    const run = await measureCell(evaluator, cell, measureOptions, index < cells.length - 1);
    runs.push(run);
    onCell?.(run);
    const stopped = interruption();
    if (stopped !== null) return { runs, skipped: cells.slice(index + 1).map((rest) => rest.source.title), interruption: stopped };
    if (run.failure !== null && !keepGoing) return { runs, skipped: cells.slice(index + 1).map((rest) => rest.source.title) };
  }
  return { runs, skipped: [] };
}

/**
 * True for the text before a file's first `// %%` when it holds only comments (a file's header),
 * or only what compiling as TypeScript erases (`type T = number;`): it is not reported as a cell.
 * A prelude with code is, under the title `prelude`. Comments are told apart without esbuild, so
 * a .js file with a header starts no compiler (~60 ms here); only other text is compiled to see.
 */
export function isCommentOnlyPrelude(cell: Cell): boolean {
  if (cell.markerLine !== null) return false;
  if (isCommentsOnly(cell.code)) return true;
  const result = transpileCell(cell.code, { typescript: true });
  return 'cell' in result && result.cell.code.trim() === '';
}
