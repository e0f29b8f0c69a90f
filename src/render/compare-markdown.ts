import type { CompareDocument } from '../experiment/compare-document.ts';
import { compareTables, type TableCell, type TableSection } from './compare-tables.ts';
import type { TimeUnit } from './time-unit.ts';

function markdownCell(cell: TableCell): string {
  return (typeof cell === 'string' ? cell : `\`${cell.code}\``).replace(/\|/g, '\\|');
}

function markdownSection({ title, header, align, rows, sentences }: TableSection): string {
  const lines = [
    `### ${title}`,
    '',
    `| ${header.map(markdownCell).join(' | ')} |`,
    `|${align.map((side) => (side === 'left' ? ':---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(markdownCell).join(' | ')} |`),
  ];
  if (sentences.length > 0) lines.push('', ...sentences);
  return lines.join('\n');
}

/**
 * The comparison as GitHub markdown, in the manner of hyperfine's --export-markdown (see
 * compareTables): the intro, then a `###` heading, a table and its verdicts per metric; `note`
 * (why the runs stopped early) as a quote at the end.
 */
export function renderCompareMarkdown(document: CompareDocument, options: { readonly timeUnit?: TimeUnit; readonly note?: string } = {}): string {
  const { intro, sections } = compareTables(document, options);
  const text = `${[intro, ...sections.map(markdownSection)].join('\n\n')}\n`;
  return options.note === undefined ? text : `${text}\n> ${options.note}\n`;
}
