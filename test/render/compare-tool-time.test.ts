import { describe, expect, it } from 'vitest';
import { describeMetric } from '../../src/experiment/metrics.ts';
import { compareHtmlInput } from '../../src/render/compare-html.ts';
import { compareCharts } from '../../src/render/html-charts.ts';
import { renderCompareCsv } from '../../src/render/compare-csv.ts';
import { renderCompareMarkdown } from '../../src/render/compare-markdown.ts';
import { displayScale } from '../../src/render/metric-units.ts';
import { renderCompareText } from '../../src/render/compare-text.ts';
import { formatMetricValue } from '../../src/render/metric-units.ts';
import { documentOfRuns } from './compare-fixture.ts';

// perf's tool events duration_time, user_time and system_time are times in ns (perf 6.1 prints
// `1830655,ns,duration_time,…`). compare showed them as counts: 'duration_time 31,009,070', a rate
// of '1,430,034,506/s', JSON unit 'count'. perfcell now refuses them (src/perf/tool-events.ts:
// over an attached pid perf 6.1 gets them wrong), but saved documents (--baseline) may hold them,
// so their rendering is checked here on recorded values.

describe('describeMetric: perf tool events are times in ns', () => {
  it('gives the totals unit ns and their rates ns-per-s; keys stay the event names', () => {
    expect(describeMetric('duration_time')).toEqual({ key: 'duration_time', label: 'duration_time', unit: 'ns', wording: { kind: 'time' }, role: 'secondary' });
    expect(describeMetric('user_time')).toEqual({
      key: 'user_time',
      label: 'user_time',
      unit: 'ns',
      wording: { kind: 'usage', noun: 'user_time' },
      role: 'secondary',
      resolution: { amount: 1e7, reason: '10 ms tick that splits CPU time into user and system' },
    });
    expect(describeMetric('system_time:u').unit).toBe('ns');
    expect(describeMetric('user_time/s')).toEqual({ key: 'user_time/s', label: 'user_time per s', unit: 'ns-per-s', wording: { kind: 'usage', noun: 'user_time per second' }, role: 'rate' });
    expect(describeMetric('duration_time/s').unit).toBe('ns-per-s');
    // look-alikes stay counts
    expect(describeMetric('duration_time_x').unit).toBe('count');
    expect(describeMetric('my_user_time').unit).toBe('count');
  });
});

describe('formatMetricValue and displayScale of ns', () => {
  it('prints ns as time and their rate as time per second', () => {
    expect(formatMetricValue(31_009_070, 'ns')).toBe('31.0 ms');
    expect(formatMetricValue(1_686_000, 'ns')).toBe('1.69 ms');
    expect(formatMetricValue(950, 'ns')).toBe('950 ns');
    expect(formatMetricValue(2_500_000_000, 'ns')).toBe('2.50 s');
    // σ in its mean's unit
    expect(formatMetricValue(400_000, 'ns', 31_009_070)).toBe('0.400 ms');
    expect(formatMetricValue(0, 'ns')).toBe('0 s');
    expect(formatMetricValue(1_430_034_506, 'ns-per-s')).toBe('1.43 s/s');
    expect(formatMetricValue(955_000_000, 'ns-per-s')).toBe('955 ms/s');
  });

  it('shows a markdown column of ns in the time step of its size', () => {
    expect(displayScale('ns', 31_009_070)).toEqual({ label: 'ms', divisor: 1e6 });
    expect(displayScale('ns', 950)).toEqual({ label: 'ns', divisor: 1 });
    expect(displayScale('ns-per-s', 955_000_000)).toEqual({ label: 'ms/s', divisor: 1e6 });
  });
});

describe('a comparison with duration_time and user_time', () => {
  const run = (durationNs: number, userNs: number) => ({ durationS: durationNs / 1e9, duration_time: durationNs, 'duration_time/s': 1e9, user_time: userNs, 'user_time/s': (userNs / durationNs) * 1e9 });
  const document = documentOfRuns(
    [run(31_000_000, 20_000_000), run(32_000_000, 21_000_000), run(30_500_000, 19_500_000), run(31_500_000, 20_500_000)],
    [run(51_000_000, 40_000_000), run(52_000_000, 41_000_000), run(50_500_000, 39_500_000), run(51_500_000, 40_500_000)],
  );

  it('says the unit in the JSON document (keys and values as before)', () => {
    const metric = (key: string) => document.results.find((result) => result.metric.key === key)?.metric;
    expect(metric('duration_time')?.unit).toBe('ns');
    expect(metric('user_time/s')?.unit).toBe('ns-per-s');
    expect(document.alternatives[0]?.runs[0]?.duration_time).toBe(31_000_000);
  });

  it('prints times in the text, with a time verdict for duration_time and a usage verdict for user_time', () => {
    const text = renderCompareText(document, { width: 100, verbose: true, runningPct: {} });
    const block = (label: string) => text.split('\n\n').find((part) => part.startsWith(`${label} `)) ?? '';
    expect(block('duration_time')).toMatch(/^ {2}a {2,}31\.3 ms {2,}0\.645 ms {2,}31\.3 ms {2,}30\.5 ms {2,}32\.0 ms {2}4$/m);
    expect(block('duration_time')).toMatch(/: b is 1\.6\d× ± 0\.\d+ slower$/m);
    expect(block('user_time')).toMatch(/^ {2}b {2,}40\.3 ms /m);
    expect(block('user_time')).toMatch(/: b uses 1\.99× ± 0\.\d+ more user_time$/m);
    expect(block('user_time per s')).toMatch(/^ {2}a {2,}\d{3} ms\/s /m);
    expect(text).not.toMatch(/31,[0-9]{3},[0-9]{3}/);
  });

  it('names the unit in the CSV and scales the markdown table to ms', () => {
    const csv = renderCompareCsv(document).split('\n');
    expect(csv.find((line) => line.startsWith('duration_time,duration_time,'))?.split(',')[2]).toBe('ns');
    expect(csv.find((line) => line.startsWith('user_time/s,'))?.split(',')[2]).toBe('ns-per-s');
    const markdown = renderCompareMarkdown(document);
    expect(markdown).toContain('### duration_time\n\n| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |');
    expect(markdown).toContain('| `a` | 31.3 ± 0.6 | 30.5 | 32.0 | 1.00 |');
    expect(markdown).toContain('### user_time per s\n\n| Command | Mean [ms/s] |');
  });

  it('charts them in ms in the HTML page', () => {
    const charts = compareCharts(compareHtmlInput(document));
    const chart = charts.find((entry) => entry.title === 'duration_time');
    expect(chart?.yLabel).toBe('ms');
    expect(chart?.runs[0]).toEqual([31, 32, 30.5, 31.5]);
    expect(charts.find((entry) => entry.title === 'user_time per s')?.yLabel).toBe('ms/s');
  });
});
