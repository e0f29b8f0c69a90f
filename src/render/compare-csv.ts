import type { CompareDocument, PartialRun } from '../experiment/compare-document.ts';
import { partialCause } from '../experiment/partial-run.ts';
import { COMPARE_COLUMNS, flattenComparison, rowCells } from './compare-table.ts';

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * The `partial` cell: empty when the comparison ran to its end, else what stopped it (a signal, a
 * run, a hook command, a check cell) and how many rounds every row holds, as the stderr line says
 * it, e.g. `interrupted by SIGINT after 3 complete rounds` or `the --cleanup command for 'a' failed
 * after the rounds (3 complete rounds)`. A column, not a leading comment line: CSV readers (pandas,
 * R, spreadsheets) take the first line as the header.
 */
export function partialCell(partial: PartialRun | undefined): string {
  return partial === undefined ? '' : partialCause(partial);
}

/**
 * The comparison as CSV (RFC 4180): a row per metric and alternative, numbers in the metric's
 * unit at full precision so they read back exactly; the noise floor has role `noise-floor`. The
 * last column, `partial`, is empty unless compare stopped early (Ctrl-C, SIGTERM, a failing run,
 * hook command or check cell): then every row says why, since each row's statistics hold only the
 * runs that finished (every round, when what failed came after them).
 * @example
 * metric,label,unit,role,name,n,mean,stddev,median,min,max,ratio,ratio_low,ratio_high,p_value,significant,meaningful,scale,test_alpha,verdict,partial
 * durationS,time,s,alternative,row,10,0.0121,0.0004,…,,,,,,,
 */
export function renderCompareCsv(document: CompareDocument): string {
  const partial = partialCell(document.partial);
  const lines = [[...COMPARE_COLUMNS, 'partial'].join(',')];
  for (const row of flattenComparison(document)) lines.push([...rowCells(row, String), partial].map(quote).join(','));
  return `${lines.join('\n')}\n`;
}
