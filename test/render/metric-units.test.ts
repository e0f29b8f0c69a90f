import { describe, expect, it } from 'vitest';
import { formatMetricValue, perfAmountText, perfRateText } from '../../src/render/metric-units.ts';
import { formatCount } from '../../src/render/units.ts';
import { compareHtmlInput } from '../../src/render/compare-html.ts';
import { compareCharts } from '../../src/render/html-charts.ts';
import { renderCompareText } from '../../src/render/compare-text.ts';
import { documentOfRuns } from './compare-fixture.ts';

describe('formatMetricValue: perf clock events (msec)', () => {
  it('scales milliseconds as a time and a clock’s ms per second as CPUs', () => {
    expect(formatMetricValue(1.84, 'ms')).toBe('1.84 ms');
    expect(formatMetricValue(1840, 'ms')).toBe('1.84 s');
    expect(formatMetricValue(0.742, 'ms')).toBe('742 µs');
    // σ in its mean's scale
    expect(formatMetricValue(0.0426, 'ms', 0.742)).toBe('42.6 µs');
    expect(formatMetricValue(867, 'ms-per-s')).toBe('0.867 CPUs');
    expect(formatMetricValue(1980, 'ms-per-s')).toBe('1.98 CPUs');
  });
});

describe('compare of task-clock', () => {
  // task-clock in msec as perf prints it, and its rate, msec per second of time
  const runs = (clockMs: number) =>
    [0.95, 1, 1.05, 1.02].map((factor) => ({ durationS: (clockMs * factor) / 900, 'task-clock': clockMs * factor, 'task-clock/s': 900 * factor }));
  const document = documentOfRuns(runs(1.84), runs(9.1));

  it('shows it in ms, its rate in CPUs, and says how much more one uses', () => {
    const text = renderCompareText(document, { width: 120, verbose: true });
    expect(text).toMatch(/\ntask-clock +mean[^\n]*\n {2}a +1\.8\d ms +0\.0\d\d ms /);
    expect(text).toMatch(/\ntask-clock utilization +mean/);
    expect(text).toMatch(/\n {2}a +0\.9\d\d CPUs/);
    expect(text).toMatch(/b uses [\d.]+× (± [\d.]+|\(\d+(\.\d+)?% CI [\d.]+–[\d.]+\)) more task-clock/);
    expect(text).not.toContain('/s');
  });

  it('charts the rate in CPUs on the HTML page', () => {
    const charts = compareCharts(compareHtmlInput(document));
    const rate = charts.find((chart) => chart.title === 'task-clock utilization')!;
    expect(rate.yLabel).toBe('CPUs');
    expect(rate.runs[0]).toEqual(document.alternatives[0]!.runs.map((run) => run['task-clock/s']! / 1000));
    expect(charts.find((chart) => chart.title === 'task-clock')!.yLabel).toBe('ms');
  });
});

// perf counts its tool event duration_time in ns; run's report printed it raw ('1,014,514,590 ns/s
// total 256,239,648 ns'). perfcell no longer counts tool events (src/perf/tool-events.ts), but
// `parse` and saved documents still carry them.
describe("the reports' text of perf's ns events", () => {
  it('prints ns as a time and its rate as time per second; keeps other units as perf gives them, and an unknown total as ?', () => {
    expect(perfAmountText(2.04, 'msec', formatCount)).toBe('2.04 msec');
    expect(perfAmountText(1200, '', formatCount)).toBe('1,200');
    expect(perfAmountText(null, 'ns', formatCount)).toBe('? ns');
    expect(perfAmountText(256_239_648, 'ns', formatCount)).toBe('256 ms');
    expect(perfRateText(1_014_514_590, 'ns', formatCount)).toBe('1.01 s/s');
    expect(perfRateText(8.08, 'msec', formatCount)).toBe('8.08 msec/s');
  });
});
