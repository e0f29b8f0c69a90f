import type { CompareDocument } from '../experiment/compare-document.ts';
import { COMPARE_COLUMNS, flattenComparison, rowCells } from './compare-table.ts';

/** Six significant digits: exact enough to read back, short enough to read. */
export function markdownNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|');
}

/**
 * The comparison as a GitHub markdown table, the same columns as the CSV with numbers to six
 * significant digits in the metric's unit, after a line that says how the runs were taken.
 */
export function renderCompareMarkdown(document: CompareDocument): string {
  const { settings, machine } = document;
  const intro =
    `${settings.rounds} interleaved runs of each alternative after ${settings.warmup} warm-up round(s), ` +
    `backend ${settings.backend}, on ${machine.hostname} (${machine.cpuModel ?? 'unknown CPU'}, kernel ${machine.kernel}, node ${machine.node}).`;
  const header = `| ${COMPARE_COLUMNS.join(' | ')} |`;
  const rule = `|${COMPARE_COLUMNS.map((_, index) => (index >= 5 && index <= 14 ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = flattenComparison(document).map((row) => `| ${rowCells(row, markdownNumber).map(escapeCell).join(' | ')} |`);
  return `${intro}\n\n${[header, rule, ...rows].join('\n')}\n`;
}
