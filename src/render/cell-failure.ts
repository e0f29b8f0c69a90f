import type { CellFailure } from '../experiment/cell-evaluator.ts';

/**
 * Where and why a cell failed, in one line (the CLI puts `error: ` before it).
 * @example formatCellFailure('rowcol.ts', 'check', failure) // "cell 'check' failed at rowcol.ts:34:9: Error: sums differ"
 */
export function formatCellFailure(file: string, title: string, failure: CellFailure): string {
  const where = failure.line === null ? `in ${file}` : `at ${file}:${failure.line}${failure.column === null ? '' : `:${failure.column}`}`;
  return `cell '${title}' failed ${where}: ${failure.message}`;
}
