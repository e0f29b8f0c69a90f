import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyRepl, type PtyRepl, endRepl } from '../support/pty-repl.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';

let repl: PtyRepl | null = null;

afterEach(async () => {
  await endRepl(repl);
  repl = null;
});

const TIMEIT_LINE_7 = /[\d.]+ (?:ns|µs|ms|s) ± [\d.]+ (?:ns|µs|ms|s) per loop \(mean ± std\. dev\. of 7 runs, [\d,]+ loops each\)/;
const TIMEIT_LINE = /[\d.]+ (?:ns|µs|ms|s) ± [\d.]+ (?:ns|µs|ms|s) per loop \(mean ± std\. dev\. of 3 runs, [\d,]+ loops each\)/;

describe('perfcell.timeit and perfcell.compare in scope', () => {
  it('the REPL prints timeit like IPython (and the command its own report); the result stays data', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    const printed = await repl.send('t = await perfcell.timeit(() => Math.sqrt(2), { runs: 3, minTime: 0.02 })');
    expect(printed).toMatch(TIMEIT_LINE);
    expect(printed).toMatch(/In \[1\] used/);
    expect(await repl.send('t.runs * 10 + (t.perCallS.mean > 0 ? 1 : 0)')).toMatch(/\n31\n/);
    const compared = await repl.send('await perfcell.compare({ fast: () => 1, slow: () => { let s = 0; for (let i = 0; i < 2e4; i++) s += Math.sqrt(i); return s } }, { runs: 4 })');
    // thousands with commas, in the ratio and in the verdict alike
    expect(compared).toMatch(/slow \/ fast: [\d.,]+×[^\n]*slow is [\d.,]+× [^\n]*slower/);
  });

  it('.timeit CODE prints the same line (7 runs by default), .live shows and switches the live view', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    expect(await repl.send('.timeit Math.sqrt(2)', 30_000)).toMatch(TIMEIT_LINE_7);
    expect(await repl.send('.timeit let s = 0; for (let i = 0; i < 100; i++) s += i', 30_000)).toMatch(TIMEIT_LINE_7);
    expect(await repl.send('.timeit')).toContain('give code to time, e.g. .timeit Math.sqrt(2)');
    expect(await repl.send('.live')).toContain('live: on');
    expect(await repl.send('.live off')).toContain('live: off (from the next command)');
    expect(await repl.send('.live')).toContain('live: off');
  });

  // A QA pass: `.timeit` ran in the background. Piped with nothing after it, the REPL ended before
  // the timing was printed; a line after it ran during the timing, counted with its work.
  it('.timeit holds the input until its line is out: piped input waits for it, and so does its end', { timeout: 60_000 }, () => {
    const printed = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf'], { input: '.timeit Math.sqrt(2)\n1+1\n', encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    const timed = printed.search(TIMEIT_LINE_7);
    expect(timed, printed).toBeGreaterThan(-1);
    // the value of 1+1 comes after the timing (In [1]: the timing is not a command)
    expect(printed.slice(timed), printed).toMatch(/In \[1\]: 2\n/);
    expect(printed.slice(0, timed), printed).not.toMatch(/In \[1\]: 2\n/);
    const alone = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf'], { input: '.timeit Math.sqrt(2)\n', encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(alone).toMatch(TIMEIT_LINE_7);
  });

  it('a name perfcell.timeit or perfcell.compare does not take is refused with the one meant (timeit(fn, { run: 2 }) had run 7 batches)', { timeout: 60_000 }, () => {
    const input = 'await perfcell.timeit(() => Math.sqrt(2), { run: 2 })\nawait perfcell.compare({ a: () => 1, b: () => 2 }, { warmups: 0 })\n1+1\n';
    const printed = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf'], { input, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(printed).toContain("UsageError: unknown option 'run': did you mean 'runs'? (perfcell.timeit takes runs, minTime, warmup, loops, events, intervalMs, perf, perfPath, signal)");
    expect(printed).toContain("UsageError: unknown option 'warmups': did you mean 'warmup'? (perfcell.compare takes runs, warmup, minTime, loops, events, intervalMs, perf, perfPath, signal)");
    expect(printed).not.toMatch(TIMEIT_LINE_7);
    expect(printed).toMatch(/In \[3\]: 2\n/);
  });

  // A QA pass: Ctrl-C during .timeit went to node:repl, which at an empty prompt said '(To exit,
  // press Ctrl+C again …)' while the timing went on, and a second Ctrl-C ended the session.
  it('Ctrl-C stops .timeit after the batch it falls into, with the runs so far, and the session goes on', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    await repl.send('function slow() { const end = Date.now() + 300; while (Date.now() < end); }');
    const from = repl.text().length;
    // 0.3 s a call: calibrated to 1 loop, 7 runs would take some 3 s after the first call and the warm-up
    repl.write('.timeit slow()\r');
    await new Promise((resolve) => setTimeout(resolve, 500));
    repl.write('\x03');
    await new Promise((resolve) => setTimeout(resolve, 100));
    repl.write('\x03');
    const printed = await repl.waitFor(/warning: interrupted after (\d) of 7 runs: the figures are of those\n[\s\S]*In \[2\]: $/, from, 20_000);
    const done = Number(/interrupted after (\d) of 7 runs/.exec(printed)?.[1]);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(7);
    expect(printed).toMatch(new RegExp(`[\\d.]+ ms (± [\\d.]+ (?:µs|ms) )?per loop \\(mean (± std\\. dev\\. )?of ${done} runs?, 1 loop each\\)`));
    expect(printed).not.toContain('To exit');
    expect(await repl.send('6 * 7')).toMatch(/\n42\n/);
  });

  /**
   * Starts `line` (which calls slow(), 0.1 s a call, for some seconds) in a pty REPL, Ctrl-C at
   * 0.5 s, and gives how many calls there were at the next prompt, checking that none came after.
   */
  async function callsAfterCtrlC(line: string): Promise<number> {
    repl = await startPtyRepl(['repl', '--no-perf']);
    await repl.send('globalThis.calls = 0; function slow() { calls++; const end = Date.now() + 100; while (Date.now() < end); }');
    const from = repl.text().length;
    repl.write(`${line}\r`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    repl.write('\x03');
    await repl.waitFor(/interrupted by Ctrl-C[\s\S]*In \[3\]: $/, from, 20_000);
    const callsAt = async (): Promise<number> => Number(/\n(\d+)\n/.exec(await repl!.send('calls'))?.[1]);
    const atPrompt = await callsAt();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await callsAt()).toBe(atPrompt);
    return atPrompt;
  }

  // A QA pass: Ctrl-C in a line that awaits perfcell.timeit ended the line (node:repl rejects an
  // interrupted await), but the timing went on behind the prompt, batch after batch, its perfs and
  // CPU among the next lines', and its result shown nowhere.
  it("Ctrl-C during a line's await perfcell.timeit stops the timing with the line", { timeout: 60_000 }, async () => {
    // 30 runs of one 0.1 s call: some 3 s, stopped at 0.5 s
    expect(await callsAfterCtrlC('await perfcell.timeit(slow, { loops: 1, runs: 30, warmup: 0 })')).toBeLessThan(30);
  });

  // The same QA pass: perfcell.compare went on behind the prompt too (its function called 23, then 35 times).
  it("Ctrl-C during a line's await perfcell.compare stops its rounds with the line", { timeout: 60_000 }, async () => {
    // 20 rounds of two runs of one 0.1 s call: some 4 s, stopped at 0.5 s
    expect(await callsAfterCtrlC('await perfcell.compare({ a: slow, b: slow }, { loops: 1, runs: 20, warmup: 0 })')).toBeLessThan(40);
  });

  // A QA pass: .timeit compiled its code as JavaScript alone, so TypeScript the REPL takes as a line
  // was a SyntaxError there ('.timeit (xs as number[]).length': Unexpected identifier 'as').
  it('.timeit takes TypeScript as the REPL takes a line: an expression or statements, not with --no-ts', { timeout: 60_000 }, () => {
    const input = 'const xs = [1, 2, 3]\n.timeit (xs as number[]).length\n.timeit let s: number = 0; for (const x of xs) s += x\n.timeit )\n';
    const printed = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf'], { input, encoding: 'utf8', timeout: 50_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(printed.match(new RegExp(TIMEIT_LINE_7.source, 'g')), printed).toHaveLength(2);
    // neither JavaScript nor TypeScript: JavaScript's error, as before
    expect(printed).toContain(".timeit: Unexpected token ')'");
    const javaScriptOnly = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf', '--no-ts'], { input: '.timeit (1 as number)\n', encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(javaScriptOnly).toContain(".timeit: Unexpected identifier 'as'");
  });

  // A QA pass: `.timeit await f()` said V8's 'await is only valid in async functions and the top
  // level bodies of modules', as if the line could not await, where a line can and .timeit cannot.
  it('.timeit of code that awaits is refused as an async function is, naming the ways to measure it', { timeout: 60_000 }, () => {
    const ways = ': measure an async function as a REPL line or cell of its own (await f()), whose report is its cost, or with the library\'s measure(fn)';
    for (const flags of [[], ['--no-ts']]) {
      const printed = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf', ...flags], { input: '.timeit await 1\n.timeit const v = await Promise.resolve(1); v\n.timeit for await (const x of []) x\n', encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
      // for await's SyntaxError is V8's 'Unexpected reserved word' (a review: it was said so)
      expect(printed.split('.timeit: timeit times synchronous code (this code awaits)' + ways), printed).toHaveLength(4);
    }
  });

  // A review: `await (p)` compiles in a function that is not async, a call of a function named
  // await (a script's await is a name), so .timeit ran it and said 'await is not defined', and so
  // for TypeScript's '.timeit await (p as any)', which esbuild strips to that call
  it('.timeit of an await in parentheses, or of TypeScript that awaits, is refused as code that awaits', { timeout: 60_000 }, () => {
    const input = 'const p = Promise.resolve(1);\n.timeit await (p)\n.timeit await (p as any)\n.timeit const q: number = await p\n';
    const printed = execFileSync(process.execPath, [cliPath, 'repl', '--no-perf'], { input, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(printed).not.toContain('await is not defined');
    // TypeScript that awaits had JavaScript's error for it: 'Missing initializer in const declaration'
    expect(printed).not.toContain('Missing initializer');
    expect(printed.split('.timeit: timeit times synchronous code (this code awaits): measure an async function'), printed).toHaveLength(4);
  });

  it('cells have perfcell.timeit too', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-timeit-'));
    try {
      const file = join(dir, 'cells.js');
      writeFileSync(file, "// %% time sqrt\nconst t = await perfcell.timeit(() => Math.sqrt(2), { runs: 3, minTime: 0.02 });\nconsole.log(require('node:util').inspect(t));\n");
      const stdout = execFileSync(process.execPath, [cliPath, 'cells', '--no-perf', file], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 50_000 });
      expect(stdout).toMatch(TIMEIT_LINE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A QA pass: the cells' timing tools took no perf set-up, so they counted perf's default events
  // whatever the command said: with --no-perf they started perfs (and said so), with -e task-clock
  // they counted page-faults and context-switches.
  it("a cell's perfcell.timeit counts what the cells count: none with --no-perf, -e's events", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-timeit-'));
    try {
      const file = join(dir, 'cells.js');
      writeFileSync(file, '// %% time sqrt\nawait perfcell.timeit(() => Math.sqrt(2), { runs: 3, minTime: 0.02 })\n');
      const cells = (...flags: string[]) => spawnSync(process.execPath, [cliPath, 'cells', ...flags, file], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 50_000 });
      const bare = cells('--no-perf');
      expect(bare.status, bare.stderr).toBe(0);
      expect(bare.stdout).toMatch(TIMEIT_LINE);
      expect(bare.stdout).not.toMatch(/\/call/);
      expect(bare.stderr).not.toContain('perfcell measured inside this command');
      if (perfUsable) {
        const counted = cells('-e', 'task-clock');
        expect(counted.status, counted.stderr).toBe(0);
        expect(counted.stdout).toMatch(new RegExp(`${TIMEIT_LINE.source}\ntask-clock [\\d.e+-]+ msec/call\n`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A QA pass: the loop that calls the function was compiled in perfcell's realm, and a file's
  // cells run in a vm context of their own, across which V8 inlines nothing: a cell's () =>
  // Math.sqrt(2) was called, not inlined, and its number boxed, 16 bytes of garbage a call (10-14 ns
  // a call and 2.3 GB collected, where the REPL's took 0.6 ns and none).
  it("a cell's timeit and compare call its function as the cell's own loop would: inlined, no garbage a call", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-timeit-'));
    try {
      const file = join(dir, 'cells.js');
      writeFileSync(
        file,
        [
          '// %% time sqrt',
          'const t = await perfcell.timeit(() => Math.sqrt(2), { runs: 3, minTime: 0.1 });',
          'const c = await perfcell.compare({ two: () => Math.sqrt(2), three: () => Math.sqrt(3) }, { runs: 3, warmup: 1 });',
          '// %% say',
          "console.log('RESULT ' + JSON.stringify({ bytesPerCall: t.gc.reclaimedBytes / (t.loops * t.runs), loops: t.loops, collectionsPerCall: c.runs.flatMap((alternative) => alternative.runs.map((run) => run['gc collections'])) }));",
          '',
        ].join('\n'),
      );
      const stdout = execFileSync(process.execPath, [cliPath, 'cells', '--no-perf', file], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 50_000 });
      const result = JSON.parse(/^RESULT (.*)$/m.exec(stdout)?.[1] ?? 'null') as { bytesPerCall: number; loops: number; collectionsPerCall: number[] };
      // a boxed number a call is 16 bytes; calls in the millions a batch make any per-call garbage show
      expect(result.loops).toBeGreaterThanOrEqual(1e6);
      expect(result.bytesPerCall).toBeLessThan(1);
      // compare's runs: a collection every million calls or so had been the boxed numbers' (8e-6 a call)
      expect(result.collectionsPerCall).toHaveLength(6);
      for (const collections of result.collectionsPerCall) expect(collections).toBeLessThan(1e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A QA pass: a cell's value is not printed, so a cell of `await perfcell.timeit(…)` showed none of
  // its figures, only the cell's report of the whole timing (IPython's %timeit prints its line wherever it runs).
  it("a cell's perfcell.timeit and perfcell.compare print their text as they end, on stdout (stderr with --json)", { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-timeit-'));
    try {
      const file = join(dir, 'cells.js');
      writeFileSync(file, "// %% time sqrt\nawait perfcell.timeit(() => Math.sqrt(2), { runs: 3, minTime: 0.02 })\n// %% compare\nawait perfcell.compare({ one: () => 1, two: () => 2 }, { runs: 3, loops: 1000 })\n");
      const stdout = execFileSync(process.execPath, [cliPath, 'cells', '--no-perf', file], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 50_000 });
      // each before its cell's report
      expect(stdout).toMatch(new RegExp(`${TIMEIT_LINE.source}\n[\\s\\S]*time sqrt used `));
      expect(stdout).toMatch(/\ntwo \/ one: [^\n]*\n[\s\S]*\ncompare used /);
      const json = spawnSync(process.execPath, [cliPath, 'cells', '--no-perf', '--json', file], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 50_000 });
      expect(json.status, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as { format: string }).format).toBe('perfcell-cells');
      expect(json.stderr).toMatch(TIMEIT_LINE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
