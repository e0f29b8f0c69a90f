import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitNotebook } from '../../parsers/notebook.ts';
import { escapeHtml } from '../../src/kernel/report-html.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfAttachedTo, waitUntil } from './jupyter.ts';

const notebookOf = (cells: readonly object[], metadata: object = { kernelspec: { name: 'perfcell', language: 'typescript' } }) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells });

describe('splitNotebook', () => {
  it('takes the code cells with code, source as lines or one string, titled by position or // %%', () => {
    const parsed = splitNotebook(
      notebookOf([
        { cell_type: 'markdown', source: ['# intro'] },
        { cell_type: 'code', source: ['const a: number = 1;\n', 'a'] },
        { cell_type: 'code', source: '   \n' },
        { cell_type: 'code', source: '// %% double\na * 2' },
      ]),
    );
    expect(parsed).toEqual({
      notebook: {
        language: 'typescript',
        typescript: true,
        cells: [
          { title: 'cell 1', index: 0, markerLine: null, startLine: 1, code: 'const a: number = 1;\na', isBlank: false, notebookIndex: 1 },
          { title: 'double', index: 1, markerLine: null, startLine: 2, code: 'a * 2', isBlank: false, notebookIndex: 3 },
        ],
      },
    });
  });

  it("titles a cell by its // %% line without the Jupytext metadata after the title, as a cell file's", () => {
    const parsed = splitNotebook(notebookOf([{ cell_type: 'code', source: '// %% double tags=["x"]\na * 2' }]));
    expect('notebook' in parsed && parsed.notebook.cells.map((cell) => cell.title)).toEqual(['double']);
  });

  it('reads a JavaScript notebook as JavaScript, and refuses other languages and old formats with the fix', () => {
    expect(splitNotebook(notebookOf([], { language_info: { name: 'javascript' } }))).toMatchObject({ notebook: { language: 'javascript', typescript: false } });
    expect(splitNotebook(notebookOf([], { kernelspec: { language: 'python' } }))).toEqual({ problem: 'is a python notebook (perfcell runs JavaScript or TypeScript cells)' });
    expect(splitNotebook(JSON.stringify({ nbformat: 3, worksheets: [], cells: [] }))).toEqual({ problem: 'is nbformat 3 (save it as nbformat 4, e.g. with jupyter nbconvert --to notebook)' });
    expect(splitNotebook('{}')).toEqual({ problem: 'is not a notebook: no "cells" list' });
    expect(splitNotebook('nope')).toMatchObject({ problem: expect.stringMatching(/^is not a notebook: not JSON/) });
  });
});

