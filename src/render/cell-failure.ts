import type { CellFailure } from '../experiment/cell-evaluator.ts';

/**
 * Where and why a cell failed, in one line (the CLI puts `error: ` before it). In a notebook
 * (.ipynb) a line is the cell's own, not the file's: said so.
 * @example formatCellFailure('rowcol.ts', 'check', failure) // "cell 'check' failed at rowcol.ts:34:9: Error: sums differ"
 * @example formatCellFailure('rowcol.ipynb', 'cell 4', failure) // "cell 'cell 4' of rowcol.ipynb failed at its line 2:9: Error: sums differ"
 */
export function formatCellFailure(file: string, title: string, failure: CellFailure): string {
  const column = failure.column === null ? '' : `:${failure.column}`;
  if (file.endsWith('.ipynb')) return `cell '${title}' of ${file} failed${failure.line === null ? '' : ` at its line ${failure.line}${column}`}: ${failure.message}`;
  const where = failure.line === null ? `in ${file}` : `at ${file}:${failure.line}${column}`;
  return `cell '${title}' failed ${where}: ${failure.message}`;
}
