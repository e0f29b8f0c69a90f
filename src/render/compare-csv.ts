import type { CompareDocument } from '../experiment/compare-document.ts';
import { COMPARE_COLUMNS, flattenComparison, rowCells } from './compare-table.ts';

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * The comparison as CSV (RFC 4180): a row per metric and alternative, numbers in the metric's
 * unit at full precision so they read back exactly; the noise floor has role `noise-floor`.
 * @example
 * metric,label,unit,role,name,n,mean,stddev,median,min,max,ratio,ratio_low,ratio_high,p_value,significant,meaningful,scale,test_alpha,verdict
 * durationS,time,s,alternative,row,10,0.0121,0.0004,…,,,,,,
 */
export function renderCompareCsv(document: CompareDocument): string {
  const lines = [COMPARE_COLUMNS.join(',')];
  for (const row of flattenComparison(document)) lines.push(rowCells(row, String).map(quote).join(','));
  return `${lines.join('\n')}\n`;
}
