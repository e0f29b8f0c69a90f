import { ranNothing, type CellFailure } from '../experiment/cell-evaluator.ts';
import type { CommandReport } from '../session/report.ts';
import { REPORT_MIME, reportBundle } from './display.ts';

/** One measured notebook cell: where it is in the notebook, and what `cells` measured. */
export interface NotebookRun {
  readonly notebookIndex: number;
  readonly report: CommandReport;
  readonly failure: CellFailure | null;
}

/**
 * The notebook's JSON with each run cell's error (if it failed) and report, as the kernel shows
 * them (display_data: text and HTML table with the report's warnings under it, report JSON), numbered `In [N]` in run order, in place of
 * its earlier report and error. Its other outputs (values and prints a kernel made: `cells` does
 * not capture them) stay, renumbered; cells not run keep all theirs. Indented by one space, as Jupyter saves.
 */
export function withReports(notebookText: string, runs: readonly NotebookRun[]): string {
  const notebook = JSON.parse(notebookText) as { cells: Record<string, unknown>[] };
  runs.forEach((run, position) => {
    const cell = notebook.cells[run.notebookIndex];
    if (cell === undefined) return;
    const count = position + 1;
    const report = { ...run.report, label: `In [${count}]` };
    const isOurs = (output: Record<string, unknown>): boolean =>
      output['output_type'] === 'error' || (typeof output['data'] === 'object' && output['data'] !== null && REPORT_MIME in output['data']);
    const kept = Array.isArray(cell['outputs']) ? (cell['outputs'] as Record<string, unknown>[]).filter((output) => !isOurs(output)) : [];
    const outputs: Record<string, unknown>[] = kept.map((output) => (output['output_type'] === 'execute_result' ? { ...output, execution_count: count } : output));
    if (run.failure !== null) {
      const [ename, ...rest] = run.failure.message.split(': ');
      outputs.push({ output_type: 'error', ename: rest.length > 0 ? ename : 'Error', evalue: rest.length > 0 ? rest.join(': ') : run.failure.message, traceback: run.failure.stack.split('\n') });
    }
    // the report's warnings under it, as the kernel shows a cell's (they had been in its JSON alone)
    if (!ranNothing(run.failure)) outputs.push({ output_type: 'display_data', data: reportBundle(report, { notes: report.warnings.map((warning) => `warning: ${warning}`) }), metadata: {} });
    cell['outputs'] = outputs;
    cell['execution_count'] = count;
  });
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
