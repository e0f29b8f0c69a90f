import { afterEach, describe, expect, it } from 'vitest';
import { startPtyRepl, type PtyRepl, endRepl } from '../support/pty-repl.ts';

let repl: PtyRepl | null = null;

afterEach(async () => {
  await endRepl(repl);
  repl = null;
});

// GC is read from V8 in the REPL's own process; perf is off so the test runs where perf cannot.
describe('perfcell repl: GC per command (real REPL through a pty, real collections)', () => {
  it('reports the collections and pause of a command that makes 3 million small objects, and none for one that makes none', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    const printed = await repl.send('{ const ring = new Array(1024); for (let i = 0; i < 3e6; i++) ring[i & 1023] = { i }; }');
    const line = /gc {2}(\d+) minor[^\n]*pause ([\d.]+) ms total, longest ([\d.]+) ms {2}reclaimed ([\d.]+) MiB/.exec(printed);
    expect(line, printed).not.toBeNull();
    expect(Number(line?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(line?.[2])).toBeGreaterThan(0);

    const data = await repl.send('console.log(JSON.stringify(perfcell.last.gc))');
    const gc = JSON.parse(/\{.*\}/.exec(data)?.[0] ?? 'null') as { collections: number; pauseTotalMs: number; counts: { minor: number } };
    expect(gc.collections).toBeGreaterThanOrEqual(1);
    expect(gc.counts.minor).toBeGreaterThanOrEqual(1);
    expect(gc.pauseTotalMs).toBeGreaterThan(0);

    await repl.send('gc()'); // an empty young generation, so the next command has nothing to scavenge
    const quiet = await repl.send('1 + 1');
    expect(quiet).not.toMatch(/\bgc {2}/);
    const none = await repl.send('perfcell.history.at(-1).gc.collections');
    expect(none).toMatch(/\n0\n/);
  });
});
