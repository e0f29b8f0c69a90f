import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');
const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });

/** The time table's first row in each syntax: its cells, the name's markup taken off. */
function firstTimeRow(text: string, syntax: 'md' | 'adoc' | 'org'): string[] {
  const table = text.slice(text.indexOf(syntax === 'adoc' ? '== time' : syntax === 'org' ? '* time' : '### time'));
  if (syntax === 'adoc') {
    const row = table.split('\n\n')[2] ?? '';
    return row.split('\n').map((line) => line.slice(2).replace(/^`\+(.*)\+`$/, '$1'));
  }
  const line = table.split('\n').find((candidate) => candidate.startsWith('| `') || candidate.startsWith('| =')) ?? '';
  return line.slice(2, -2).split(' | ').map((cell) => cell.replace(/^[`=](.*)[`=]$/, '$1'));
}

// hyperfine's --export-asciidoc and --export-orgmode, from one comparison of real programs.
describe('perfcell compare --export-asciidoc, --export-orgmode', () => {
  it('write the markdown export’s tables, in the unit -u gives, from the same runs', async () => {
    const dir = tempFolder('perfcell-table-exports-');
    const files = { md: join(dir, 'times.md'), adoc: join(dir, 'times.adoc'), org: join(dir, 'times.org') };
    const result = await perfcell(['compare', '-w', '0', '-r', '3', '-u', 'millisecond', '--export-markdown', files.md, '--export-asciidoc', files.adoc, '--export-orgmode', files.org, '--', 'sleep 0.002', 'sleep 0.004']);
    expect(result.exitCode, result.stderr).toBe(0);
    const markdown = firstTimeRow(readFileSync(files.md, 'utf8'), 'md');
    expect(markdown).toEqual([expect.stringMatching(/^sleep 0.002$/), expect.stringMatching(/^\d\.\d+ ± \d\.\d+$/), expect.stringMatching(/^\d\.\d+$/), expect.stringMatching(/^\d\.\d+$/), '1.00']);
    expect(firstTimeRow(readFileSync(files.adoc, 'utf8'), 'adoc')).toEqual(markdown);
    expect(firstTimeRow(readFileSync(files.org, 'utf8'), 'org')).toEqual(markdown);
    // page-faults, counted by perf, are tables of their own in each
    for (const [file, heading] of [[files.adoc, '== page-faults'], [files.org, '* page-faults']] as const) expect(readFileSync(file, 'utf8')).toContain(`\n${heading}\n`);
  });

  // A QA pass: `compare -r 5 -- 'sleep 0.2' true` printed true's Relative as '0.00 (0.000838–0.0108)'
  // or '0.002 ± 0.000': two decimals, or three for a ±, for a program some 500× faster than the first
  it('give a ratio far below 1 the digits that keep it inside its interval and its ± above 0', async () => {
    const dir = tempFolder('perfcell-table-exports-');
    const json = join(dir, 'runs.json');
    const result = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '5', '--style', 'none', '--export-markdown', '-', '--export-json', json, '--', 'sleep 0.2', 'true']);
    expect(result.exitCode, result.stderr).toBe(0);
    const ratio = JSON.parse(readFileSync(json, 'utf8')).results[0].comparisons[0].ratio as { ratio: number; interval: { low: number; high: number } };
    const relative = result.stdout.split('\n').find((line) => line.startsWith('| `true`'))!.split(' | ').at(-1)!.replace(/ \|$/, '');
    const [printed, spread] = relative.includes('±') ? relative.split(' ± ').map(Number) : [Number(relative.split(' (')[0]), null];
    expect(printed, relative).toBeGreaterThan(0);
    // two significant digits: within 5% (0.0053 had read '0.01 (0.00197–0.0142)', 88% off, once in a loaded suite)
    expect(Math.abs(printed! - ratio.ratio) / ratio.ratio, relative).toBeLessThan(0.05);
    if (spread !== null) expect(spread, relative).toBeGreaterThan(0);
    else expect([printed! >= ratio.interval.low, printed! <= ratio.interval.high], relative).toEqual([true, true]);
  });

  it("go to stdout for -, as hyperfine's exports do: after the summary, or alone under --style none", async () => {
    const dir = tempFolder('perfcell-table-exports-');
    const alone = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '2', '--style', 'none', '--export-markdown', '-', '--', 'sleep 0.002']);
    expect(alone.exitCode, alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/^2 interleaved runs of each alternative/);
    expect(alone.stdout).toContain('| `sleep 0.002` |');
    // run in `dir`: no file named - is made there
    const after = await execa(process.execPath, [cliPath, 'compare', '--no-perf', '-w', '0', '-r', '2', '--export-orgmode', '-', '--export-csv', 'c.csv', '--', 'sleep 0.002'], { reject: false, cwd: dir, env: { NO_COLOR: '1' }, timeout: 60_000 });
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout.indexOf('Benchmark 1: sleep 0.002')).toBe(0);
    expect(after.stdout).toContain('\n* time\n');
    expect(existsSync(join(dir, 'c.csv'))).toBe(true);
    expect(existsSync(join(dir, '-'))).toBe(false);
    // two on stdout, or one beside --json's document, are refused before any run
    expect((await perfcell(['compare', '--export-csv', '-', '--export-json', '-', '--', 'true'])).stderr).toBe('error: --export-json - and --export-csv - would both print on stdout (give one of them a file)');
    expect((await perfcell(['compare', '--json', '--html', '-', '--', 'true'])).stderr).toBe('error: --json prints the document on stdout, and --html - too (give one, or --html a file)');
  });

  it('are checked before any run: a folder is refused, naming a file in it', async () => {
    const dir = tempFolder('perfcell-table-exports-');
    for (const [flag, extension] of [['--export-asciidoc', 'adoc'], ['--export-orgmode', 'org']] as const) {
      const result = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '2', flag, dir, '--', `touch ${join(dir, 'ran')}`]);
      expect([result.exitCode, result.stderr]).toEqual([2, `error: ${flag} ${dir} is a folder (give a file name in it, e.g. ${flag} ${dir}/compare.${extension})`]);
    }
    // no run was made
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});
