import { describe, expect, it } from 'vitest';
import { startTestPtyRepl } from '../support/pty-repl.ts';

describe('Tab in the REPL (through a pty)', () => {
  it("completes a non-ASCII name's members, not the globals that start with the partial name", { timeout: 30_000 }, async (test) => {
    const repl = await startTestPtyRepl(test, ['repl', '--no-perf']);
    await repl.send('const é = {abc: 1, abd: 2}');
    const from = repl.text().length;
    repl.write('é.a\t');
    await repl.waitFor(/é\.ab/, from, 5000);
    repl.write('\t');
    const listed = await repl.waitFor(/é\.abc +é\.abd/, from, 5000);
    expect(listed).not.toContain('AbortController');
  });
});
