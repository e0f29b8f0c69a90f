import { describe, expect, it } from 'vitest';
import { renderCellsSummary } from '../../src/render/cells-summary.ts';
import type { CellRun } from '../../src/experiment/run-cells.ts';
import type { CommandReport } from '../../src/session/report.ts';

const MIB = 1024 * 1024;
const event = (name: string, total: number, lowestRunningPct = 100) => ({
  event: name, unit: '', status: 'counted' as const, total, countedSeconds: 0.1, perSecond: total * 10,
  samples: [{ timeS: 0.1, value: total }], min: total, max: total, lowestRunningPct,
});
const report = (durationS: number, usedMiB: number, faults: number, switches: number, scaledPct = 100): CommandReport => ({
  label: 'cell', startedAt: '2026-12-01T00:00:00.000Z', durationS, exitCode: 0, signal: null,
  memory: { rssBeforeBytes: 40 * MIB, rssAfterBytes: (40 + usedMiB) * MIB, usedBytes: usedMiB * MIB, peakRssBytes: (40 + usedMiB) * MIB, peakAboveFinalBytes: 0, peakMethod: 'vmhwm-reset' },
  cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [], userS: durationS, systemS: 0 },
  counters: {
    backend: 'perf', simulated: false, intervalMs: 100,
    events: [event('page-faults', faults), event('context-switches', switches, scaledPct)],
    unsupported: [], derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null }, pauseS: 0,
  },
  warnings: [],
});
const runs: CellRun[] = [
  { title: 'load rows', startLine: 2, report: report(0.0521, 8.1, 2077, 14), failure: null },
  { title: 'sum rows', startLine: 17, report: report(0.012, 0, 0, 1), failure: null },
];
const widest = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].length));

describe('renderCellsSummary fits a width', () => {
  it('with no width (a pipe, a file) every column, a row a line', () => {
    expect(renderCellsSummary(runs)).toMatchInlineSnapshot(`
      "cell       line     time  RAM used  peak above final  page-faults  context-switches
      load rows     2  52.1 ms   8.1 MiB           0.0 MiB        2,077                14
      sum rows     17  12.0 ms   0.0 MiB           0.0 MiB            0                 1"
    `);
  });

  it('drops whole columns to fit, never wrapping a row: the line, the counters from the last, then the peak', () => {
    expect(renderCellsSummary(runs, { width: 83 })).toBe(renderCellsSummary(runs));
    expect(renderCellsSummary(runs, { width: 70 })).toMatchInlineSnapshot(`
      "cell          time  RAM used  peak above final  page-faults
      load rows  52.1 ms   8.1 MiB           0.0 MiB        2,077
      sum rows   12.0 ms   0.0 MiB           0.0 MiB            0"
    `);
    expect(renderCellsSummary(runs, { width: 50 })).toMatchInlineSnapshot(`
      "cell          time  RAM used  peak above final
      load rows  52.1 ms   8.1 MiB           0.0 MiB
      sum rows   12.0 ms   0.0 MiB           0.0 MiB"
    `);
    expect(renderCellsSummary(runs, { width: 40 })).toMatchInlineSnapshot(`
      "cell          time  RAM used
      load rows  52.1 ms   8.1 MiB
      sum rows   12.0 ms   0.0 MiB"
    `);
  });

  it('puts a name too long for the width on its own line, its figures under it; a failed cell keeps its status', () => {
    const failed: CellRun = {
      title: 'a cell whose title is longer than the terminal is wide', startLine: 30, report: report(0.003, 0.1, 12, 0),
      failure: { message: 'Error: sums differ', line: 33, column: 5, stack: '' },
    };
    const text = renderCellsSummary([...runs, failed], { width: 40 });
    expect(text).toMatchInlineSnapshot(`
      "cell
             time  RAM used  status
      load rows
          52.1 ms   8.1 MiB  ok
      sum rows
          12.0 ms   0.0 MiB  ok
      a cell whose title is longer than the
        terminal is wide
          3.00 ms   0.1 MiB  failed at line 33"
    `);
    expect(widest(text)).toBeLessThanOrEqual(40);
  });

  it('says a counter was scaled only where its column is shown, the footnote wrapped to the width', () => {
    const scaled = runs.map((run) => ({ ...run, report: report(run.report.durationS, 1, 100, 10, 50) }));
    const wide = renderCellsSummary(scaled, { width: 90 });
    expect(wide).toMatch(/ \*10$/m);
    expect(wide.split('\n').slice(3).join(' ')).toMatch(/^\* scaled from 50% of the time \(perf multiplexed/);
    expect(widest(wide)).toBeLessThanOrEqual(90);
    // context-switches, the scaled one, is the first column to go after the line
    expect(renderCellsSummary(scaled, { width: 70 })).not.toContain('*');
  });
});
