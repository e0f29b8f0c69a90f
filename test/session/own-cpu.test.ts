import { describe, expect, it } from 'vitest';
import { measure } from '../../src/index.ts';
import { renderReportText } from '../../src/render/report-text.ts';
import { MIN_OWN_PCT_WALL_S } from '../../src/session/cpu.ts';
import { fixture } from '../support/fixtures.ts';

/**
 * The command's own CPU on real commands (no perf needed: the own CPU comes from getrusage and
 * wait4). A tiny command gets its seconds and no percentage; a long one a percentage whose CPU
 * seconds are at least what the command itself spent (it spins until its own clock says so).
 */
const ownS = (cpu: { userS: number | null; systemS: number | null }): number => (cpu.userS ?? NaN) + (cpu.systemS ?? NaN);

/** Spins this thread until it has used `seconds` of the process's CPU time (the process clock, whatever the load). */
function spinCpu(seconds: number): number {
  const start = process.cpuUsage();
  let spins = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i += 1) spins += 1;
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1e6 >= seconds) return spins;
  }
}

describe('the own CPU of measure(fn) and measure(argv)', () => {
  it('gives 1+1 its CPU seconds but no % (a sub-ms window), and the text says why', async () => {
    const reports = [];
    for (let run = 0; run < 5; run += 1) reports.push(await measure(() => 1 + 1, { perf: false }));
    for (const report of reports) {
      // A loaded machine can stretch even 1+1 past 10 ms now and then: that window gets its %.
      if (report.durationS >= MIN_OWN_PCT_WALL_S) continue;
      expect(report.cpu.ownPct).toBeNull();
      expect(report.cpu.ownPctWithheld).toBe('window-too-short');
      expect(ownS(report.cpu)).toBeGreaterThanOrEqual(0);
      expect(renderReportText(report)).toMatch(/\(cpu [\d.]+(?:s| µs| ns), too short a window for a %; /);
      expect(renderReportText(report)).not.toContain('of one cpu');
    }
    expect(reports.filter((report) => report.cpu.ownPctWithheld === 'window-too-short').length).toBeGreaterThanOrEqual(1);
  });

  it('gives a function that spins 0.2 s of CPU its % of one cpu over the window', async () => {
    const report = await measure(() => spinCpu(0.2), { perf: false });
    expect(ownS(report.cpu)).toBeGreaterThanOrEqual(0.2);
    expect(report.cpu).not.toHaveProperty('ownPctWithheld');
    expect(report.cpu.ownPct).toBeCloseTo((100 * ownS(report.cpu)) / report.durationS, 6);
    // Under load the spinner gets less than a whole cpu and the % is lower, never 0.
    expect(report.cpu.ownPct ?? 0).toBeGreaterThan(0);
    const shown = Math.round(report.cpu.ownPct ?? NaN);
    const text = renderReportText(report);
    expect(text).toContain(`= ${shown}% of one cpu`);
    // Over 100 % only where more than one thread ran (V8's helpers beside the spinner), and then it says so.
    if (shown > 100) expect(text).toContain('of one cpu, several threads at once');
  });

  it('keeps a single-threaded program at or under 100 % of one cpu: its CPU time is wait4\'s, its wall time the run\'s', async () => {
    const report = await measure([fixture('spin'), '0.3', 'cpu'], { perf: false, quiet: true });
    expect(report.exitCode).toBe(0);
    expect(ownS(report.cpu)).toBeGreaterThanOrEqual(0.3);
    expect(report.cpu.ownPct ?? Infinity).toBeLessThanOrEqual(100.5);
    expect(renderReportText(report)).not.toContain('several threads');
  });
});
