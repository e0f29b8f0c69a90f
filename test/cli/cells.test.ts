import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellsDocument } from '../../src/cli/commands/cells.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfStatPageFaults, perfUsable } from '../support/perf.ts';
import { leakedPerfPids, perfPidsNow } from '../support/leaked-perf.ts';
import { OWN_PIDS_PROBE } from '../support/own-pids-probe.ts';
import { printedOnPty, renderScreen } from '../support/terminal.ts';

let dir = '';
const perfBefore = perfPidsNow();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-cells-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(leakedPerfPids(perfBefore)).toEqual([]);
});

function cellFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** page-faults of `node -e CODE` as plain perf stat counts them, median of three. */
function nodePageFaults(code: string): number {
  const counts = [0, 1, 2].map(() => perfStatPageFaults([process.execPath, '-e', code])).sort((a, b) => a - b);
  return counts[1] ?? NaN;
}

const perfcell = (args: readonly string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', ...env }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000 });

const threeCells = (log: string) => `// A file header: comments only, not a cell.
// %% setup
const { appendFileSync } = require('node:fs');
const size: number = 1 << 20;
let data = new Float64Array(size);
appendFileSync(${JSON.stringify(log)}, 'setup\\n');
// %% fill
data.fill(1);
appendFileSync(${JSON.stringify(log)}, 'fill\\n');
// %% sum
let sum = 0;
for (let k = 0; k < size; k++) sum += data[k]!;
if (sum !== size) throw new Error('sum is ' + sum);
appendFileSync(${JSON.stringify(log)}, 'sum\\n');
`;

describe('perfcell cells', () => {
  // The table's line is the cell's first code line, the line after its // %% marker.
  it('prints a report per cell, titled by the cell, then the summary table; exit 0', async () => {
    const log = join(dir, 'ok.log');
    const file = cellFile('ok.ts', threeCells(log));
    const result = await perfcell(['cells', '--no-perf', file]);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('setup\nfill\nsum\n');
    const headlines = result.stdout.split('\n').filter((line) => / used \S+ MiB RAM in /.test(line));
    expect(headlines.map((line) => line.split(' used ')[0])).toEqual(['setup', 'fill', 'sum']);
    const table = result.stdout.slice(result.stdout.lastIndexOf('\ncell ') + 1).split('\n');
    expect(table[0]).toMatch(/^cell +line +time +RAM used +peak above final$/);
    expect(table.slice(1).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['setup', '3'],
      ['fill', '8'],
      ['sum', '11'],
    ]);
    // setup allocates 8 MiB of doubles, and the fill touches them: RAM used shows it.
    expect(Number(/^fill +\d+ +\S+ \S+ +([\d.]+) MiB/m.exec(table.join('\n'))?.[1])).toBeGreaterThan(7);
    expect(result.stderr).toBe('');
  });

  it('fits the summary table to a 40-column terminal or $COLUMNS by dropping whole columns (79-column rows had wrapped mid-word), every column on a pipe', { timeout: 60_000 }, async () => {
    const file = cellFile('tiny.js', '// %% a\nlet x = 1\n// %% b\nx++\n');
    const tableOf = (lines: readonly string[]): readonly string[] => lines.slice(lines.findLastIndex((line) => line.startsWith('cell ')));
    // on a real terminal (xterm.js joins the rows it wrapped, so a line wider than 40 is one it wrapped)
    const screen = await renderScreen(await printedOnPty(process.execPath, [cliPath, 'cells', file], { columns: 40, rows: 40 }), 40, 40);
    const onTerminal = tableOf(screen.lines);
    expect(onTerminal, screen.lines.join('\n')).toHaveLength(3);
    expect(onTerminal[0]).toMatch(/^cell +time +RAM used/);
    for (const line of onTerminal) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(onTerminal.slice(1).map((line) => line.split(/ +/)[0])).toEqual(['a', 'b']);
    // $COLUMNS on a pipe, as on the terminal; without it, every column
    const columns = await perfcell(['cells', file], { COLUMNS: '40' });
    expect(columns.exitCode, columns.stderr).toBe(0);
    expect(tableOf(columns.stdout.trimEnd().split('\n')).map((line) => line.split(/ {2,}/).length)).toEqual(onTerminal.map((line) => line.split(/ {2,}/).length));
    const piped = await perfcell(['cells', file], { COLUMNS: '' });
    expect(tableOf(piped.stdout.trimEnd().split('\n'))[0]).toMatch(/^cell +line +time +RAM used +peak above final/);
  });

  it('a failing cell: its report is printed, the error names the file line, the run stops with exit 1', async () => {
    const log = join(dir, 'fail.log');
    const file = cellFile('fail.ts', threeCells(log).replace('data.fill(1);', 'data.fill(2);'));
    const result = await perfcell(['cells', '--no-perf', file]);
    expect(result.exitCode).toBe(1);
    expect(readFileSync(log, 'utf8')).toBe('setup\nfill\n');
    expect(result.stderr).toBe(`error: cell 'sum' failed at ${file}:13:25: Error: sum is 2097152`);
    expect(result.stdout).toMatch(/^sum used \S+ MiB RAM in /m);
    expect(result.stdout).toMatch(/^sum +11 .* failed at line 13$/m);
  });

  // A QA pass: the report began on the cell's open row, "partialp used 0.3 MiB RAM …", its title misread
  it("starts a cell's report on a row of its own where the cell's last output had no newline", async () => {
    const file = cellFile('partial.js', '// %% p\nprocess.stdout.write("partial");\n// %% q\nconsole.log("whole");\n// %% r\nprocess.stdout.write(Buffer.from("bytes"));\n');
    const result = await perfcell(['cells', '--no-perf', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = result.stdout.split('\n');
    expect(rows.slice(0, 2).map((row) => row.split(' used ')[0])).toEqual(['partial', 'p']);
    expect(rows.filter((row) => / used \S+ MiB RAM in /.test(row)).map((row) => row.split(' used ')[0])).toEqual(['p', 'q', 'r']);
    expect(rows).toContain('whole');
    expect(rows).toContain('bytes');
  });

  // A QA pass: the error said the cell ended too early, not that its marker had cut a literal in two
  it('says a syntax error comes of a // %% line inside a template literal or block comment, and how to keep it text', async () => {
    const note = (line: number) => `; the // %% at line ${line} is inside a template literal or block comment and ends the cell there (any // %% line is a marker): move it out, or write it \\/\\/ %% in a template literal`;
    const js = cellFile('cut.js', '// %% template\nconst t = `one\n// %% inside\nthree`;\n');
    const jsResult = await perfcell(['cells', '--no-perf', js]);
    expect(jsResult.exitCode).toBe(1);
    expect(jsResult.stderr.split('\n')[0]).toBe(`error: cell 'template' failed at ${js}:2: SyntaxError: unexpected end of input (the cell ends too early)${note(3)}`);
    const ts = cellFile('cut.ts', '// %% fine\nconst n: number = 1;\n// %% comment\n/*\n// %% old\n*/\n');
    const tsResult = await perfcell(['cells', '--no-perf', ts]);
    expect(tsResult.exitCode).toBe(1);
    expect(tsResult.stderr.split('\n')[0]).toBe(`error: cell 'comment' failed at ${ts}:4:3: SyntaxError: expected "*/" to terminate multi-line comment${note(5)}`);
  });

  it('a cell that does not compile gets its error and no figures: it ran nothing (a SyntaxError its code throws is a failure like any other)', async () => {
    const file = cellFile('syntax.js', '// %% ok\nconst a = 1;\n// %% broken\nconst b = (\n// %% thrown\neval("(");\n');
    const result = await perfcell(['cells', '--no-perf', '--keep-going', file]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      [`error: cell 'broken' failed at ${file}:4: SyntaxError: unexpected end of input (the cell ends too early)`, `error: cell 'thrown' failed at ${file}:6:1: SyntaxError: Unexpected end of input`].join('\n'),
    );
    // reports of the cells that ran, none of the one that did not compile
    expect(result.stdout.split('\n').filter((line) => / used \S+ MiB RAM in /.test(line)).map((line) => line.split(' used ')[0])).toEqual(['ok', 'thrown']);
    expect(result.stdout).toMatch(/^broken +4 +— +— +— +syntax error at line 4$/m);
    expect(result.stdout).toMatch(/^thrown +6 +\S+ \S+ +[\d.]+ MiB +[\d.]+ MiB +failed at line 6$/m);
    // the page: a section for each cell that ran, and the error of the one that did not compile as a note
    const html = join(dir, 'syntax.html');
    const paged = await perfcell(['cells', '--no-perf', '--keep-going', '--html', html, file]);
    expect(paged.exitCode).toBe(1);
    const page = readFileSync(html, 'utf8');
    expect([...page.matchAll(/<section class="report"[^>]*>\s*<h2>([^<]*)/g)].map((match) => match[1]!.trim())).toEqual(['ok', 'thrown']);
    expect(page).toContain('error: cell &#39;broken&#39; failed at');
    const json = await perfcell(['cells', '--no-perf', '--keep-going', '--json', file]);
    const cells = (JSON.parse(json.stdout) as { cells: Array<{ title: string; failure: { reason?: string } | null }> }).cells;
    expect(cells.map((cell) => [cell.title, cell.failure?.reason ?? null])).toEqual([['ok', null], ['broken', 'syntax'], ['thrown', null]]);
  });

  it('--keep-going runs the cells after a failure, and still exits 1', async () => {
    const log = join(dir, 'keep.log');
    const source = threeCells(log).replace('// %% fill', '// %% broken\nthrow new Error("no");\n// %% fill');
    const file = cellFile('keep.js', source.replace(': number', '').replace('data[k]!', 'data[k]'));
    const stopped = await perfcell(['cells', '--no-perf', file]);
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toBe(`error: cell 'broken' failed at ${file}:8:7: Error: no\nstopped: 2 cells not run (fill, sum); pass --keep-going to run them`);
    writeFileSync(log, '');
    const kept = await perfcell(['cells', '--no-perf', '--keep-going', file]);
    expect(kept.exitCode).toBe(1);
    expect(kept.stderr).toBe(`error: cell 'broken' failed at ${file}:8:7: Error: no`);
    expect(readFileSync(log, 'utf8')).toBe('setup\nfill\nsum\n');
  });

  it('--json prints one document with every report; --debug adds the stack', async () => {
    const file = cellFile('json.ts', '// %% one\nconst a = await Promise.resolve(1);\n// %% two\nconst b: number = a + 1;\n// %% three\nnull.x;\n');
    const result = await perfcell(['--debug', 'cells', '--no-perf', '--json', file]);
    expect(result.exitCode).toBe(1);
    const document = JSON.parse(result.stdout) as CellsDocument;
    expect(document.ok).toBe(false);
    expect(document.cells.map((cell) => [cell.title, cell.startLine, cell.report.exitCode])).toEqual([
      ['one', 2, 0],
      ['two', 4, 0],
      ['three', 6, 1],
    ]);
    expect(document.cells[2]?.failure?.message).toMatch(/^TypeError: Cannot read properties of null/);
    expect(result.stderr.split('\n')[0]).toBe(`error: cell 'three' failed at ${file}:6:6: ${document.cells[2]?.failure?.message}`);
    expect(result.stderr).toContain(`    at ${file}:6:6`);
    for (const cell of document.cells) expect(cell.report.durationS).toBeGreaterThan(0);
  });

  it("a cell's console.log goes to stdout before its report, or to stderr with --json", async () => {
    const file = cellFile('console.js', '// %% greet\nconst who = "cells";\nconsole.log("hello", who);\nconsole.error("to stderr");\n');
    const result = await perfcell(['cells', '--no-perf', file]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^hello cells\ngreet used /);
    expect(result.stderr).toBe('to stderr');
    const json = await perfcell(['cells', '--no-perf', '--json', file]);
    expect((JSON.parse(json.stdout) as CellsDocument).ok).toBe(true);
    expect(json.stderr).toBe('hello cells\nto stderr');
  });

  it('compiles the local TypeScript modules the cells import before the first cell: the cell that imports one pays only for running it', async () => {
    // compiled in the cell, a two-file module had cost it 150-210 ms and 10.6 MiB RAM used (esbuild's synchronous service), not 1-3 ms and 0.0 MiB
    cellFile('shape.ts', 'export interface Shape { readonly n: number }\nexport const unit: number = 1;\n');
    cellFile('grid.ts', "import { unit, type Shape } from './shape.js';\nexport function grid(n: number): Shape & { cells: Float64Array } {\n  return { n, cells: new Float64Array(n).fill(unit) };\n}\n");
    cellFile('lone.ts', 'export const lone: number = 2;\n');
    const file = cellFile('uses-grid.ts', "// %% setup\nconst n: number = 8;\n// %% import\nimport { grid } from './grid.js';\nconst g = grid(n);\nif (g.cells[7] !== 1) throw new Error('grid');\n// %% require\nconst { lone } = require('./lone.ts');\n");
    const result = await perfcell(['cells', '--no-perf', '--json', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    for (const cell of (JSON.parse(result.stdout) as CellsDocument).cells.slice(1)) {
      expect(cell.report.memory.usedBytes, JSON.stringify(cell.report.memory)).toBeLessThan(4 * 1024 * 1024);
    }
    // modules that import each other: compiling them ahead had waited for itself, and perfcell ended at once, 0, saying nothing
    cellFile('ping.ts', "import { pong } from './pong.js';\nexport const ping = (n: number): number => (n === 0 ? 0 : pong(n - 1));\n");
    cellFile('pong.ts', "import { ping } from './ping.js';\nexport const pong = (n: number): number => (n === 0 ? 1 : ping(n - 1));\n");
    const cycle = await perfcell(['cells', '--no-perf', '--json', cellFile('cycle.ts', "// %% cycle\nimport { ping } from './ping.js';\nif (ping(3) !== 1) throw new Error('ping');\n")]);
    expect(cycle.exitCode, cycle.stderr).toBe(0);
    expect((JSON.parse(cycle.stdout) as CellsDocument).ok).toBe(true);
  });

  it("a module that does not compile fails the cell that imports it with esbuild's error from the compile ahead, not compiled again in the cell", async () => {
    // compiled again in the cell to give its error, it had cost the failing cell some 80 ms and 10 MiB RAM used (esbuild's synchronous service)
    cellFile('broken.ts', 'export const y: number = 1 +;\n');
    const file = cellFile('uses-broken.ts', "// %% setup\nconst n: number = 8;\n// %% import\nimport { y } from './broken.js';\n");
    const result = await perfcell(['cells', '--no-perf', '--json', file]);
    expect(result.exitCode).toBe(1);
    const failing = (JSON.parse(result.stdout) as CellsDocument).cells[1];
    expect(failing?.failure?.message).toBe(`SyntaxError: unexpected ";" (${join(dir, 'broken.ts')}:1:29)`);
    expect(failing?.report.memory.usedBytes, JSON.stringify(failing?.report.memory)).toBeLessThan(4 * 1024 * 1024);
  });

  it('misuse exits 2 with one line', async () => {
    const missing = await perfcell(['cells', 'no-such-file.ts']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('error: no-such-file.ts: no such file (check the path)');
    const empty = await perfcell(['cells', cellFile('empty.js', '\n')]);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toBe(`error: ${join(dir, 'empty.js')} has no code (write cells separated by // %% lines)`);
    // before: a Python file ran as JavaScript and failed on its first line (ReferenceError: print is not defined)
    const python = await perfcell(['cells', cellFile('script.py', '# %%\nprint(1)\n')]);
    expect(python.exitCode).toBe(2);
    expect(python.stderr).toBe(`error: ${join(dir, 'script.py')}: cells runs JavaScript or TypeScript (.js, .ts, .mjs, .mts, …) and .ipynb notebooks, not .py files`);
    // before: Python's (Jupyter's, VS Code's) marker in a .ts file made it one cell, a syntax error at line 1 without a hint
    const hashMarkers = await perfcell(['cells', cellFile('hash-markers.ts', '// experiment\n# %% setup\nconst n = 1;\n# %% use\nn + 1;\n')]);
    expect(hashMarkers.exitCode).toBe(2);
    expect(hashMarkers.stderr).toBe(`error: ${join(dir, 'hash-markers.ts')}:2: '# %%' marks a cell in Python; in JavaScript and TypeScript write '// %%'`);
    // before: a '# %%' line in a template literal was refused as a Python marker too, though the file runs
    const inTemplate = await perfcell(['cells', '--no-perf', cellFile('hash-in-template.js', 'const py = `\n# %% cell\nprint(1)\n`;\nconsole.log(py.length);\n')]);
    expect(inTemplate.stderr).not.toContain('marks a cell in Python');
    expect(inTemplate.exitCode, inTemplate.stderr).toBe(0);
    expect(inTemplate.stdout).toContain('20');
  });

  it.runIf(perfUsable)('counts perf software events per cell, and no perf outlives the run', async () => {
    const file = cellFile('perf.js', '// %% touch\nconst pages = new Uint8Array(64 << 20).fill(1);\n// %% idle\n1 + 1;\n');
    const result = await perfcell(['cells', '-e', 'page-faults', '--json', file]);
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout) as CellsDocument;
    const faults = document.cells.map((cell) => cell.report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? 0);
    // Ground truth: plain perf stat of node doing the same fill, less node doing nothing (16,384 pages of
    // 4 KiB, or fewer where transparent huge pages back the buffer): the cell within 3 % of it.
    const reference = nodePageFaults('new Uint8Array(64 << 20).fill(1)') - nodePageFaults('new Uint8Array(0)');
    expect(reference).toBeGreaterThan(0);
    expect(Math.abs((faults[0] ?? 0) - reference)).toBeLessThanOrEqual(0.03 * reference);
    expect(faults[0]).toBeGreaterThan(10 * (faults[1] ?? 0));
    expect(leakedPerfPids(perfBefore)).toEqual([]);
  });

  // The file's perf ticks every 2 ms into a file read once a cell is over: 1 s of ticks is some 500
  // groups to parse. Parsed before the cell's end point was read, in a process as small as the
  // CLI's, that parse was the cell's (a QA pass: a cell that waited 1 s, allocating nothing, read
  // 5.3 MiB used, its peak as much; the 1 s cell of this test read 5.1-5.3 MiB before the mend).
  it.runIf(perfUsable)('a cell that waits 1 s, allocating nothing, reads under 1 MiB used and above its start: its ticks are parsed after its end is read', async () => {
    const file = cellFile('idle.js', '// %% setup\nconst x = 1;\n// %% wait\nawait new Promise((done) => setTimeout(done, 1000));\n');
    const result = await perfcell(['cells', '--json', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    const wait = (JSON.parse(result.stdout) as CellsDocument).cells[1]?.report;
    const said = JSON.stringify(wait?.memory);
    expect(wait?.counters.events.length, said).toBeGreaterThan(0);
    expect(Math.abs(wait?.memory.usedBytes ?? Infinity), said).toBeLessThan(1024 * 1024);
    expect((wait?.memory.peakRssBytes ?? Infinity) - (wait?.memory.rssBeforeBytes ?? 0), said).toBeLessThan(1024 * 1024);
  });

  it.runIf(perfUsable)('counts every cell of a file with one perf, whatever their number (1, 6 and 60 cells)', async () => {
    // Each cell counts, while its window is open, the perfs attached to this process. A group of
    // up to four (a perf per 50 cells, before 2026-12-05) cost the cells more than it saved
    // (src/perf/perf-pool.ts, sharedPerfStarter).
    const counter = (log: string) => `require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.parse(${OWN_PIDS_PROBE}).perfs.length + '\\n');`;
    for (const cells of [1, 6, 60]) {
      const log = join(dir, `perfs-${cells}.log`);
      const file = cellFile(`perfs-${cells}.js`, Array.from({ length: cells }, (_, index) => `// %% cell ${index}\n{ ${counter(log)} }`).join('\n'));
      const result = await perfcell(['cells', '-e', 'page-faults', file]);
      expect(result.exitCode, result.stderr).toBe(0);
      const counts = readFileSync(log, 'utf8').trim().split('\n').map(Number);
      expect(counts).toEqual(Array.from({ length: cells }, () => 1));
    }
    expect(leakedPerfPids(perfBefore)).toEqual([]);
  });

  it('starts no compiler for a JavaScript file whose header comment comes before its cells', async () => {
    // The header (not a cell) was compiled as TypeScript to see that it was only comments, which
    // started esbuild's service for a file that needs none (~60 ms of a one-cell run).
    const log = join(dir, 'compilers.log');
    const file = cellFile('header.js', `// Row against column: a header, comments only.\n/* more of it */\n// %% only\nrequire('node:fs').writeFileSync(${JSON.stringify(log)}, ${OWN_PIDS_PROBE});\n`);
    const result = await perfcell(['cells', '--no-perf', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/^prelude /m);
    expect(result.stdout).toMatch(/^only used /m);
    expect(JSON.parse(readFileSync(log, 'utf8')).compilers).toEqual([]);
  });
});
