/**
 * A cell's (or a REPL line's) process.stdout.write goes where its console.log goes: with `cells
 * --json` and `repl --json` to stderr, the documents alone on stdout; under compare discarded (with
 * --show-output on stderr), the summary or the document alone on stdout. It had landed on
 * perfcell's stdout, in front of the JSON (which JSON.parse then refused) and of compare's summary,
 * once a run, and among the REPL's lines (a QA pass).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-cell-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'writes.js');
writeFileSync(file, '// %% set-up\nprocess.stdout.write("from set-up\\n");\n// %% a\nprocess.stdout.write("from a\\n");\nconsole.log("logged by a");\n');
const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
const lines = (text: string, word: string): number => text.split('\n').filter((line) => line.startsWith(word)).length;

describe("a cell's process.stdout.write", () => {
  it('goes to stderr under cells --json: stdout is the document alone', async () => {
    const result = await perfcell(['cells', '--json', '--no-perf', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { format: string }).format).toBe('perfcell-cells');
    expect([lines(result.stderr, 'from set-up'), lines(result.stderr, 'from a'), lines(result.stderr, 'logged by a')]).toEqual([1, 1, 1]);
  });

  it('is discarded under compare, as the cells\' console is, and goes to stderr with --show-output', async () => {
    const json = await perfcell(['compare', '--json', '--no-perf', '-r', '2', '-w', '1', file, '--cells', 'a']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { format: string }).format).toBe('perfcell-compare');
    expect(lines(json.stderr, 'from')).toBe(0);
    const text = await perfcell(['compare', '--no-perf', '-r', '2', '-w', '1', file, '--cells', 'a']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('Benchmark 1: a');
    expect(lines(text.stdout, 'from')).toBe(0);
    const shown = await perfcell(['compare', '--show-output', '--no-perf', '-r', '2', '-w', '1', file, '--cells', 'a']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout.split('\n')[0]).toBe('Benchmark 1: a');
    // the set-up cell once, a's warm-up and its two runs
    expect([lines(shown.stderr, 'from set-up'), lines(shown.stderr, 'from a'), lines(shown.stderr, 'logged by a')]).toEqual([1, 3, 3]);
  });

  it('stays on stdout in cells\' text, where the cells\' console is', async () => {
    const result = await perfcell(['cells', '--no-perf', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n').slice(0, 1)).toEqual(['from set-up']);
    expect(lines(result.stdout, 'from a')).toBe(1);
  });

  it('of a REPL line goes to stderr under repl --json: stdout is one document a line', async () => {
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], {
      reject: false, timeout: 60_000, input: 'process.stdout.write("from a line\\n")\n1 + 1\n', env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { format: string; label: string }).label)).toEqual(['In [1]', 'In [2]']);
    expect(result.stderr).toContain('from a line\n');
  });
});
