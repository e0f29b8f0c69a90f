import { describe, expect, it } from 'vitest';
import { aggregateRecords } from '../../parsers/aggregate.ts';
import { summarizeMetricRows } from '../../parsers/metric-rows.ts';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { renderCellsSummary } from '../../src/render/cells-summary.ts';
import { commandCharts } from '../../src/render/html-charts.ts';
import { renderReplReport } from '../../src/render/report-repl.ts';
import { renderReportText } from '../../src/render/report-text.ts';
import { formatRunningPct, scaledFromText } from '../../src/render/running-pct.ts';
import { countersFromAggregates } from '../../src/session/counters.ts';
import type { CommandReport } from '../../src/session/report.ts';

/**
 * Hardware rows in perf 6.1's `-x, -I 100` layout (samples/perf/local-perf61-vm-pid-interval-comma.csv.txt),
 * counts written to a known truth: no machine here has a hardware PMU.
 */
const row = (timeS: number, count: string, event: string, pct = '100.00'): string =>
  `${timeS.toFixed(9).padStart(15)},${count},,${event},${count.startsWith('<') ? 0 : 50_000_000},${pct},,`;

function reportOf(lines: string[]): CommandReport {
  const events = aggregateRecords(parsePerfStat(lines.join('\n')).records).map((event) => ({ ...event, countedSeconds: 0.5, perSecond: (event.total ?? 0) / 0.5 }));
  const { counters, notes } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
  return {
    label: 'In [1]', startedAt: '2026-12-01T00:00:00.000Z', durationS: 0.5, exitCode: 0, signal: null,
    memory: { rssBeforeBytes: 0, rssAfterBytes: 0, usedBytes: 0, peakRssBytes: 0, peakAboveFinalBytes: 0, peakMethod: 'vmhwm-reset' },
    cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [], userS: 0.5, systemS: 0 },
    counters,
    warnings: notes,
  };
}

// 0.5 s at cache-misses 1e6/s, cache-references 4e6/s, instructions 2e9/s, cycles 1e9/s; the first two multiplexed at 50%
const multiplexed = Array.from({ length: 5 }, (_, i) => [
  row((i + 1) / 10, '100000', 'cache-misses', '50.00'), row((i + 1) / 10, '400000', 'cache-references', '50.00'),
  row((i + 1) / 10, '200000000', 'instructions'), row((i + 1) / 10, '100000000', 'cycles'),
]).flat();