describe('perfcell cells NOTEBOOK.ipynb', () => {
  let dir = '';
  const perfcellPids = new Set<number>();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-nb-cells-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    // No perf of the perfcell processes these tests ran outlives them.
    await waitUntil(() => perfAttachedTo(perfcellPids).length === 0, 5_000);
    expect(perfAttachedTo(perfcellPids)).toEqual([]);
  });
  const perfcell = (args: readonly string[]) => {
    const child = execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000 });
    if (child.pid !== undefined) perfcellPids.add(child.pid);
    return child;
  };

  it('runs the code cells in one scope with a report each, and --write stores the reports and the error in the outputs', async () => {
    const path = join(dir, 'exp.ipynb');
    const cells = [
      { cell_type: 'markdown', metadata: {}, source: 'text' },
      // a kernel's earlier outputs: its value stays (cells does not make one), its report is replaced
      {
        cell_type: 'code',
        metadata: {},
        execution_count: 7,
        outputs: [
          { output_type: 'execute_result', execution_count: 7, data: { 'text/plain': "'kept'" }, metadata: {} },
          { output_type: 'display_data', data: { 'text/plain': 'In [7] old report', 'application/vnd.perfcell.report+json': { label: 'In [7]' } }, metadata: {} },
        ],
        source: ['const size: number = 32 * 1024 * 1024;\n', 'const block = new Uint8Array(size).fill(7);'],
      },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'if (block[0] === 7) throw new Error("seen " + block.length)' },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [{ output_type: 'stream', name: 'stdout', text: 'old' }], source: 'block.length' },
    ];
    writeFileSync(path, notebookOf(cells));
    const result = await perfcell(['cells', path, '--json', '--write', '--no-perf']);
    expect(result.exitCode, result.stderr).toBe(1);
    const document = JSON.parse(result.stdout) as { cells: { title: string; report: { memory: { usedBytes: number } } }[]; skipped: string[] };
    expect(document.cells.map((cell) => cell.title)).toEqual(['cell 1', 'cell 2']);
    // 32 MiB kept; the settling collection may also hand back a few MiB of start-up garbage
    expect(document.cells[0]!.report.memory.usedBytes).toBeGreaterThan(27 * 1024 * 1024);
    expect(document.cells[0]!.report.memory.usedBytes).toBeLessThan(40 * 1024 * 1024);
    expect(document.skipped).toEqual(['cell 3']);
    const written = JSON.parse(readFileSync(path, 'utf8')) as { cells: { outputs?: { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string }[]; execution_count?: number | null }[] };
    expect(written.cells[1]!.execution_count).toBe(1);
    // before: every earlier output was dropped, the value too
    expect(written.cells[1]!.outputs!.map((output) => output.output_type)).toEqual(['execute_result', 'display_data']);
    expect(written.cells[1]!.outputs![0]).toMatchObject({ execution_count: 1, data: { 'text/plain': "'kept'" } });
    expect(String(written.cells[1]!.outputs![1]!.data!['text/plain'])).toMatch(/^In \[1\] used [\d.]+ MiB RAM in /);
    expect(written.cells[1]!.outputs![1]!.data!['application/vnd.perfcell.report+json']).toMatchObject({ label: 'In [1]' });
    expect(written.cells[2]!.outputs!.map((output) => output.output_type)).toEqual(['error', 'display_data']);
    expect(written.cells[2]!.outputs![0]).toMatchObject({ ename: 'Error', evalue: `seen ${32 * 1024 * 1024}` });
    // Not run: its old outputs stay.
    expect(written.cells[3]!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'old' }]);
  });

  it("gives a notebook's cells gc(), as the kernel and the REPL do", async () => {
    const path = join(dir, 'gc.ipynb');
    writeFileSync(path, notebookOf([
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'let block = new Uint8Array(32 * 1024 * 1024).fill(7)' },
      // before: ReferenceError: gc is not defined, in a notebook the kernel had run
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'block = null;\ngc()' },
    ]));
    const result = await perfcell(['cells', path, '--json', '--no-perf']);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { cells: { report: { memory: { usedBytes: number } } }[] };
    expect(document.cells[1]!.report.memory.usedBytes).toBeLessThan(-27 * 1024 * 1024);
  });

  // A QA pass: `cells --write --html nb.ipynb nb.ipynb` wrote the page over the notebook, said
  // 'wrote nb.ipynb', then wrote the notebook over the page: the page lost, and where the notebook's
  // write failed (a full disk) the notebook too, the page in its place. compare and run refuse two
  // flags naming one file; so does cells now, before any cell runs.
  it('refuses --html naming the notebook --write fills, by its name or a link, exit 2, the notebook unchanged', async () => {
    const path = join(dir, 'one-file.ipynb');
    const text = notebookOf([{ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: '6 * 7' }]);
    writeFileSync(path, text);
    const same = await perfcell(['cells', path, '--no-perf', '--write', '--html', path]);
    expect([same.exitCode, same.stdout, same.stderr]).toEqual([2, '', `error: --write and --html both name ${path} (give each its own file)`]);
    symlinkSync(path, join(dir, 'one-file-link.ipynb'));
    const linked = await perfcell(['cells', path, '--no-perf', '--write', '--html', join(dir, 'one-file-link.ipynb')]);
    expect([linked.exitCode, linked.stderr]).toEqual([2, `error: --write ${path} and --html ${join(dir, 'one-file-link.ipynb')} are one file (a link: give each its own file)`]);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  // A review's note: without --write, --html naming the notebook wrote the page over it once its
  // cells had run, said 'wrote nb.ipynb', exit 0: the notebook lost. Refused before any cell runs.
  it('refuses --html naming the notebook it runs, by its name or a link, exit 2, the notebook unchanged', async () => {
    const path = join(dir, 'page-over.ipynb');
    const text = notebookOf([{ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: '6 * 7' }]);
    writeFileSync(path, text);
    const same = await perfcell(['cells', path, '--no-perf', '--html', path]);
    expect([same.exitCode, same.stdout, same.stderr]).toEqual([2, '', `error: --html ${path} would be written over ${path}, the file of the cells (give it another file)`]);
    symlinkSync(path, join(dir, 'page-over-link.ipynb'));
    const linked = await perfcell(['cells', path, '--no-perf', '--html', join(dir, 'page-over-link.ipynb')]);
    expect([linked.exitCode, linked.stderr]).toEqual([2, `error: --html ${join(dir, 'page-over-link.ipynb')} would be written over ${path}, the file of the cells (give it another file)`]);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  // a QA pass: a notebook the kernel ran with perfcell.events(…) failed under perfcell cells with
  // 'TypeError: perfcell.events is not a function', which named no way on: the cells have only
  // timeit and compare (last and history stay absent: the rowcol notebook reads them where it can)
  it("names the fix where a cell calls the kernel's perfcell.events, .interval, .start or .stop", async () => {
    const said = async (source: string): Promise<string> => {
      const path = join(dir, 'kernel-only.ipynb');
      writeFileSync(path, notebookOf([{ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source }]));
      const result = await perfcell(['cells', path, '--no-perf']);
      expect(result.exitCode, source).toBe(1);
      return result.stderr.split('\n').find((line) => line.startsWith('error: ')) ?? result.stderr;
    };
    const at = `error: cell 'cell 1' of ${join(dir, 'kernel-only.ipynb')} failed at its line 1:`;
    expect(await said('perfcell.events("page-faults")')).toBe(
      `${at}10: Error: perfcell.events() sets a REPL's or a Jupyter kernel's events; a file's cells count the command's for every cell (perfcell cells -e EVENTS FILE)`,
    );
    expect(await said('perfcell.interval(50)')).toBe(`${at}10: Error: perfcell.interval() sets a REPL's or a Jupyter kernel's interval; a file's cells count at the command's for every cell (perfcell cells -I MS FILE)`);
    expect(await said('perfcell.stop()')).toBe(`${at}10: Error: perfcell.stop() turns a REPL's or a Jupyter kernel's reports off and on; a file's cells are each reported (drop the call)`);
  });

  it("--write's report text and table carry the report's warnings, as the kernel shows them under a cell", async () => {
    const path = join(dir, 'warned.ipynb');
    // a timeit in a cell is a measurement inside the cell's own: its report says so (with perf), or why perf could not count
    writeFileSync(path, notebookOf([{ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'await perfcell.timeit(() => Math.sqrt(2), { runs: 1, minTime: 0.001 })' }]));
    const result = await perfcell(['cells', path, '--write']);
    expect(result.exitCode, result.stderr).toBe(0);
    const written = JSON.parse(readFileSync(path, 'utf8')) as { cells: { outputs: { data: Record<string, unknown> }[] }[] };
    const data = written.cells[0]!.outputs.at(-1)!.data;
    const warnings = (data['application/vnd.perfcell.report+json'] as { warnings: string[] }).warnings;
    expect(warnings.length).toBeGreaterThan(0);
    // before: in the report's JSON only, where the kernel's text and table say each one
    for (const warning of warnings) {
      expect(data['text/plain']).toContain(`warning: ${warning}`);
      expect(data['text/html']).toContain(escapeHtml(`warning: ${warning}`));
    }
  });

  it('--write stores a cell that did not compile as its error alone: it ran nothing, so no report', async () => {
    const path = join(dir, 'syntax.ipynb');
    writeFileSync(path, notebookOf([
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'const broken: = 1' },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: 'const fine = 1' },
    ]));
    const result = await perfcell(['cells', path, '--write', '--keep-going', '--no-perf']);
    expect(result.exitCode).toBe(1);
    const written = JSON.parse(readFileSync(path, 'utf8')) as { cells: { outputs: { output_type: string; ename?: string }[] }[] };
    expect(written.cells[0]!.outputs.map((output) => [output.output_type, output.ename])).toEqual([['error', 'SyntaxError']]);
    expect(written.cells[1]!.outputs.map((output) => output.output_type)).toEqual(['display_data']);
  });

  it('says why a notebook cannot run, and that --write needs one', async () => {
    writeFileSync(join(dir, 'py.ipynb'), notebookOf([{ cell_type: 'code', source: 'print(1)' }], { kernelspec: { language: 'python' } }));
    const python = await perfcell(['cells', 'py.ipynb']);
    expect(python.exitCode).toBe(2);
    expect(python.stderr).toBe('error: py.ipynb is a python notebook (perfcell runs JavaScript or TypeScript cells)');
    writeFileSync(join(dir, 'plain.ts'), '// %% a\n1');
    const write = await perfcell(['cells', 'plain.ts', '--write']);
    expect(write.exitCode).toBe(2);
    expect(write.stderr).toBe('error: --write stores reports in a notebook: pass a .ipynb file');
  });

  it('runs the committed rowcol notebook, whose outputs the kernel made', async () => {
    const sample = join(import.meta.dirname, '..', '..', 'samples', 'rowcol', 'rowcol.ipynb');
    const committed = JSON.parse(readFileSync(sample, 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string; data?: Record<string, unknown> }[] }[] };
    const code = committed.cells.filter((cell) => cell.cell_type === 'code');
    for (const cell of code) expect(cell.outputs!.some((output) => output.data?.['application/vnd.perfcell.report+json'] !== undefined)).toBe(true);
    const result = await perfcell(['cells', sample, '--json', '--no-perf']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { cells: { title: string }[] }).cells.map((cell) => cell.title)).toEqual(['setup', 'sum rows', 'sum columns', 'check', 'history']);
  });

  it('compare reads a notebook\'s cells as cells does (before: its JSON ran as JavaScript, a SyntaxError), and a python one is refused the same way', async () => {
    const sample = join(import.meta.dirname, '..', '..', 'samples', 'rowcol', 'rowcol.ipynb');
    const result = await perfcell(['compare', sample, '--cells', 'sum rows', 'sum columns', '--runs', '2', '--warmup', '0', '--no-perf', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { alternatives: { name: string; runs: unknown[] }[] };
    expect(document.alternatives.map((alternative) => [alternative.name, alternative.runs.length])).toEqual([['sum rows', 2], ['sum columns', 2]]);
    writeFileSync(join(dir, 'py2.ipynb'), notebookOf([{ cell_type: 'code', source: '# %% a\nprint(1)' }], { kernelspec: { language: 'python' } }));
    const python = await perfcell(['compare', 'py2.ipynb', '--cells', 'a', 'a']);
    expect([python.exitCode, python.stderr]).toEqual([2, 'error: py2.ipynb is a python notebook (perfcell runs JavaScript or TypeScript cells)']);
  });
});
