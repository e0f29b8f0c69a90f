import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';

/**
 * `perfcell repl --json`: stdout holds the reports alone, one JSON document a line, so a script
 * can pipe commands in and read what each cost; the session (prompt, values, console.log, notes)
 * goes to stderr. Real perf where it is usable: 2,048 fresh pages cost about 2,048 page-faults.
 */
const perfArgs = perfUsable ? ['-e', 'page-faults'] : ['--no-perf'];
if (!perfUsable) console.warn('repl --json: perf is not usable here, so the page-fault count is not checked (RAM and time are)');

describe('perfcell repl --json', () => {
  it("prints each command's report as a JSON line on stdout, and the session on stderr", async () => {
    const input = [
      'const pages = new Float64Array(2048 * 512)',
      'for (let i = 0; i < pages.length; i += 512) pages[i] = 1',
      'console.log("said " + 6 * 7)',
      'throw new Error("on purpose")',
      '',
    ].join('\n');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', ...perfArgs], { input, reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport & { format: string });
    expect(reports.map((report) => [report.format, report.label, report.exitCode])).toEqual([
      ['perfcell-report', 'In [1]', 0],
      ['perfcell-report', 'In [2]', 0],
      ['perfcell-report', 'In [3]', 0],
      ['perfcell-report', 'In [4]', 1],
    ]);
    // the touch of 2,048 pages: 8 MiB more RSS, and its page-faults (within 1%: the array's first
    // page may have been touched as it was made)
    expect(reports[1]?.memory.usedBytes).toBeGreaterThan(7 * 1024 * 1024);
    if (perfUsable) expect(reports[1]?.counters.events.find((event) => event.event.startsWith('page-faults'))?.total).toBeGreaterThanOrEqual(2048 * 0.99);
    // what the commands printed, their values and the throw's note are on stderr, not among the reports
    expect(result.stderr).toContain('said 42');
    expect(result.stderr).toContain('Uncaught Error: on purpose');
    expect(result.stderr).toContain('note: In [4]: threw: the report covers the command up to the throw');
  });

  // A QA pass: esbuild's 'Expected identifier but found end of file' was taken for invalid
  // TypeScript, so the first line of a multi-line enum, or of a class that implements an interface,
  // threw a SyntaxError instead of waiting for the next line.
  it('takes an enum and a class that implements an interface typed over several lines', { timeout: 60_000 }, async () => {
    const input = ['enum Color {', '  Red = 5,', '}', 'Color.Red', 'class Box implements Object {', '  size = 3', '}', 'new Box().size', ''].join('\n');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', '--no-perf'], { input, reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.split('\n').map((line) => JSON.parse(line) as CommandReport);
    expect(reports.map((report) => [report.label, report.exitCode])).toEqual([
      ['In [1]', 0],
      ['In [2]', 0],
      ['In [3]', 0],
      ['In [4]', 0],
    ]);
    expect(result.stderr).not.toContain('SyntaxError');
    expect(result.stderr).toMatch(/\b5\n/);
    expect(result.stderr).toMatch(/\b3\n/);
  });

  // A QA pass: .timeit printed its figures as text on stderr alone, so a script reading stdout got
  // no line for it, though it is a measured command.
  it(".timeit prints its figures as a perfcell-timeit line among the reports, its text on stderr", { timeout: 60_000 }, async () => {
    // a call that spins 2 ms by the clock: timeit's figures are about 2 ms a call
    const input = ['1 + 1', '.timeit { const end = performance.now() + 2; while (performance.now() < end); }', '2 + 2', ''].join('\n');
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', ...perfArgs], { input, reject: false, timeout: 60_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line['format'], line['label']])).toEqual([
      ['perfcell-report', 'In [1]'],
      ['perfcell-timeit', undefined],
      ['perfcell-report', 'In [2]'],
    ]);
    const timed = lines[1] as { code: string; loops: number; runs: number; perCallS: { n: number; mean: number; stdDev: number; min: number; max: number }; batchPerCallS: number[]; counters: { event: string; perCall: number | null }[] };
    expect(timed.code).toBe('{ const end = performance.now() + 2; while (performance.now() < end); }');
    expect(timed.runs).toBe(7);
    expect(timed.perCallS.n).toBe(7);
    expect(timed.batchPerCallS).toHaveLength(7);
    // calibrated as IPython does, 1, 2, 5, 10 … calls until a batch lasts 0.2 s: 100 calls of 2 ms
    // or more do (50 may, where the machine is busy)
    expect([1, 2, 5, 10, 20, 50, 100]).toContain(timed.loops);
    expect(timed.perCallS.mean).toBeCloseTo(timed.batchPerCallS.reduce((sum, value) => sum + value, 0) / 7, 12);
    expect(timed.perCallS.min).toBe(Math.min(...timed.batchPerCallS));
    expect(timed.perCallS.min).toBeGreaterThanOrEqual(0.002);
    expect(timed.perCallS.mean).toBeLessThan(0.01);
    expect(timed.perCallS.stdDev).toBeGreaterThanOrEqual(0);
    if (perfUsable) expect(timed.counters.map((counter) => counter.event)).toEqual(['page-faults']);
    // the person still reads IPython's line in the session
    expect(result.stderr).toMatch(new RegExp(`^In \\[2\\]: [\\d.]+ ms ± [\\d.]+ (?:ns|µs|ms) per loop \\(mean ± std\\. dev\\. of 7 runs, ${timed.loops} loops each\\)$`, 'm'));
  });
});
