import type { CompareDocument } from '../experiment/compare-document.ts';
import { compareTables, pipeTableSection, type TableCell, type TableSection } from './compare-markup-tables.ts';
import type { TimeUnit } from './time-unit.ts';

/** A cell in markdown: a name as code (`x`), `|` escaped. */
function markdownCell(cell: TableCell): string {
  return (typeof cell === 'string' ? cell : `\`${cell.code}\``).replace(/\|/g, '\\|');
}

/** A table as hyperfine's --export-markdown writes one: names to the left, numbers to the right. */
function markdownSection(section: TableSection): string {
  return pipeTableSection(section, `### ${section.title}`, `|${section.align.map((side) => (side === 'left' ? ':---' : '---:')).join('|')}|`, markdownCell);
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
