import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { escapeHtml, renderCompareHtml, renderHtmlReport, renderReportsHtml, scriptJson } from '../../src/render/html.ts';
import { readChartAssets } from '../../src/render/chart-assets.ts';
import type { ChartSpec, HtmlCompareInput } from '../../src/render/html-data.ts';
import { compareHtmlInput, renderCompareDocumentHtml } from '../../src/render/compare-html.ts';
import { documentOfRuns, rowColDocument, scanDocument, threeCommandsDocument } from './compare-fixture.ts';
import { renderCompareText } from '../../src/render/compare-text.ts';
import type { TimeUnit } from '../../src/render/time-unit.ts';
import { htmlTableRows, verboseTextRows } from '../support/compare-rows.ts';
import { buildCompareDocument } from '../../src/experiment/compare-document.ts';
import { namedVerdict } from '../../src/render/named-verdict.ts';
import { MAX_DRAWN_POINTS } from '../../src/render/thin-line.ts';
import { formatCount } from '../../src/render/units.ts';
import { seededRandom } from '../support/seeded-random.ts';

const HOSTILE = '<script>alert(1)</script> "&\'';

function report(overrides: Partial<CommandReport> = {}): CommandReport {
  return {
    label: `prog ${HOSTILE}`,
    command: ['prog', HOSTILE],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationS: 0.3,
    exitCode: 0,
    signal: null,
    memory: { rssBeforeBytes: 0, rssAfterBytes: 1 << 20, usedBytes: 1 << 20, peakRssBytes: 2 << 20, peakAboveFinalBytes: 1 << 20, peakMethod: 'rusage-maxrss' },
    cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [100, 0], userS: 0.3, systemS: 0 },
    counters: {
      backend: 'perf',
      simulated: false,
      intervalMs: 100,
      events: [
        {
          event: `page-faults${HOSTILE}`, unit: '', status: 'counted', total: 30, countedSeconds: 0.3, perSecond: 100,
          samples: [{ timeS: 0.1, value: 10 }, { timeS: 0.2, value: 15 }, { timeS: 0.3, value: 5 }], min: 5, max: 15, lowestRunningPct: 100,
        },
      ],
      unsupported: [],
      derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
      pauseS: 0,
    },
    warnings: [`warning with ${HOSTILE}`],
    rssSeries: [{ timeS: 0.01, rssBytes: 1 << 20 }, { timeS: 0.02, rssBytes: 2 << 20 }],
    ...overrides,
  };
}

const compare: HtmlCompareInput = {
  title: `rows vs ${HOSTILE}`,
  metrics: [
    {
      metric: 'time', unit: 's',
      alternatives: [{ name: 'rows', values: [0.1, 0.12, 0.11] }, { name: HOSTILE, values: [0.3, 0.33, 0.31] }],
      verdict: `${HOSTILE} is 2.8× ± 0.2 slower; p < 0.001`,
    },
    { metric: 'peak RSS', unit: 'bytes', alternatives: [{ name: 'rows', values: [1 << 20] }, { name: HOSTILE, values: [2 << 20, 4 << 20] }] },
    { metric: 'page-faults per s', unit: 'per-s', alternatives: [{ name: 'rows', values: [1500, 2500] }, { name: HOSTILE, values: [10] }] },
    { metric: 'D1 misses', unit: 'count', alternatives: [{ name: 'rows', values: [7] }, { name: HOSTILE, values: [9] }] },
  ],
};

const assets = { js: 'window.uPlot = function () {}; var s = "</script><script>alert(2)</script>";', css: '.u { color: red }' };
// What a browser runs: each script element's text, up to the first `</script` (only that ends it).
const scriptBodies = (html: string): string[] => [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script/gi)].map((match) => match[1] ?? '');

function chartData(html: string): ChartSpec[] {
  const match = /<script type="application\/json" id="perfcell-charts">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match?.[1] ?? 'null') as ChartSpec[];
}

