import { describe, it } from 'vitest';
import { startTestPtyRepl } from '../support/pty-repl.ts';

/**
 * Ctrl-C in a REPL line that awaits perfcell.timeit or perfcell.compare: node:repl ends the line at
 * once, and the timing stops after the batch or run it is in. What it measured had nowhere to go
 * (the line has no value), so nothing of its runs was printed, where a file's cells print them (a QA
 * pass). Now it is printed, in the cells' words, after node:repl's 'Uncaught' and before the line's
 * report and the next prompt. A real REPL on a pty; the function says when it has been called five
 * times, and the test presses Ctrl-C then.
 */
const SPIN = 'const end = Date.now() + 30; while (Date.now() < end);';
const MARK = 'if (++calls === 5) console.log("called " + "five times");';

describe('perfcell repl: Ctrl-C while a line awaits a timing', () => {
  it.concurrent("prints timeit's batches before the line's report", { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    const repl = await startTestPtyRepl({ expect, onTestFinished }, ['repl']);
    await repl.send('globalThis.calls = 0');
    const from = repl.text().length;
    repl.write(`await perfcell.timeit(() => { ${SPIN} ${MARK} }, { runs: 1000, loops: 1, warmup: 0 })\r`);
    await repl.waitFor(/called five times/, from);
    repl.write('\x03');
    const lines = (await repl.waitFor(/In \[2\] used[\s\S]*In \[3\]: $/, from)).split('\n');
    const uncaught = lines.indexOf('Uncaught:');
    const stopped = lines.findIndex((line) => /^warning: interrupted after \d+ of 1000 runs: the figures are of those$/.test(line));
    const report = lines.findIndex((line) => line.startsWith('In [2] used '));
    expect([uncaught, stopped, report].every((index) => index >= 0), lines.join('\n')).toBe(true);
    expect(uncaught, lines.join('\n')).toBeLessThan(stopped);
    expect(stopped, lines.join('\n')).toBeLessThan(report);
    // the figures are of the batches the warning counts: four or more, the Ctrl-C came after the
    // fifth call (the first is timeit's check for a promise)
    const runs = Number(/interrupted after (\d+) of/.exec(lines[stopped]!)?.[1]);
    expect(runs).toBeGreaterThanOrEqual(4);
    expect(lines.some((line) => line.endsWith(`per loop (mean ± std. dev. of ${runs} runs, 1 loop each)`)), lines.join('\n')).toBe(true);
  });

  it.concurrent("prints compare's runs and perfcell compare's words for the stop before the line's report", { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    const repl = await startTestPtyRepl({ expect, onTestFinished }, ['repl']);
    await repl.send('globalThis.calls = 0');
    const from = repl.text().length;
    repl.write(`await perfcell.compare({ a: () => { ${SPIN} ${MARK} }, b: () => { ${SPIN} } }, { runs: 1000, loops: 1, warmup: 0 })\r`);
    await repl.waitFor(/called five times/, from);
    repl.write('\x03');
    const lines = (await repl.waitFor(/In \[2\] used[\s\S]*In \[3\]: $/, from)).split('\n');
    const uncaught = lines.indexOf('Uncaught:');
    const first = lines.findIndex((line) => /^a {2}.* per call \(.*; \d+ runs × 1 call\)$/.test(line));
    const second = lines.findIndex((line) => /^b {2}.* per call \(.*; \d+ runs? × 1 call\)$/.test(line));
    const stopped = lines.findIndex((line) => /^interrupted by SIGINT after \d+ complete rounds?; the results above hold the runs that finished$/.test(line));
    const report = lines.findIndex((line) => line.startsWith('In [2] used '));
    expect([uncaught, first, second, stopped, report].every((index) => index >= 0), lines.join('\n')).toBe(true);
    expect([uncaught, first, second, stopped, report], lines.join('\n')).toEqual([...[uncaught, first, second, stopped, report]].sort((x, y) => x - y));
    // a's fourth run was measured before the Ctrl-C (its first call is compare's check for a promise)
    expect(Number(/; (\d+) runs × 1 call/.exec(lines[first]!)?.[1])).toBeGreaterThanOrEqual(4);
  });

  it.concurrent('leaves a timing no line awaits, stopped by Ctrl-C at the prompt, to its caller', { timeout: 60_000 }, async ({ expect, onTestFinished }) => {
    // printed where the line's value would have been, it came after the idle prompt, and again
    // where the caller awaited it (a review)
    const repl = await startTestPtyRepl({ expect, onTestFinished }, ['repl']);
    await repl.send('globalThis.calls = 0');
    const from = repl.text().length;
    repl.write(`p = perfcell.timeit(() => { ${SPIN} ${MARK} }, { runs: 1000, loops: 1, warmup: 0 })\r`);
    await repl.waitFor(/called five times/, from);
    repl.write('\x03');
    await repl.waitFor(/To exit, press Ctrl\+C again/, from);
    repl.write('await p\r');
    const text = await repl.waitFor(/In \[3\] used[\s\S]*In \[4\]: $/, from);
    expect(text.match(/warning: interrupted after \d+ of 1000 runs/g), text).toHaveLength(1);
    expect(text.indexOf('await p'), text).toBeLessThan(text.indexOf('warning: interrupted after'));
  });
});
