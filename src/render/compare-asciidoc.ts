import type { CompareDocument } from '../experiment/compare-document.ts';
import { compareTables, type TableCell, type TableSection } from './compare-markup-tables.ts';
import type { TimeUnit } from './time-unit.ts';

/**
 * A cell in AsciiDoc: a name as literal monospace (`+x+`: no markup inside it), `|` escaped, a line
 * break as a space (a passthrough ends at its line: a multi-line script's backticks became markup).
 */
function asciidocCell(cell: TableCell): string {
  return (typeof cell === 'string' ? cell : `\`+${cell.code}+\``).replace(/\r\n|[\r\n]/g, ' ').replace(/\|/g, '\\|');
}

/** A table as hyperfine's --export-asciidoc writes one, a cell a line, with its header marked as such. */
function asciidocSection({ title, header, align, rows, sentences }: TableSection): string {
  const lines = [
    `== ${title}`,
    '',
    `[cols="${align.map((side) => (side === 'left' ? '<' : '>')).join(',')}", options="header"]`,
    '|===',
    ...[header, ...rows].flatMap((row, index) => [...(index === 0 ? [] : ['']), ...row.map((cell) => `| ${asciidocCell(cell)}`)]),
    '|===',
  ];
  if (sentences.length > 0) lines.push('', ...sentences);
  return lines.join('\n');
}

/**
 * The comparison as AsciiDoc, as hyperfine's --export-asciidoc (see compareTables): the intro,
 * then a `==` heading, a table and its verdicts per metric; `note` (why the runs stopped early) as
 * a NOTE at the end.
 */
export function renderCompareAsciidoc(document: CompareDocument, options: { readonly timeUnit?: TimeUnit; readonly note?: string } = {}): string {
  const { intro, sections } = compareTables(document, options);
  const text = `${[intro, ...sections.map(asciidocSection)].join('\n\n')}\n`;
  return options.note === undefined ? text : `${text}\nNOTE: ${options.note}\n`;
}