describe('event lines show multiplexing and the derived metrics', () => {
  it('the REPL line says "scaled from 50% of the time" and ends with miss ratio, IPC and MPKI, marked as estimates of those counts as run\'s ratio line is', () => {
    const line = renderReplReport(reportOf(multiplexed), { eventOrder: ['cache-misses', 'cache-references', 'instructions', 'cycles'] }).split('\n').at(-1);
    expect(line).toBe(
      '       cache-misses 500,000 (1,000,000/s, scaled from 50% of the time)   cache-references 2,000,000 (4,000,000/s, scaled from 50% of the time)   ' +
        'instructions 1,000,000,000 (2,000,000,000/s)   cycles 500,000,000 (1,000,000,000/s)   miss ratio 25.0%  IPC 2.00  MPKI 0.50  (of counts scaled from 50% of the time)',
    );
  });

  it('the run/cells text report says it on the event line, and the one warning names the fix', () => {
    const report = reportOf(multiplexed);
    const text = renderReportText(report);
    expect(text).toMatch(/cache-misses +1,000,000\/s  total 500,000 \(scaled from 50% of the time\)  \(5 samples/);
    expect(text).toMatch(/instructions +2,000,000,000\/s  total 1,000,000,000  \(5 samples/);
    expect(text).toContain('miss ratio 25.0%  IPC 2.00  MPKI 0.50');
    expect(report.warnings.filter((warning) => warning.includes('multiplexed'))).toHaveLength(1);
    expect(report.warnings[0]).toContain("-e '{cache-misses,cache-references}'");
  });

  it('a folded hybrid event shows its split, and a core-only one which core type it ran on', () => {
    const hybrid = reportOf([
      row(0.1, '120000', 'cpu_core/cache-misses/', '75.00'), row(0.1, '40000', 'cpu_atom/cache-misses/', '25.00'),
      row(0.1, '400000', 'cpu_core/cache-references/', '75.00'), row(0.1, '400000', 'cpu_atom/cache-references/', '25.00'),
      row(0.1, '300000000', 'cpu_core/instructions/'), row(0.1, '<not counted>', 'cpu_atom/instructions/', '0.00'),
    ]);
    const text = renderReportText(hybrid);
    expect(text).toMatch(/cache-misses +200,000\/s  total 100,000 \(cpu_core 90%, cpu_atom 10%\)/);
    expect(text).toMatch(/instructions +600,000,000\/s  total 300,000,000 \(cpu_core only\)/);
    expect(text).toContain('miss ratio 25.0%  MPKI 0.33  (cpu_core: miss ratio 30.0%  MPKI 0.30; cpu_atom: miss ratio 10.0%)');
    expect(renderReplReport(hybrid)).toContain('instructions 300,000,000 (600,000,000/s, cpu_core only)');
    expect(hybrid.warnings).toEqual(['cpu_atom: the task never ran on cpu_atom cores; instructions was counted on cpu_core only']);
  });

  it('formats running percentages rounded down, never as 100%', () => {
    expect([formatRunningPct(50), formatRunningPct(99.57), formatRunningPct(0.43), formatRunningPct(54.18)]).toEqual(['50%', '99%', '0.43%', '54%']);
    expect([scaledFromText(100), scaledFromText(null), scaledFromText(63.33)]).toEqual([null, null, 'scaled from 63% of the time']);
  });

  it('the cells table marks a scaled total and says from how much once; the HTML chart title says it', () => {
    const report = reportOf(multiplexed);
    const table = renderCellsSummary([{ title: 'sum rows', startLine: 3, report, failure: null }]);
    expect(table).toMatch(/\*500,000/);
    expect(table.split('\n').at(-1)).toBe("* scaled from 50% of the time (perf multiplexed: ask for fewer events, or group them, e.g. -e '{cache-misses,cache-references}')");
    const titles = commandCharts(report).map((chart) => chart.title);
    expect(titles).toContain('cache-misses per 100 ms interval, scaled from 50% of the time');
    expect(titles.some((title) => title.startsWith('instructions') && !title.includes('scaled'))).toBe(true);
  });

  it("the cells table heads a counter's column with perf's unit where it printed one", () => {
    const lines = ['     0.100000000,23.90,msec,task-clock,23900000,100.00,0.239,CPUs utilized', '     0.100000000,1957,,page-faults,23900000,100.00,,'];
    const table = renderCellsSummary([{ title: 'cell 1', startLine: 2, report: reportOf(lines), failure: null }]);
    expect(table.split('\n')[0]).toMatch(/ task-clock \(msec\)  page-faults$/);
    expect(table.split('\n')[1]).toMatch(/ 23\.9 +1,957$/);
  });

  it("carries perf's own metric columns into the text report and JSON where perf printed them", () => {
    const lines = [
      '     0.100000000,200000000,,instructions,50000000,100.00,2.00,insn per cycle',
      '     0.100000000,100000000,,cycles,50000000,100.00,1.000,GHz',
      '     0.100000000,30,,page-faults,50000000,100.00,300.000,/sec',
    ];
    const events = aggregateRecords(parsePerfStat(lines.join('\n'), { metrics: true }).records);
    const { counters } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
    const report = { ...reportOf([]), counters };
    const text = renderReportText(report);
    expect(text).toMatch(/instructions +[\d,]+\/s  total 200,000,000 \(perf: 2\.00 insn per cycle\)/);
    expect(text).toMatch(/cycles +[\d,]+\/s  total 100,000,000 \(perf: 1\.00 GHz\)/);
    expect(text).not.toContain('/sec)');
    expect(JSON.parse(JSON.stringify(report)).counters.events[0].perfMetric).toEqual({ value: 2, unit: 'insn per cycle' });
  });

  it("leaves out perf's CPUs utilized beside task-clock: over perf's own wall time, it read 0.615 beside the run's own 98.6 % (a QA pass)", () => {
    const lines = ['     0.100000000,61.50,msec,task-clock,61500000,100.00,0.615,CPUs utilized'];
    const events = aggregateRecords(parsePerfStat(lines.join('\n'), { metrics: true }).records);
    expect(events[0]?.perfMetric?.unit).toBe('CPUs utilized');
    const { counters } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
    expect(counters.events[0]).not.toHaveProperty('perfMetric');
  });
});

describe("perf's own metrics on the REPL's counters line and in the text report", () => {
  // perf 6.1 -x, -I rows with metric columns (`2.00,insn per cycle`, as gh-loop-unroll-multiplexed.csv.txt) and
  // metric-only rows of `-M` (`,,,,,70.1,%  tma_backend_bound`, as lkml-2023-kanliang-spr-default-topdown.csv.txt)
  const lines = [1, 2].flatMap((i) => [
    `${(i / 10).toFixed(9).padStart(15)},200000000,,instructions,50000000,100.00,2.00,insn per cycle`,
    `${(i / 10).toFixed(9).padStart(15)},100000000,,cycles,50000000,100.00,1.000,GHz`,
    `${(i / 10).toFixed(9).padStart(15)},,,,,,${i === 1 ? '60.0' : '80.0'},%  tma_backend_bound`,
  ]);
  const records = parsePerfStat(lines.join('\n'), { format: 'csv', separator: ',', metrics: true }).records;
  const events = aggregateRecords(records).map((event) => ({ ...event, countedSeconds: 0.2, perSecond: (event.total ?? 0) / 0.2 }));
  const { counters } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
  const report: CommandReport = { ...reportOf([]), counters: { ...counters, metrics: summarizeMetricRows(records) } };

  it("the REPL line carries perf's metric column per event and the -M metrics at its end", () => {
    const line = renderReplReport(report, { eventOrder: ['instructions', 'cycles'] }).split('\n').at(-1);
    expect(line).toBe(
      '       instructions 400,000,000 (2,000,000,000/s, perf: 2.00 insn per cycle)   cycles 200,000,000 (1,000,000,000/s, perf: 1.00 GHz)   ' +
        'IPC 2.00   perf metrics: tma_backend_bound 70.00%',
    );
  });

  it("run's text report prints the -M metrics on their own line", () => {
    expect(renderReportText(report)).toContain('\n       perf metrics: tma_backend_bound 70.00%');
    expect(renderReportText(reportOf(multiplexed))).not.toContain('perf metrics');
  });
});

describe('maxSamples elides the middle of the samples, printing at most that many', () => {
  // A QA pass: maxSamples 1 printed '(5 samples:  … 100,000 100,000 100,000 100,000 100,000)', every
  // sample after an ellipsis (slice(-0) is the whole list), and an odd maxSamples printed one fewer
  const cacheMisses = Array.from({ length: 5 }, (_, i) => row((i + 1) / 10, String(100_000 + i), 'cache-misses'));
  const samplesOf = (maxSamples: number): string | undefined => /\(5 samples: ([^)]*)\)/.exec(renderReportText(reportOf(cacheMisses), { maxSamples }))?.[1];
  it('the first and last of them, the first the one more where the count is odd', () => {
    expect(samplesOf(1)).toBe('100,000 …');
    expect(samplesOf(2)).toBe('100,000 … 100,004');
    expect(samplesOf(3)).toBe('100,000 100,001 … 100,004');
    expect(samplesOf(4)).toBe('100,000 100,001 … 100,003 100,004');
    expect(samplesOf(5)).toBe('100,000 100,001 100,002 100,003 100,004');
  });
});

describe('the count of samples is grouped as the counts are', () => {
  it('a run of 1,200 intervals says "(1,200 samples:", not "(1200 samples:"', () => {
    const many = Array.from({ length: 1200 }, (_, i) => row((i + 1) / 10, '1000', 'page-faults'));
    expect(renderReportText(reportOf(many))).toMatch(/page-faults .*\(1,200 samples: 1,000 1,000 /);
  });
});
