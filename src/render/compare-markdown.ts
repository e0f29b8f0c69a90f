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
 * Text that reads as itself in markdown, not as markup: a cell's title (`Array<number> push`,
 * `a*b*c`) in a table or a verdict had become an HTML tag that vanished, emphasis or a link.
 * Backslashes escape what starts inline markup (CommonMark lets any ASCII punctuation be escaped),
 * a `_` only where it could start or end emphasis (not inside a word: `user_time` stays), a `<` only
 * where a tag could start (`p < 0.001` stays) and a `&` only before an entity's name.
 * @example markdownInline('Array<number> push') // 'Array\\<number> push'
 */
function markdownInline(text: string): string {
  return text.replace(/[\\`*[\]~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|<(?=[A-Za-z/!?])|&(?=#?\w+;)/gu, (character) => `\\${character}`);
}

/** A paragraph's text (a verdict, the intro): markdownInline, and a line that would begin a heading, quote or list escaped at its start. */
function markdownProse(text: string): string {
  return markdownInline(text).replace(/^(\s*)([#>+=-])/gm, '$1\\$2').replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

/**
 * A cell in markdown: a name as code, other text as text (markdownInline), `|` escaped, and a line
 * break as a space: a table row is one line (a break ended the row mid-name), and a code span shows
 * its line breaks as spaces anyway.
 */
function markdownCell(cell: TableCell): string {
  const text = (typeof cell === 'string' ? cell : cell.code).replace(/\r\n|[\r\n]/g, ' ');
  return (typeof cell === 'string' ? markdownInline(text) : markdownCode(text)).replace(/\|/g, '\\|');
}

/** A table as hyperfine's --export-markdown writes one: names to the left, numbers to the right. */
function markdownSection(section: TableSection): string {
  // the header as hyperfine writes it (`Mean [ms]`), the rows' cells escaped
  const said = { ...section, rows: section.rows.map((row) => row.map(markdownCell)), sentences: section.sentences.map(markdownProse) };
  return pipeTableSection(said, `### ${markdownInline(section.title)}`, `|${section.align.map((side) => (side === 'left' ? ':---' : '---:')).join('|')}|`, (cell) => (typeof cell === 'string' ? cell : markdownCell(cell)));
}

/**
 * The comparison as GitHub markdown, in the manner of hyperfine's --export-markdown (see
 * compareTables): the intro, then a `###` heading, a table and its verdicts per metric; `note`
 * (why the runs stopped early) as a quote at the end.
 */
export function renderCompareMarkdown(document: CompareDocument, options: { readonly timeUnit?: TimeUnit; readonly note?: string } = {}): string {
  const { intro, sections } = compareTables(document, options);
  const text = `${[markdownProse(intro), ...sections.map(markdownSection)].join('\n\n')}\n`;
  return options.note === undefined ? text : `${text}\n> ${markdownProse(options.note)}\n`;
}
