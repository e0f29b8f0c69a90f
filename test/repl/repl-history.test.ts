import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { startTestPtyRepl } from '../support/pty-repl.ts';

describe('REPL history (through a pty)', () => {
  it("keeps as many lines as node's REPL across sessions, not readline's 30", { timeout: 60_000 }, async (test) => {
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-history-'));
    test.onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const file = join(folder, 'history');
    const first = await startTestPtyRepl(test, ['repl', '--no-perf'], { PERFCELL_REPL_HISTORY: file });
    await first.send('.stop');
    for (let line = 0; line < 40; line++) await first.send(`${line} + 1000`);
    first.write('\x04');
    expect((await first.exited).exitCode).toBe(0);
    const kept = readFileSync(file, 'utf8').split('\n');
    expect(kept).toHaveLength(41);
    expect([kept[0], kept[40]]).toEqual(['39 + 1000', '.stop']);

    const second = await startTestPtyRepl(test, ['repl', '--no-perf'], { PERFCELL_REPL_HISTORY: file });
    const from = second.text().length;
    second.write('\x1b[A');
    await second.waitFor(/39 \+ 1000/, from, 5000);
    expect(await second.send('')).toMatch(/\n1039\n/);
  });

  // node:repl's setupHistory does not hand its callback the error of a file it cannot open: it
  // printed 'Error: Could not open history file.' and 'REPL session history will not be persisted.',
  // two lines that name no fix, and perfcell's warning naming PERFCELL_REPL_HISTORY never came (a
  // QA pass: a HOME the user may not write to)
  it('a history file that cannot be opened: one warning naming the fix, and the session goes on', { timeout: 60_000 }, async (test) => {
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-history-'));
    test.onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const file = join(folder, 'missing', 'history');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], { input: '6 * 7\n', reject: false, timeout: 30_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: file } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => /history/i.test(line))).toEqual([
      `warning: REPL history not kept: ENOENT: no such file or directory, open '${file}' (set PERFCELL_REPL_HISTORY to a writable file, or '' for none)`,
    ]);
    expect(result.stderr).toMatch(/^In \[1\]: 42$/m);
    expect(result.stdout.split('\n')).toHaveLength(1);
  });

  // node:repl's setupHistory trims the path: perfcell's own check of ' ' (history off for node:repl) had made an empty file named ' '
  it("a history path of spaces is none, as node:repl reads it: no file made in the working directory", { timeout: 60_000 }, async (test) => {
    const folder = mkdtempSync(join(tmpdir(), 'perfcell-history-'));
    test.onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], { input: '6 * 7\n', cwd: folder, reject: false, timeout: 30_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: ' ' } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^In \[1\]: 42$/m);
    expect(readdirSync(folder)).toEqual([]);
  });
});
