import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { allGone, endRepl, startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';

/** What a report made at the exit lacks: settling (perf's counts are read synchronously). */
const EXIT_NOTE = (code: number): string => `process.exit(${code}) ended perfcell during this command: its report was made as it exited, with final RAM unsettled`;

/** The events counted: page-faults, which the line's fresh pages each cost one of, on any machine (not the default set everywhere). */
const EVENTS = ['-e', 'page-faults,task-clock'];
/** The fresh pages the line touches. */
const PAGES = 16_384;

/** A line that touches 64 MiB (16,384 fresh pages), then ends the process. */
const TOUCH_AND_EXIT = (code: number): string => `const kept = new Uint8Array(64 * 2 ** 20); for (let i = 0; i < kept.length; i += 4096) kept[i] = 1; process.exit(${code})`;

/**
 * A REPL line that calls process.exit() (`work(); process.exit(0)`): its report is printed as the
 * process exits, with the figures measured up to the exit, perf's counts read synchronously. The
 * process had ended before the report, which was lost. Real REPL in a pty and on a pipe, real perf.
 */
describe.runIf(perfUsable)('perfcell repl: a line that calls process.exit()', () => {
  let repl: PtyRepl | null = null;
  afterEach(async () => {
    await endRepl(repl);
    repl = null;
  });

  it("prints the line's report before the REPL exits, and leaves no perf behind", { timeout: 40_000 }, async () => {
    repl = await startPtyRepl(['repl', ...EVENTS]);
    const perf = await repl.waitForPerfChildren(1);
    const from = repl.text().length;
    repl.write(`${TOUCH_AND_EXIT(7)}\r`);
    const { exitCode } = await repl.exited;
    expect(exitCode, repl.text()).toBe(7);
    const printed = repl.text().slice(from);
    const used = /\nIn \[1\] used ([\d.]+) MiB RAM in /.exec(printed);
    expect(used, printed).not.toBeNull();
    // the 64 MiB the line touched, kept (no settling, no collection of `kept`)
    expect(Number(used?.[1]), printed).toBeGreaterThanOrEqual(60);
    const faults = /\bpage-faults ([\d,]+) /.exec(printed);
    expect(faults, printed).not.toBeNull();
    expect(Number(faults?.[1]?.replaceAll(',', '')), printed).toBeGreaterThanOrEqual(PAGES);
    expect(printed).toContain(`warning: ${EXIT_NOTE(7)}`);
    expect(await allGone(perf, 3000), `perf processes ${perf.join(', ')} outlived the REPL`).toBe(true);
  });

  it('prints it as JSON with --json: its time, RAM, counts and exit code', { timeout: 30_000 }, async () => {
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', ...EVENTS], { input: `${TOUCH_AND_EXIT(0)}\n`, reject: false, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' }, timeout: 20_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { format: string; exitCode: number; durationS: number; memory: { usedBytes: number; settle?: unknown }; counters: { backend: string; events: { event: string; total: number | null }[] }; warnings: string[] });
    expect(reports.map((report) => report.format), result.stdout).toEqual(['perfcell-report']);
    const [report] = reports;
    expect(report?.exitCode).toBe(0);
    expect(report?.durationS).toBeGreaterThan(0);
    expect(report?.memory.usedBytes).toBeGreaterThanOrEqual(60 * 2 ** 20);
    expect(report?.memory.settle).toBeUndefined();
    expect(report?.counters.backend).toBe('perf');
    const faults = report?.counters.events.find((event) => event.event === 'page-faults')?.total ?? 0;
    // each fresh page one fault, and few more: the line's own, not perfcell's exit work
    expect(faults, result.stdout).toBeGreaterThanOrEqual(PAGES);
    expect(faults, result.stdout).toBeLessThan(PAGES + 2_000);
    expect(report?.warnings).toContain(EXIT_NOTE(0));
  });

  // A line whose promise never settles, on a pipe whose input ends: nothing is left to run, and
  // the process ends without a process.exit() call. Its report had said 'process.exit(0) ended
  // perfcell during this command', a call nobody made.
  it("says a line that never settled ended with the input, not by a process.exit() it never called", { timeout: 30_000 }, async () => {
    const result = await execa(process.execPath, [cliPath, 'repl', '--json', ...EVENTS], { input: 'await new Promise(() => {})\n', reject: false, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' }, timeout: 20_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const reports = result.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { label: string; warnings: string[] });
    expect(reports.map((report) => report.label), result.stdout).toEqual(['In [1]']);
    expect(reports[0]?.warnings).toContain("this command's promise had not settled when perfcell ended, with nothing left to run: its report was made as it exited, with final RAM unsettled");
    expect(result.stderr).not.toContain('process.exit(');
  });
});
