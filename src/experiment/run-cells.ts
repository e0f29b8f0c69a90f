import type { Cell } from '../../parsers/cells.ts';
import { prepareWindow } from '../session/window.ts';
import type { MeasureOptions } from '../session/options.ts';
import type { CommandReport } from '../session/report.ts';
import type { CellEvaluator, CellFailure, PreparedCell } from './cell-evaluator.ts';
import { transpileCell } from './transpile-cell.ts';
import { interruption, type Interruption } from '../session/interruption.ts';

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
export async function measureCell(evaluator: CellEvaluator, cell: PreparedCell, options: MeasureOptions = {}): Promise<CellRun> {
  const window = prepareWindow(process.pid, { ...options, label: options.label ?? cell.source.title });
  try {
    await window.begin();
    const outcome = await evaluator.run(cell);
    // The cell's own marks keep the inspector's round trip out of its time.
    const report = await window.end({ exitCode: outcome.ok ? 0 : 1 }, outcome.marks);
    return { title: cell.source.title, startLine: cell.source.startLine, report, failure: outcome.ok ? null : outcome.failure };
  } finally {
    window.cancel();
  }
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
  const { keepGoing = false, onCell, ...measureOptions } = options;
  const runs: CellRun[] = [];
  for (const [index, cell] of cells.entries()) {
    // Ctrl-C, SIGTERM or SIGHUP: no further cell starts; the ones measured are kept.
    const stop = interruption();
    if (stop !== null) return { runs, skipped: cells.slice(index).map((rest) => rest.source.title), interruption: stop };
    const run = await measureCell(evaluator, cell, measureOptions);
    runs.push(run);
    onCell?.(run);
    const stopped = interruption();
    if (stopped !== null) return { runs, skipped: cells.slice(index + 1).map((rest) => rest.source.title), interruption: stopped };
    if (run.failure !== null && !keepGoing) return { runs, skipped: cells.slice(index + 1).map((rest) => rest.source.title) };
  }
  return { runs, skipped: [] };
}

/**
 * True for the text before a file's first `// %%` when it holds only comments (a file's header):
 * it is not reported as a cell. A prelude with code is, under the title `prelude`.
 */
export function isCommentOnlyPrelude(cell: Cell): boolean {
  if (cell.markerLine !== null) return false;
  const result = transpileCell(cell.code, { typescript: true });
  return 'cell' in result && result.cell.code.trim() === '';
}
