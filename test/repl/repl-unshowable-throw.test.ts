import { afterEach, describe, expect, it } from 'vitest';
import { endRepl, startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';

let repl: PtyRepl | null = null;
afterEach(async () => {
  await endRepl(repl);
  repl = null;
});

// A QA pass: a value or a throw that cannot be shown (its util.inspect.custom throws) threw out
// of perfcell's writer: 'perfcell could not measure this command', no report, and every later
// line of the session failed with 'a measurement of this process is already open (In [1])'.
// Node's own REPL shows the throw that showing it threw; so does perfcell now.
describe('perfcell repl: a value or a throw that cannot be shown', () => {
  it('is shown as the throw its showing threw, the line is reported, and the next line is measured', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    const inspected = await repl.send("throw { [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('inspect broke') } }");
    expect(inspected).toContain('Uncaught Error: inspect broke');
    expect(inspected).toMatch(/In \[1\] used /);
    const value = await repl.send("({ [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('value broke') } })");
    expect(value).toContain('Uncaught Error: value broke');
    expect(value).toMatch(/In \[2\] used /);
    const next = await repl.send('1 + 1');
    expect(next).toMatch(/In \[3\] used /);
    expect(next).not.toContain('already open');
  });

  // A review: a throw outside any command (a timer's, between lines) that cannot be shown read
  // 'Uncaught:' and then 'Uncaught Error: …', the writer taking it for a value and node:repl saying
  // 'Uncaught' before it again.
  it("is shown once as 'Uncaught' where a timer throws it between lines", { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    await repl.send("setTimeout(() => { throw { [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('timer broke') } } }, 200); 1");
    const from = repl.text().length;
    const shown = await repl.waitFor(/timer broke[\s\S]*In \[2\]: /, from);
    expect(shown).toMatch(/^Uncaught Error: timer broke$/m);
    expect(shown).not.toContain('Uncaught:');
    const next = await repl.send('1 + 1');
    expect(next).toMatch(/In \[2\] used /);
  });
});
