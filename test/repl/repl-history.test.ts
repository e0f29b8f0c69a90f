import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