describe('escapeHtml and scriptJson', () => {
  it('escape the five characters', () => {
    expect(escapeHtml(HOSTILE)).toBe('&#60;script&#62;alert(1)&#60;/script&#62; &#34;&#38;&#39;');
  });

  it('JSON that cannot end its script element and parses back to the same value', () => {
    const value = { text: `${HOSTILE}\u2028\u2029<!--` };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderHtmlReport', () => {
  it('escapes everything from a command line, perf and warnings; only its own four scripts run', () => {
    const html = renderReportsHtml(`perfcell run ${HOSTILE}`, [report()], {}, assets);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('</script><script>alert(2)');
    // The inlined library's `</script>` inside a string does not end its element: the element that
    // holds uPlot holds all of it, and no element's code is the attacker's.
    const bodies = scriptBodies(html);
    const uplot = bodies.find((body) => body.includes('window.uPlot = function () {}'));
    expect(uplot).toMatch(/alert\(2\).*";/s);
    for (const body of bodies) expect(body.trimStart()).not.toMatch(/^alert\(/);
    expect(html).toContain('<title>perfcell run &#60;script&#62;alert(1)&#60;/script&#62; &#34;&#38;&#39;</title>');
    expect(html).toContain('<li>warning with &#60;script&#62;alert(1)&#60;/script&#62; &#34;&#38;&#39;</li>');
    const charts = chartData(html);
    expect(charts.map((chart) => chart.title)).toEqual(['RSS', `page-faults${HOSTILE} per 100 ms interval`]);
    expect(charts[0]).toMatchObject({ type: 'line', yLabel: 'MiB', x: [0.01, 0.02], series: [{ values: [1, 2] }] });
    expect(html.match(/class="chart" id="chart-\d+"/g)).toEqual(['class="chart" id="chart-0"', 'class="chart" id="chart-1"']);
  });

  it('is self-contained: the charting library inlined, nothing fetched', () => {
    const html = renderHtmlReport({ title: 't', sections: [{ kind: 'command', report: report() }] });
    const real = readChartAssets();
    expect(html).toContain(real.js.slice(0, 200));
    expect(html).toContain(real.css.slice(0, 100));
    expect(html).not.toMatch(/<(link|img|iframe)\b|\ssrc=|@import|url\(\s*['"]?https?:/i);
  });

  it('says so when a report has nothing to chart', () => {
    const bare = report({ counters: { ...report().counters, events: [] } });
    const { rssSeries: _unused, ...withoutSeries } = bare;
    const html = renderReportsHtml('t', [withoutSeries], {}, assets);
    expect(html).toContain('no time series to chart');
    expect(chartData(html)).toEqual([]);
  });

  // A QA pass: a run under cachegrind said 'too short for a perf interval, or no counters'
  // beside its counters, however long it ran; cachegrind counts once, as the program ends, and no RSS is read under valgrind.
  it('says a cachegrind report has no time series because cachegrind counts once, at the end', () => {
    const { rssSeries: _unused, ...base } = report();
    const simulated: CommandReport = {
      ...base,
      counters: {
        ...base.counters,
        backend: 'cachegrind',
        simulated: true,
        intervalMs: null,
        events: [{ event: 'D1 misses', unit: '', status: 'counted', total: 296692, countedSeconds: null, perSecond: null, samples: [], min: null, max: null, lowestRunningPct: null }],
      },
    };
    const html = renderReportsHtml('t', [simulated], {}, assets);
    expect(html).toContain('<p class="empty">no time series to chart (cachegrind counts once, as the program ends; RAM is not measured under valgrind)</p>');
    expect(html).not.toContain('too short for a perf interval');
    expect(chartData(html)).toEqual([]);
  });

  it('numbers charts across sections so each slot gets its own spec', () => {
    const html = renderHtmlReport(
      {
        title: 'two',
        sections: [
          { kind: 'command', report: report() },
          { kind: 'attach', report: report(), series: { timeS: [1, 2], rssBytes: [1 << 20, null], cpuPct: [100, 50], events: [{ event: 'task-clock', unit: 'msec', perSecond: [1000, null] }] } },
        ],
      },
      assets,
    );
    expect(chartData(html).map((chart) => chart.title)).toEqual(['RSS', `page-faults${HOSTILE} per 100 ms interval`, 'RSS', 'CPU', 'task-clock per second']);
    expect(html.match(/id="chart-\d+"/g)).toHaveLength(5);
  });
});

/**
 * A long run's counter: `count` intervals of -I 100 (6,000: ten minutes) of task-clock-like
 * noise around 95 msec, one interval's burst of `peak` at `peakAt` and one idle 0 at `dipAt`, as
 * perfcell run reports them (every sample kept, the aggregate's min, max and total of all).
 */
function longRun(count: number, peak: number, peakAt: number, dipAt: number): CommandReport {
  const random = seededRandom(7);
  const samples = Array.from({ length: count }, (_, index) => ({
    timeS: Number(((index + 1) * 0.1 + random() * 1e-4).toFixed(9)),
    value: index === peakAt ? peak : index === dipAt ? 0 : Number((90 + random() * 10).toFixed(2)),
  }));
  const total = samples.reduce((sum, sample) => sum + sample.value, 0);
  const base = report();
  return report({
    label: 'spin 600',
    command: ['spin', '600'],
    counters: {
      ...base.counters,
      events: [{ event: 'task-clock', unit: 'msec', status: 'counted', total, countedSeconds: count * 0.1, perSecond: total / (count * 0.1), samples, min: 0, max: peak, lowestRunningPct: 100 }],
    },
    warnings: [],
  });
}

// The page embedded and drew every interval: ten minutes at -I 100 put 6,000 points per event in a
// chart 560 px wide, and an hour at -I 10 made a 20 MiB page (BENCHMARKS.md, HTML report size).
describe('a long run\'s counter charts', () => {
  const count = 6000;
  const long = longRun(count, 400, 4321, 1234);
  const html = renderReportsHtml('perfcell run', [long], {}, assets);
  const chart = chartData(html).find((spec) => spec.title === 'task-clock per 100 ms interval (msec)');
  if (chart?.type !== 'line') throw new Error('expected the task-clock line chart');
  const drawn = chart.series[0]?.values ?? [];
  const samples = long.counters.events[0]?.samples ?? [];

  it('draw at most MAX_DRAWN_POINTS points, and say how many samples they stand for', () => {
    expect(chart.x.length).toBeLessThanOrEqual(MAX_DRAWN_POINTS);
    expect(chart.x.length).toBeGreaterThan(MAX_DRAWN_POINTS - 10);
    expect(drawn).toHaveLength(chart.x.length);
    expect(chart.sampleCount).toBe(count);
    expect(html).toContain(`<p class="legend drawn">6,000 samples, drawn as ${chart.x.length.toLocaleString('en-US')}: the lowest and highest of each stretch, so every peak shows (--json has every sample)</p>`);
  });

  it('keep the burst and the dip at their own times, the first and the last interval, in time order', () => {
    for (const index of [4321, 1234, 0, count - 1]) {
      const at = chart.x.indexOf(samples[index]?.timeS ?? NaN);
      expect(at, `sample ${index}`).toBeGreaterThanOrEqual(0);
      expect(drawn[at]).toBe(samples[index]?.value);
    }
    expect(Math.max(...drawn.map(Number))).toBe(400);
    expect(Math.min(...drawn.map(Number))).toBe(0);
    expect(chart.x.every((time, index) => index === 0 || time > (chart.x[index - 1] ?? Infinity))).toBe(true);
  });

  it('leave the text report its figures from every sample', () => {
    expect(html).toContain('6,000 samples: ');
    expect(html).toContain(formatCount(long.counters.events[0]?.total ?? null));
  });

  it('draw a run of MAX_DRAWN_POINTS intervals whole, with no note', () => {
    const whole = chartData(renderReportsHtml('perfcell run', [longRun(MAX_DRAWN_POINTS, 400, 10, 20)], {}, assets)).find((spec) => spec.type === 'line' && spec.title.startsWith('task-clock'));
    expect(whole?.type === 'line' && whole.x.length).toBe(MAX_DRAWN_POINTS);
    expect(whole).not.toHaveProperty('sampleCount');
  });
});

describe('renderCompareHtml', () => {
  it('one spread chart per metric with mean, σ, min and max, a table and the verdicts', () => {
    const html = renderCompareHtml(compare, {}, assets);
    const charts = chartData(html);
    expect(charts.map((chart) => chart.type)).toEqual(['spread', 'spread', 'spread', 'spread']);
    expect(charts.map((chart) => chart.type === 'spread' && chart.yLabel)).toEqual(['ms', 'MiB', 'per s', '']);
    expect(html).toContain('<tr><td>page-faults per s</td><td>rows</td><td>2</td><td>2,000/s</td><td>± 707/s</td><td>1,500/s</td><td>2,500/s</td></tr>');
    expect(html).toContain('<tr><td>D1 misses</td><td>rows</td><td>1</td><td>7</td><td>-</td><td>7</td><td>7</td></tr>');
    const [time, peak] = charts;
    if (time?.type !== 'spread' || peak?.type !== 'spread') throw new Error('expected spread charts');
    expect(time.names).toEqual(['rows', HOSTILE]);
    expect(time.spread[0]?.mean).toBeCloseTo(110, 9);
    expect(time.spread[0]?.stdDev).toBeCloseTo(10, 9);
    expect(time.spread[1]?.min).toBeCloseTo(300, 9);
    expect(time.spread[1]?.max).toBeCloseTo(330, 9);
    expect(peak.yLabel).toBe('MiB');
    expect(peak.runs).toEqual([[1], [2, 4]]);
    expect(peak.spread[0]?.stdDev).toBeNull(); // one run: no σ
    expect(html).toContain('<li><b>time</b>: &#60;script&#62;alert(1)&#60;/script&#62; &#34;&#38;&#39; is 2.8× ± 0.2 slower; p &#60; 0.001</li>');
    expect(html).toMatch(/<tr><td>peak RSS<\/td><td>&#60;script&#62;alert\(1\)&#60;\/script&#62; &#34;&#38;&#39;<\/td><td>2<\/td><td>3\.00 MiB<\/td><td>± 1\.41 MiB<\/td><td>2\.00 MiB<\/td><td>4\.00 MiB<\/td><\/tr>/);
    expect(html).not.toContain('<script>alert(1)');
  });
});

// A QA pass: `compare -r 10 --verbose --html t.html -- "./sleepms 1" "./sleepms 2"` printed
// `./sleepms 2  2.43 ms  0.042 ms` and the page `0.0024 s | ± 0 s`; a system CPU of 42.7 µs (σ 135
// µs) read `0 s | ± 0.0001 s`: the page rounded to 4 decimals in seconds.
describe('renderCompareDocumentHtml: the numbers of the text report', () => {
  // times of 1.5 and 2.4 ms, CPU in µs (one run of b with a 501 µs tick of system time), RSS about 1.2 MiB
  const runs = (timeS: number, systemCpuS: (index: number) => number) =>
    Array.from({ length: 10 }, (_, index) => ({
      durationS: timeS * (1 + ((index * 7) % 10) * 0.006),
      userCpuS: 0.00036 + (index % 4) * 0.00003,
      systemCpuS: systemCpuS(index),
      peakRssBytes: 1_200_000 + (index % 3) * 40_960,
      'page-faults': 52 + (index % 3),
    }));
  const document = documentOfRuns(runs(0.00143, () => 0), runs(0.00239, (index) => (index === 4 ? 0.000501 : 0)));

  it.each<[string, TimeUnit | undefined]>([['each value in the unit of its size', undefined], ['time in the unit -u gives', 'microsecond']])(
    'shows each mean, σ, min and max as the --verbose text does: %s',
    (_, timeUnit) => {
      const options = timeUnit === undefined ? {} : { timeUnit };
      const text = verboseTextRows(renderCompareText(document, { width: 300, verbose: true, ...options }));
      const html = htmlTableRows(renderCompareDocumentHtml(document, assets, options));
      expect(text.size).toBe(10); // 5 metrics of 2 alternatives
      for (const [key, [mean, stdDev, , min, max, n] = []] of text) expect(html.get(key), key).toEqual([n, mean, `± ${stdDev}`, min, max]);
      expect(html.get('time | b')).toEqual(timeUnit === undefined ? ['10', '2.45 ms', '± 0.043 ms', '2.39 ms', '2.52 ms'] : ['10', '2455 µs', '± 43.4 µs', '2390 µs', '2519 µs']);
      expect(html.get('system CPU | b')).toEqual(['10', '50.1 µs', '± 158 µs', '0 s', '501 µs']);
    },
  );

  // A QA pass: `compare --verbose --html q.html -- true "sleep 0.05"` printed `a  -  -  -  -  -  0`
  // for a rate `true` is too short to have, and the page `0 | ? |  | ? | ?`; a σ of one run, `-`
  // in the text, was an empty cell.
  it('marks a value the runs do not give as the --verbose text does (-): no run, or one run\'s σ', () => {
    const withRate = (count: number) => (run: Record<string, number>, index: number) => (index < count ? { ...run, 'page-faults/s': 20_000 + index } : run);
    const sparse = documentOfRuns(runs(0.00143, () => 0).map(withRate(0)), runs(0.00239, () => 0).map(withRate(1)));
    const text = verboseTextRows(renderCompareText(sparse, { width: 300, verbose: true }));
    const html = htmlTableRows(renderCompareDocumentHtml(sparse, assets));
    expect(text.get('page-faults per s | a')).toEqual(['-', '-', '-', '-', '-', '0']);
    expect(text.get('page-faults per s | b')).toEqual(['20,000/s', '-', '20,000/s', '20,000/s', '20,000/s', '1']);
    for (const [key, [mean, stdDev, , min, max, n] = []] of text) expect(html.get(key), key).toEqual([n, mean, stdDev === '-' ? '-' : `± ${stdDev}`, min, max]);
  });

  it('charts each metric in the unit of its smallest mean, as the markdown tables pick it, or in -u\'s', () => {
    const charts = chartData(renderCompareDocumentHtml(document, assets));
    const time = charts.find((chart) => chart.title === 'time');
    const system = charts.find((chart) => chart.title === 'system CPU');
    if (time?.type !== 'spread' || system?.type !== 'spread') throw new Error('expected spread charts');
    expect([time.yLabel, system.yLabel]).toEqual(['ms', 'µs']);
    expect(time.runs[0]?.[0]).toBeCloseTo(1.43, 9);
    expect(system.spread[1]?.max).toBeCloseTo(501, 9);
    const micro = chartData(renderCompareDocumentHtml(document, assets, { timeUnit: 'microsecond' })).find((chart) => chart.title === 'time');
    expect(micro?.yLabel).toBe('µs');
  });
});

// A QA pass: with three commands the page joined a metric's verdicts as `time: ./sleepms 10 is
// 1.90× ± 0.05 slower; p < 0.001; no significant difference (p = 0.60)`, one sentence that did not
// say the second verdict was about ./sleepms 5 #2.
describe('compareHtmlInput of three alternatives or more', () => {
  it('names the alternative of each verdict that does not start with its name', () => {
    const verdicts = compareHtmlInput(threeCommandsDocument()).metrics.map((metric) => [metric.metric, metric.verdicts]);
    expect(verdicts).toEqual([
      ['time', ['./sleepms 10 is 2.00× ± 0.03 slower; p < 0.001', './sleepms 5 #2 against ./sleepms 5: no significant difference (p = 1.00)']],
      ['peak RSS', ['./sleepms 10 against ./sleepms 5: no significant difference (p = 1.00)', './sleepms 5 #2 against ./sleepms 5: no significant difference (p = 1.00)']],
    ]);
  });

  // A QA pass: the page joined a metric's verdicts with '; ' in one item, where each verdict has a
  // '; ' of its own (`… slower; p < 0.001; ./sleepms 5 #2 against …`): one sentence to untangle.
  it('the page gives each of a metric\'s verdicts an item of its own, under the metric', () => {
    const html = renderCompareDocumentHtml(threeCommandsDocument(), readChartAssets());
    const list = /<ul class="verdicts">(.*?)<\/ul>\n<table>/s.exec(html)?.[1] ?? '';
    const decode = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    const items = (metric: string) => decode(new RegExp(`<li><b>${metric}</b><ul>(.*?)</ul></li>`).exec(list)?.[1] ?? '').split('</li>').filter((item) => item !== '').map((item) => item.replace(/^<li>/, ''));
    expect(items('time')).toEqual(['./sleepms 10 is 2.00× ± 0.03 slower; p < 0.001', './sleepms 5 #2 against ./sleepms 5: no significant difference (p = 1.00)']);
    expect(items('peak RSS')).toEqual(['./sleepms 10 against ./sleepms 5: no significant difference (p = 1.00)', './sleepms 5 #2 against ./sleepms 5: no significant difference (p = 1.00)']);
  });

  it('with two, says the one verdict of each metric as it is, on the metric\'s line', () => {
    const document = rowColDocument();
    expect(compareHtmlInput(document).metrics.map((metric) => metric.verdicts)).toEqual(document.results.map((result) => [result.comparisons[0]?.verdict]));
    const html = renderCompareDocumentHtml(document, readChartAssets());
    expect(html).toContain(`<li><b>time</b>: ${escapeHtml(document.results[0]?.comparisons[0]?.verdict ?? '')}</li>`);
  });
});

describe('compareHtmlInput of a parameter scan (-L, -P)', () => {
  it("gives each metric's verdicts at each value, as the text's By value, not against the first command overall", () => {
    const document = scanDocument();
    const time = compareHtmlInput(document).metrics.find((metric) => metric.metric === 'time');
    const [at256, at2048] = (document.byValue ?? []).map((group) => group.results[0]?.comparisons[0]?.verdict);
    expect(at2048).toMatch(/^col \(n = 2048\) is 3\.00× ± [\d.]+ slower/);
    expect(time?.verdicts).toEqual([`n = 256: ${at256}`, `n = 2048: ${at2048}`]);
    // the page shows it, each value's an item
    expect(renderCompareDocumentHtml(document, readChartAssets())).toContain(`<li>${escapeHtml(`n = 2048: ${at2048}`)}</li>`);
  });

  it('of a scan with a --reference (a first alternative with no values): the verdicts against it first, then at each value', () => {
    const scan = scanDocument();
    const reference = { name: 'old', command: ['./old'], runs: scan.alternatives[0]?.runs ?? [] };
    const document = buildCompareDocument({ ...scan, alternatives: [reference, ...scan.alternatives] });
    const time = compareHtmlInput(document).metrics.find((metric) => metric.metric === 'time');
    // four against the reference: each names its alternative (`row (n = 256) against old: no significant difference`)
    const againstReference = document.results[0]?.comparisons.map(namedVerdict) ?? [];
    expect(againstReference).toHaveLength(4);
    expect(againstReference[0]).toMatch(/^row \(n = 256\) against old: no significant difference/);
    const atValues = (document.byValue ?? []).map((group) => `n = ${group.parameters['n']}: ${group.results[0]?.comparisons[0]?.verdict}`);
    expect(time?.verdicts).toEqual([...againstReference, ...atValues]);
  });
});

describe('compareHtmlInput with -u', () => {
  it("charts and tabulates time in the unit -u gives (hyperfine's --time-unit), the other metrics as they were", () => {
    const document = scanDocument();
    const timeChart = (timeUnit?: TimeUnit) => chartData(renderCompareDocumentHtml(document, assets, timeUnit === undefined ? {} : { timeUnit })).find((chart) => chart.title === 'time');
    const [own, micro] = [timeChart(), timeChart('microsecond')];
    if (own?.type !== 'spread' || micro?.type !== 'spread') throw new Error('expected spread charts');
    expect([own.yLabel, micro.yLabel]).toEqual(['ms', 'µs']);
    expect(micro.runs[0]?.[0]).toBeCloseTo((own.runs[0]?.[0] ?? 0) * 1e3, 6);
    const others = (input: ReturnType<typeof compareHtmlInput>) => input.metrics.filter((metric) => metric.metric !== 'time');
    expect(others(compareHtmlInput(document, { timeUnit: 'millisecond' }))).toEqual(others(compareHtmlInput(document)));
    expect(renderCompareDocumentHtml(document, readChartAssets(), { timeUnit: 'millisecond' })).toMatch(/<tr><td>time<\/td><td>[^<]+<\/td><td>8<\/td><td>[\d.,]+ ms<\/td>/);
  });
});
