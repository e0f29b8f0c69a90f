import { describe, expect, it } from 'vitest';
import { renderCompareAsciidoc } from '../../src/render/compare-asciidoc.ts';
import { renderCompareMarkdown } from '../../src/render/compare-markdown.ts';
import { renderCompareOrgmode } from '../../src/render/compare-orgmode.ts';
import { compareTables } from '../../src/render/compare-markup-tables.ts';
import { documentOfRuns, rowColDocument, scanDocument } from './compare-fixture.ts';

// Each export's table rows, as their cells' text without the names' markup.
/** Markdown's `| a | b |` lines. */
function markdownRows(text: string): string[][] {
  return text.split('\n').filter((line) => /^\| /.test(line)).map((line) => line.slice(2, -2).split(' | ').map((cell) => cell.replace(/^`(.*)`$/, '$1')));
}
/** Org's `| a | b |` lines. */
function orgRows(text: string): string[][] {
  return text.split('\n').filter((line) => /^\| /.test(line)).map((line) => line.slice(2, -2).split(' | ').map((cell) => cell.replace(/^=(.*)=$/, '$1')));
}
/** AsciiDoc's rows: runs of `| a` lines, a cell a line. */
function asciidocRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('| ')) (row ??= []).push(line.slice(2).replace(/^`\+(.*)\+`$/, '$1'));
    else if (row !== null) {
      rows.push(row);
      row = null;
    }
  }
  return rows;
}

