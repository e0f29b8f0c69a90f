import { afterEach, describe, expect, it } from 'vitest';
import { startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';

/**
 * The REPL's own-CPU figure as a person reads it (through a pty). `1+1` used to print
 * "cpu 0.001s = 222% of one cpu": the process's CPU (every thread) over a sub-millisecond window.
 * --no-perf: the own CPU comes from getrusage, not from perf, so these tests need no perf.
 */
let repl: PtyRepl | null = null;

afterEach(async () => {
  if (repl === null) return;
  repl.kill('SIGKILL');
  await repl.exited;
  repl = null;
});

/** The `(cpu …; machine-wide …)` part of the command's report line. */
function cpuPart(printed: string): string {
  const match = /In \[\d+\] used .* RAM in [\d.]+(?:s| µs| ns) \((cpu [^;]*);/.exec(printed);
  if (!match?.[1]) throw new Error(`no own CPU in ${JSON.stringify(printed)}`);
  return match[1];
}

/** perfcell.last's duration and cpu, as the REPL prints a JSON string. */
async function last(session: PtyRepl): Promise<{ durationS: number; cpu: { userS: number; systemS: number; ownPct: number | null; ownPctWithheld?: string } }> {
  const printed = await session.send('JSON.stringify({ durationS: perfcell.last.durationS, cpu: perfcell.last.cpu })');
  const quoted = /'(\{.*\})'/.exec(printed);
  if (!quoted?.[1]) throw new Error(`no JSON in ${JSON.stringify(printed)}`);
  return JSON.parse(quoted[1]) as Awaited<ReturnType<typeof last>>;
}

describe('the REPL\'s own CPU', () => {
  it('prints 1+1\'s CPU seconds without a % (the window is far under 10 ms), and a % for a 0.2 s spin', { timeout: 60_000 }, async () => {
    repl = await startPtyRepl(['repl', '--no-perf']);
    let withheld = 0;
    for (let run = 0; run < 5; run += 1) {
      const own = cpuPart(await repl.send('1+1'));
      const report = await last(repl);
      if (report.cpu.ownPctWithheld === 'window-too-short') {
        withheld += 1;
        expect(own).toMatch(/^cpu [\d.]+(?:s| µs| ns), too short a window for a %$/);
        expect(report.cpu.ownPct).toBeNull();
      } else {
        // Only a window a loaded machine stretched past 10 ms gets a %.
        expect(report.durationS).toBeGreaterThanOrEqual(0.0099);
        expect(own).toMatch(/ of one cpu/);
      }
    }
    expect(withheld).toBeGreaterThanOrEqual(1);

    // Spins until the process's own clock has 0.2 s more: at least that much CPU, whatever the load.
    const own = cpuPart(await repl.send('{ const s = process.cpuUsage(); let n = 0; while ((process.cpuUsage(s).user + process.cpuUsage(s).system) < 2e5) n++; }'));
    const report = await last(repl);
    expect(report.cpu.userS + report.cpu.systemS).toBeGreaterThanOrEqual(0.2);
    expect(report.cpu.ownPct).toBeCloseTo((100 * (report.cpu.userS + report.cpu.systemS)) / report.durationS, 0);
    const shown = Math.round(report.cpu.ownPct ?? NaN);
    expect(own).toMatch(new RegExp(`^cpu 0\\.\\d\\ds = ${shown}% of one cpu${shown > 100 ? ', several threads at once' : ''}$`));
  });
});
