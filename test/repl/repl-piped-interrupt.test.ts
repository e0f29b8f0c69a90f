import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';

/**
 * Ctrl-C where the REPL's input is not a terminal (`perfcell repl < script.js` run from a shell, or
 * a script's pipe): SIGINT reaches perfcell's process, not readline as a keystroke. A line waiting on
 * a top-level await stops there, gets its report, and the session goes on, as on a terminal and as a
 * synchronous loop does (node:repl's watchdog). A QA pass: the process died of it (130), the line's
 * report lost and the lines after it never run.
 */
/** `perfcell repl --json --no-perf` on a pipe; `heard(text)` resolves once stderr holds `text`, or once the REPL ends (the test then fails on its exit status). */
function pipedRepl(env: Record<string, string> = {}, args: readonly string[] = []) {
  const repl = execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf', ...args], { reject: false, timeout: 50_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '', ...env } });
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  repl.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.filter((each) => stderr.includes(each.text))) waiter.resolve();
  });
  const heard = (text: string): Promise<unknown> => Promise.race([new Promise<void>((resolve) => waiters.push({ text, resolve })), repl]);
  /** Types `line`, sends SIGINT once stderr holds `text`, then types `6 * 7` and ends the input; the REPL's result, its exit status held to 0. */
  const interruptedAt = async (line: string, text: string) => {
    const said = heard(text);
    repl.stdin?.write(`${line}\n`);
    await said;
    repl.kill('SIGINT');
    repl.stdin?.end('6 * 7\n');
    const result = await repl;
    expect(result.exitCode, stderr).toBe(0);
    return result;
  };
  return { repl, heard, interruptedAt, stderr: () => stderr };
}

