import type { CompareDocument } from '../experiment/compare-document.ts';
import { compareTables, pipeTableSection, type TableCell, type TableSection } from './compare-markup-tables.ts';
import type { TimeUnit } from './time-unit.ts';

/**
 * A cell in Org: a name verbatim (=x=), `|` as Org's \vert{} (a bare one ends the cell), a line
 * break as a space (an Org table row is one line: a break ended it mid-name).
 */
function orgCell(cell: TableCell): string {
  return (typeof cell === 'string' ? cell : `=${cell.code}=`).replace(/\r\n|[\r\n]/g, ' ').replace(/\|/g, '\\vert{}');
}

/** A table as hyperfine's --export-orgmode writes one: the header, a `|--+--|` rule, the rows. */
function orgSection(section: TableSection): string {
  return pipeTableSection(section, `* ${section.title}`, `|${section.header.map(() => '--').join('+')}|`, orgCell);
}

/**
 * The comparison as an Emacs Org document, as hyperfine's --export-orgmode (see compareTables):
 * the intro, then a heading, a table and its verdicts per metric; `note` (why the runs stopped
 * early) in a quote block at the end.
 */
export function renderCompareOrgmode(document: CompareDocument, options: { readonly timeUnit?: TimeUnit; readonly note?: string } = {}): string {
  const { intro, sections } = compareTables(document, options);
  const text = `${[intro, ...sections.map(orgSection)].join('\n\n')}\n`;
  return options.note === undefined ? text : `${text}\n#+begin_quote\n${options.note}\n#+end_quote\n`;
}