// hyperfine's --export-asciidoc and --export-orgmode: the markdown export's tables in their syntax.
describe('the tables in AsciiDoc and Org', () => {
  it('say the same cells as the markdown export, by value too, in the unit -u gives', () => {
    for (const document of [rowColDocument(), scanDocument()]) {
      const markdown = markdownRows(renderCompareMarkdown(document, { timeUnit: 'microsecond' }));
      expect(markdown.length).toBeGreaterThan(10);
      expect(asciidocRows(renderCompareAsciidoc(document, { timeUnit: 'microsecond' }))).toEqual(markdown);
      expect(orgRows(renderCompareOrgmode(document, { timeUnit: 'microsecond' }))).toEqual(markdown);
    }
    expect(markdownRows(renderCompareMarkdown(rowColDocument(), { timeUnit: 'microsecond' }))[1]).toEqual(['./rowcol row 1024 20', '12,055 ± 208', '11,755', '12,351', '1.00']);
  });

  it("writes hyperfine's AsciiDoc table: a cell a line, names literal, the header marked", () => {
    const asciidoc = renderCompareAsciidoc(rowColDocument());
    expect(asciidoc).toContain(
      [
        '== time',
        '',
        '[cols="<,>,>,>,>", options="header"]',
        '|===',
        '| Command',
        '| Mean [ms]',
        '| Min [ms]',
        '| Max [ms]',
        '| Relative',
        '',
        '| `+./rowcol row 1024 20+`',
        '| 12.1 ± 0.2',
        '| 11.8',
        '| 12.4',
        '| 1.00',
        '',
        '| `+./rowcol col 1024 20+`',
        '| 27.6 ± 0.4',
        '| 27.1',
        '| 28.3',
        '| 2.29 ± 0.03',
        '',
        '| noise floor',
        '| 1.1 ± 0.0',
        '| 1.1',
        '| 1.1',
        '| ',
        '|===',
        '',
        './rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001.',
      ].join('\n'),
    );
    expect(asciidoc.startsWith(compareTables(rowColDocument()).intro)).toBe(true);
    expect(renderCompareAsciidoc(rowColDocument(), { note: 'interrupted by SIGINT' }).endsWith('\n\nNOTE: interrupted by SIGINT\n')).toBe(true);
  });

  it("writes hyperfine's Org table: a |--+--| rule under the header, names verbatim", () => {
    const org = renderCompareOrgmode(rowColDocument());
    expect(org).toContain(
      [
        '* time',
        '',
        '| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |',
        '|--+--+--+--+--|',
        '| =./rowcol row 1024 20= | 12.1 ± 0.2 | 11.8 | 12.4 | 1.00 |',
        '| =./rowcol col 1024 20= | 27.6 ± 0.4 | 27.1 | 28.3 | 2.29 ± 0.03 |',
        '| noise floor | 1.1 ± 0.0 | 1.1 | 1.1 |  |',
        '',
        './rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001.',
      ].join('\n'),
    );
    expect(renderCompareOrgmode(rowColDocument(), { note: 'interrupted by SIGINT' }).endsWith('\n\n#+begin_quote\ninterrupted by SIGINT\n#+end_quote\n')).toBe(true);
  });

  it('keeps a | in a name inside its cell, as each syntax escapes it', () => {
    const runs = [{ durationS: 0.01 }, { durationS: 0.011 }];
    const document = documentOfRuns(runs, runs);
    const renamed = { ...document, results: document.results.map((result) => ({ ...result, summaries: result.summaries.map((summary, index) => (index === 0 ? { ...summary, name: 'seq 9 | wc -l' } : summary)) })) };
    expect(renderCompareMarkdown(renamed)).toContain('| `seq 9 \\| wc -l` |');
    expect(renderCompareAsciidoc(renamed)).toContain('\n| `+seq 9 \\| wc -l+`\n');
    expect(renderCompareOrgmode(renamed)).toContain('| =seq 9 \\vert{} wc -l= |');
  });

  it("writes a cell's title as text in markdown, not as markup: a tag, emphasis, a link and an entity read as typed", () => {
    const runs = [{ durationS: 0.01 }, { durationS: 0.011 }];
    const document = documentOfRuns(runs, runs);
    const names = ['Array<number> push', 'a*b*c_d_ [x](y) &amp; \\'];
    const cells = {
      ...document,
      settings: { ...document.settings, source: 'cells' as const },
      results: document.results.map((result) => ({ ...result, summaries: result.summaries.map((summary, index) => ({ ...summary, name: names[index] ?? summary.name })), comparisons: result.comparisons.map((comparison) => ({ ...comparison, alternativeName: names[1] ?? '', baselineName: names[0] ?? '' })) })),
    };
    const markdown = renderCompareMarkdown(cells);
    expect(markdown).toContain('| Cell | Mean [ms] | Min [ms] | Max [ms] | Relative |\n|:---|---:|---:|---:|---:|\n| Array\\<number> push | 10.5 ± 0.7 |');
    expect(markdown).toContain('\n| a\\*b\\*c_d\\_ \\[x\\](y) \\&amp; \\\\ | 10.5 ± 0.7 |');
    expect(markdown).toContain('\n\na\\*b\\*c_d\\_ \\[x\\](y) \\&amp; \\\\ against Array\\<number> push: no significant difference (p = 1.00).\n');
    // a verdict starts with a name: one that reads as a list item or heading at a line's start is escaped there
    const listLike = { ...cells, results: cells.results.map((result) => ({ ...result, comparisons: result.comparisons.map((comparison) => ({ ...comparison, alternativeName: '2. slow', baselineName: '# fast' })) })) };
    expect(renderCompareMarkdown(listLike)).toContain('\n\n2\\. slow against # fast: no significant difference (p = 1.00).\n');
    expect(renderCompareMarkdown({ ...listLike, results: listLike.results.map((result) => ({ ...result, comparisons: result.comparisons.map((comparison) => ({ ...comparison, alternativeName: '# fast' })) })) })).toContain('\n\n\\# fast against # fast:');
    // what is no markup stays as it was
    expect(renderCompareMarkdown(rowColDocument())).toContain('\n\n./rowcol col 1024 20 is 2.29× ± 0.03 slower; p < 0.001.\n');
  });

  it('keeps a name with line breaks and backticks in one cell of one row (a multi-line --shell script)', () => {
    const runs = [{ durationS: 0.01 }, { durationS: 0.011 }];
    const document = documentOfRuns(runs, runs);
    const names = ['for i in 1 2\ndo echo `date`\r\ndone', '``x` | y'];
    const renamed = { ...document, results: document.results.map((result) => ({ ...result, summaries: result.summaries.map((summary, index) => ({ ...summary, name: names[index] ?? summary.name })) })) };
    // a markdown table as GFM reads one: a row a line, its cells split at every | not escaped
    const table = renderCompareMarkdown(renamed).split('\n### ')[1]?.split('\n\n')[1]?.split('\n') ?? [];
    expect(table).toHaveLength(4);
    const cells = table.slice(2).map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|')));
    expect(cells.map((row) => row.length)).toEqual([5, 5]);
    // each name a code span (CommonMark: a fence of N backticks ends at the next run of exactly N; one space stripped each side where both are there)
    const codeSpan = (cell: string): string | null => {
      const fence = /^`+/.exec(cell)?.[0] ?? '';
      const inner = cell.slice(fence.length, cell.length - fence.length);
      if (fence === '' || !cell.endsWith(fence) || new RegExp(`(^|[^\`])${fence}([^\`]|$)`).test(inner)) return null;
      return inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '' ? inner.slice(1, -1) : inner;
    };
    expect(cells.map((row) => codeSpan(row[0] ?? ''))).toEqual(['for i in 1 2 do echo `date` done', '``x` | y']);
    // an Org row is one line too
    const org = renderCompareOrgmode(renamed).split('\n* ')[1]?.split('\n\n')[1]?.split('\n') ?? [];
    expect(org.slice(2).map((line) => line.split(' | ')[0])).toEqual(['| =for i in 1 2 do echo `date` done=', '| =``x` \\vert{} y=']);
    expect(org).toHaveLength(4);
    // and an AsciiDoc cell's passthrough, which ends at its line
    expect(asciidocRows(renderCompareAsciidoc(renamed)).slice(1, 3).map((row) => row[0])).toEqual(['for i in 1 2 do echo `date` done', '``x` \\| y']);
  });
});