describe('perfcell repl with piped input, SIGINT', () => {
  it('ends a waiting await with its report, and the lines after it run', { timeout: 60_000 }, async () => {
    const { interruptedAt, stderr } = pipedRepl();
    // said from a timer: the line's synchronous part is over, and its await waits (a SIGINT during the
    // synchronous part is node:repl's watchdog's)
    const result = await interruptedAt('setTimeout(() => console.log("waiting " + "now"), 50); await new Promise((resolve) => setTimeout(resolve, 30_000))', 'waiting now');
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport);
    expect(reports.map((report) => [report.label, report.exitCode, report.signal])).toEqual([
      ['In [1]', null, 'SIGINT'],
      ['In [2]', 0, null],
    ]);
    expect(reports[0]?.durationS).toBeLessThan(20);
    expect(stderr()).toContain('note: In [1]: interrupted by Ctrl-C after');
    expect(stderr()).toMatch(/^In \[2\]: 42$/m);
  });

  it('stops a .timeit after the batch it falls into, as Ctrl-C does on a terminal', { timeout: 60_000 }, async () => {
    const { interruptedAt, stderr } = pipedRepl();
    // each call spins 50 ms; the first says so
    const result = await interruptedAt('.timeit { if (globalThis.said === undefined) { globalThis.said = 1; console.log("timing " + "now") } const end = Date.now() + 50; while (Date.now() < end); }', 'timing now');
    const lines = result.stdout.split('\n').map((line) => JSON.parse(line) as { format: string; label?: string; runs?: number });
    expect(lines.map((line) => [line.format, line.label])).toEqual([
      ['perfcell-timeit', undefined],
      ['perfcell-report', 'In [1]'],
    ]);
    expect(lines[0]?.runs).toBeLessThan(7);
    expect(stderr()).toMatch(/^warning: interrupted after \d of 7 runs: the figures are of those$/m);
    expect(stderr()).toMatch(/^In \[1\]: 42$/m);
  });

  // A QA pass: every SIGINT listener was off from the start of node:repl's eval, whose watchdog starts
  // only once it has parsed the line for await (acorn, loaded at the first line that holds one) and
  // compiled it, so a SIGINT some ms after a line was sent ended the process by the signal's default
  // action (exit by SIGINT, the line's report lost: 0 to 6 ms after the first await line, 9 to 30
  // after a 300-statement one). A line in hand is interrupted now, or its report says the SIGINT
  // came before its code ran, or the SIGINT is lost in node:repl's compile; never the process ended.
  it('lives through a SIGINT sent while a line is prepared, parsed for await and compiled', { timeout: 90_000 }, async () => {
    const { repl, heard, stderr } = pipedRepl();
    await heard('In [1]: ');
    const prompts = (): number => stderr().match(/In \[\d+\]: /g)?.length ?? 0;
    const body = Array.from({ length: 300 }, (_, index) => `var s${index} = [${index}, { a: ${index} }].map((x) => x)`).join('; ');
    // from 3 ms: the line read by then (a SIGINT before it is one between lines, which ends the REPL)
    const delaysMs = [3, 4, 5, 6, 8, 10, 12, 15];
    for (const [index, delayMs] of delaysMs.entries()) {
      const before = prompts();
      repl.stdin?.write(`await new Promise((resolve) => setTimeout(resolve, 1_000)); ${body}; 'line ${index}'\n`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      repl.kill('SIGINT');
      // the prompt after the line (one interrupted before its first statement has no report: repl-reports)
      while (prompts() === before && repl.exitCode === null && repl.signalCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
      expect([repl.exitCode, repl.signalCode], `${delayMs} ms after line ${index + 1}; ${stderr()}`).toEqual([null, null]);
    }
    repl.stdin?.end('6 * 7\n');
    const result = await repl;
    expect(result.exitCode, stderr()).toBe(0);
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport);
    for (const report of reports) expect([[0, null], [null, 'SIGINT']]).toContainEqual([report.exitCode, report.signal]);
    expect(reports.at(-1)?.exitCode).toBe(0);
    expect(stderr()).toMatch(/^In \[\d+\]: 42$/m);
  });

  // A QA pass: a SIGINT while perfcell prepared a line (esbuild's strip of a TypeScript line, perf's
  // window) or made its report found no await waiting and ended the process by the signal (every
  // try 0 to 3 ms after a --ts line was sent); it is the line's now, and its report says so. A
  // SIGINT that libuv took just before node:repl's watchdog took the listeners off is lost with them
  // (the line runs on, without the note: once in a whole loaded suite), so up to three REPLs are tried
  // for the note; each of them must live
  it('lives through a SIGINT sent while a TypeScript line is stripped, and its report says so', { timeout: 90_000 }, async () => {
    const note = 'note: In [1]: a Ctrl-C came while the line was prepared, compiled or reported, not while its code ran: nothing was interrupted';
    let noted = false;
    for (let attempt = 0; attempt < 3 && !noted; attempt++) {
      const { repl, heard, stderr } = pipedRepl({}, ['--ts']);
      await heard('In [1]: ');
      repl.stdin?.write('let typed: number = 5; typed\n');
      // read by then, and esbuild's service still starting (some 100 ms)
      await new Promise((resolve) => setTimeout(resolve, 10));
      repl.kill('SIGINT');
      await heard('In [2]: ');
      repl.stdin?.end('6 * 7\n');
      const result = await repl;
      expect(result.exitCode, stderr()).toBe(0);
      expect(result.stdout.split('\n').map((line) => (JSON.parse(line) as CommandReport).label)).toEqual(['In [1]', 'In [2]']);
      expect(stderr()).toMatch(/^In \[1\]: 5$/m);
      expect(stderr()).toMatch(/^In \[2\]: 42$/m);
      noted = stderr().includes(note);
    }
    expect(noted, 'the note in none of three REPLs').toBe(true);
  });

  // A review: a SIGINT after an await line's promise settled, while its report was made, went on to
  // node:repl as one at an empty prompt, '(To exit, press Ctrl+C again or Ctrl+D or type .exit)',
  // where a plain line's report says it came (every try). The line sends it itself once its await is
  // over: the signal is read after its promise has settled, while its report is made.
  it('gives a SIGINT that comes while an await line is reported to its report, as a plain line\'s', { timeout: 60_000 }, async () => {
    const { repl, stderr } = pipedRepl();
    repl.stdin?.end('await new Promise((resolve) => setTimeout(resolve, 50)); queueMicrotask(() => process.kill(process.pid, "SIGINT")); "done"\n6 * 7\n');
    const result = await repl;
    expect(result.exitCode, stderr()).toBe(0);
    expect(stderr()).toContain('note: In [1]: a Ctrl-C came while the line was prepared, compiled or reported, not while its code ran: nothing was interrupted');
    expect(stderr()).not.toContain('(To exit');
    expect(stderr()).toMatch(/^In \[2\]: 42$/m);
  });

  // A QA pass: node:repl's watchdog, stopped after each line, leaves SIGINT to its own handler, which
  // ends the process; the listener that keeps the signal ignored was put back before and did not
  // take it back, so a REPL started with SIGINT ignored (a script's background job) died of the first
  // SIGINT after a line.
  it('keeps SIGINT ignored where perfcell was started with it ignored, after lines have run', { timeout: 60_000 }, async () => {
    const { interruptedAt, stderr } = pipedRepl({ PERFCELL_SIGIGN: '0000000000000002' });
    const result = await interruptedAt('1 + 1\nsetTimeout(() => console.log("waiting " + "now"), 50); await new Promise((resolve) => setTimeout(resolve, 1_500)); "waited"', 'waiting now');
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport);
    expect(reports.map((report) => [report.label, report.exitCode, report.signal])).toEqual([
      ['In [1]', 0, null],
      ['In [2]', 0, null],
      ['In [3]', 0, null],
    ]);
    // the await ran its course
    expect(stderr()).toMatch(/^'waited'$/m);
    expect(stderr()).not.toContain('interrupted');
  });

  // A QA pass: a listener a line added was made before node:repl's watchdog stopped, and so did not
  // take the signal back from node's handler that ends the process (node's own REPL dies of it too)
  it("leaves a SIGINT between lines to the listener a line added", { timeout: 60_000 }, async () => {
    const { repl, heard, stderr } = pipedRepl();
    const reported = new Promise<void>((resolve) => repl.stdout?.once('data', () => resolve()));
    repl.stdin?.write('process.on("SIGINT", () => console.log("heard " + "SIGINT")); "listening"\n');
    // the line's report, which comes after node:repl's eval has returned (its value is printed inside it)
    await Promise.race([reported, repl]);
    repl.kill('SIGINT');
    await heard('heard SIGINT');
    repl.stdin?.end('6 * 7\n');
    const result = await repl;
    expect(result.exitCode, stderr()).toBe(0);
    expect(result.stdout.split('\n').map((line) => (JSON.parse(line) as CommandReport).label)).toEqual(['In [1]', 'In [2]']);
    expect(stderr()).toMatch(/^42$/m);
  });
});
