import type { CompareDocument } from '../experiment/compare-document.ts';
import { compareTables, pipeTableSection, type TableCell, type TableSection } from './compare-markup-tables.ts';
import type { TimeUnit } from './time-unit.ts';

/**
 * A name as a code span that holds it whole: fenced by one backtick more than its longest run of
 * them, and padded by a space where it starts or ends with one (CommonMark strips one space each
 * side where both are there), so a name with backticks in it (`echo \`date\``) does not end the span.
 * @example markdownCode('echo `date`') // '`` echo `date` ``'
 */
function markdownCode(text: string): string {
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const isPadded = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '');
  const pad = isPadded ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A cell in markdown: a name as code, `|` escaped, and a line break as a space: a table row is one
 * line (a break ended the row mid-name), and a code span shows its line breaks as spaces anyway.
 */
function markdownCell(cell: TableCell): string {
  const text = (typeof cell === 'string' ? cell : cell.code).replace(/\r\n|[\r\n]/g, ' ');
  return (typeof cell === 'string' ? text : markdownCode(text)).replace(/\|/g, '\\|');
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
