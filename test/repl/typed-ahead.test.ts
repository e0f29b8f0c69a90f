import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { startPtyRepl, type PtyRepl, endRepl } from '../support/pty-repl.ts';

// What a user sees of input typed while a command still runs: it waits for that command, runs in
// order, each line with its own report; Ctrl-C is not queued behind it; piped input that ends
// early is still all run. None of this needs perf, so it does not wait on it.
const perfArgs = perfUsable ? [] : ['--no-perf'];
let repl: PtyRepl | null = null;

/** `perfcell repl ARGS` with INPUT piped in (stdin a pipe, not a terminal), run to its end. */
const pipeIntoRepl = (input: string, args: readonly string[] = perfArgs) =>
  execa(process.execPath, [cliPath, 'repl', ...args], { input, reject: false, timeout: 30_000, env: { NO_COLOR: '1', PERFCELL_REPL_HISTORY: '' } });

afterEach(async () => {
  await endRepl(repl);
  repl = null;
});

describe('perfcell repl: input typed while a command runs (through a pty)', () => {
  it('runs lines typed during an await after it, in order, each with its own report', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', ...perfArgs]);
    const from = repl.text().length;
    repl.write('await new Promise(r => setTimeout(r, 300))\rx = 5\rx * 2\r');
    const printed = await repl.waitFor(/In \[3\] used[\s\S]*In \[4\]: $/, from);
    const first = /In \[1\] used [-\d.]+ MiB RAM in ([\d.]+)s/.exec(printed);
    expect(Number(first?.[1])).toBeGreaterThanOrEqual(0.29);
    expect(printed.indexOf('In [1] used')).toBeLessThan(printed.indexOf('In [2] used'));
    expect(printed).toMatch(/\n10\nIn \[3\] used/);
  });

  it('Ctrl-C interrupts an await that never settles even with a line typed ahead, which then runs', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', ...perfArgs]);
    const from = repl.text().length;
    repl.write('await new Promise(() => {})\r');
    await new Promise((resolve) => setTimeout(resolve, 500));
    repl.write('y = 3 * 7\r');
    await new Promise((resolve) => setTimeout(resolve, 100));
    repl.write('\x03');
    const printed = await repl.waitFor(/\n21\nIn \[2\] used[\s\S]*In \[3\]: $/, from);
    expect(printed).toContain('interrupted by Ctrl-C');
  });
});

describe('perfcell repl: piped input', () => {
  it('runs every line of input that ends while a command still runs, then exits 0', async () => {
    const result = await pipeIntoRepl('await new Promise(r => setTimeout(r, 200))\nconsole.log("last " + (6 * 7))\n');
    expect(result.exitCode).toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toContain('last 42');
  });

  it('runs a last line that has no line end, as node -i does (it was dropped without a word)', async () => {
    const result = await pipeIntoRepl('1+1\nconsole.log("last " + (6 * 7))');
    expect(result.exitCode).toBe(0);
    const printed = `${result.stdout}\n${result.stderr}`;
    expect(printed).toContain('last 42');
    expect(printed).toMatch(/In \[2\] used /);
  });
});

describe.runIf(perfUsable)('perfcell repl -e: events perf refuses (real perf)', () => {
  it('refuses them before the session starts, exit 1, as run does (it had turned perf off for the session with one line)', async () => {
    const result = await pipeIntoRepl('1+1\n', ['-e', 'bogus-event,page-faults']);
    expect([result.exitCode, result.stdout, result.stderr]).toEqual([1, '', "error: unknown perf event 'bogus-event' (see perf list, or drop it from -e)"]);
  });
});
