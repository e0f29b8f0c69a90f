import { describe, expect, it } from 'vitest';
import { analyzeRuns, baselineLacks, compareWithBaseline, type AlternativeRuns } from '../../src/experiment/analyze.ts';
import { describeMetric, metricsOfReport, orderMetricKeys } from '../../src/experiment/metrics.ts';
import { analyzeRuns as analyze, outlierWarning } from '../../src/experiment/analyze.ts';
import { compareRuns, ratioTest } from '../../src/experiment/statistics.ts';
import type { CommandReport } from '../../src/session/report.ts';

const runs = (times: readonly number[], misses?: readonly number[]) =>
  times.map((durationS, index) => ({ durationS, ...(misses === undefined ? {} : { 'D1 misses': misses[index]! }) }));

describe('analyzeRuns', () => {
  const row = { name: 'row', runs: runs([1.0, 1.1, 0.9, 1.0], [100, 100, 100, 100]) };
  const col = { name: 'col', runs: runs([3.0, 3.2, 3.1, 2.9], [800, 800, 800, 800]) };
  const floor = { name: 'noise floor', runs: runs([0.01, 0.02, 0.01, 0.02]) };
  const results = analyzeRuns([row, col], floor);

  it('has a result per metric, time first, with the noise floor where it has the metric', () => {
    expect(results.map((result) => result.metric.key)).toEqual(['durationS', 'D1 misses']);
    expect(results[0]?.noiseFloor?.mean).toBeCloseTo(0.015, 12);
    expect(results[1]?.noiseFloor).toBeNull();
  });

  it('compares every alternative against the first exactly as compareRuns does', () => {
    const time = results[0]!;
    expect(time.summaries.map((entry) => entry.name)).toEqual(['row', 'col']);
    expect(time.comparisons).toEqual([
      compareRuns({ name: 'row', values: [1.0, 1.1, 0.9, 1.0] }, { name: 'col', values: [3.0, 3.2, 3.1, 2.9] }, { kind: 'time' }),
    ]);
    expect(time.comparisons[0]?.verdict).toMatch(/^col is 3\.\d+× ± [\d.]+ slower; p < 0\.001$/);
    expect(results[1]?.comparisons[0]?.verdict).toBe('col has 8.00× ± 0.00 more D1 misses; p < 0.001');
  });

  it('says "no significant difference" for the same distribution', () => {
    const same = analyzeRuns([row, { name: 'again', runs: runs([1.0, 0.9, 1.1, 1.0]) }], null);
    expect(same[0]?.comparisons[0]?.verdict).toMatch(/^no significant difference \(p = /);
  });

  it('compares each alternative with the same-named one of a baseline', () => {
    const now = [{ name: 'row', runs: runs([2.0, 2.1, 1.9, 2.0]) }, { name: 'new', runs: runs([1, 1]) }];
    const comparisons = compareWithBaseline(now, [row, col]);
    expect(comparisons.map((entry) => entry.name)).toEqual(['row']);
    expect(comparisons[0]?.metrics[0]?.comparison.verdict).toMatch(/^now is 2\.\d+× ± [\d.]+ slower; p < 0\.001$/);
  });
});

describe('baselineLacks', () => {
  it("names the metrics this run has and the baseline's same-named runs lack, not their rates, not an alternative it has none of", () => {
    const now = [
      { name: 'a', runs: [{ durationS: 1, 'task-clock': 9, 'task-clock/s': 9, 'page-faults': 3 }] },
      { name: 'b', runs: [{ durationS: 1, 'context-switches': 1 }] },
      { name: 'new', runs: [{ durationS: 1, cycles: 5 }] },
    ];
    const saved = [{ name: 'a', runs: [{ durationS: 1, 'page-faults': 2 }] }, { name: 'b', runs: [] }];
    expect(baselineLacks(now, saved)).toEqual(['task-clock']);
    expect(baselineLacks(now, [...saved.slice(0, 1), { name: 'b', runs: [{ durationS: 2 }] }])).toEqual(['task-clock', 'context-switches']);
    expect(baselineLacks(now.slice(0, 1), [{ name: 'a', runs: [{ durationS: 1, 'page-faults': 2, 'task-clock': 1, cycles: 1 }] }])).toEqual([]);
  });
});

describe('analyzeRuns: primary, Holm, rates, minimum effect, outliers', () => {
  // Time differs clearly; two events differ modestly (p between 0.0125 and 0.05 on their own); a rate.
  const a = { name: 'a', runs: [0, 1, 2, 3, 4, 5].map((k) => ({ durationS: 1 + k * 0.01, x: 100 + (k % 3), y: 50 + (k % 2), 'x/s': 100 + k })) };
  const b = { name: 'b', runs: [0, 1, 2, 3, 4, 5].map((k) => ({ durationS: 2 + k * 0.01, x: 102 + (k % 3), y: 51 + (k % 2) * 1.5, 'x/s': 51 + k })) };
  const results = analyze([a, b], null);
  const byKey = (key: string) => results.find((result) => result.metric.key === key)!.comparisons[0]!;

  it('tests time at alpha and the other metrics under Holm’s correction', () => {
    expect(byKey('durationS')).toMatchObject({ role: 'primary', testAlpha: 0.05, isSignificant: true });
    const x = byKey('x');
    const y = byKey('y');
    const pX = ratioTest(a.runs.map((run) => run.x), b.runs.map((run) => run.x))!.pValue;
    const pY = ratioTest(a.runs.map((run) => run.y), b.runs.map((run) => run.y))!.pValue;
    expect([x.welch!.pValue, y.welch!.pValue]).toEqual([pX, pY]);
    // Two secondary metrics: the smaller p at 0.025, the other at 0.05 if the first was rejected.
    const [first, second] = pX <= pY ? [x, y] : [y, x];
    expect(first.testAlpha).toBeCloseTo(0.025, 15);
    expect(second.testAlpha).toBeCloseTo(first.isSignificant ? 0.05 : 0.025, 15);
    expect(first.ratio.interval!.confidence).toBeCloseTo(1 - first.testAlpha, 15);
  });

  it('gives the rate no verdict of its own', () => {
    expect(byKey('x/s')).toMatchObject({ role: 'rate', welch: null, isSignificant: false, isMeaningful: false });
  });

  it('raises the minimum effect to the noise floor’s robust spread relative to the smaller mean', () => {
    // median 0.2, absolute deviations 0.1 0 0.1 0.05 0.3 → MAD 0.1; the stretched run (0.5) barely counts.
    const floor = { name: 'noise floor', runs: [0.1, 0.2, 0.3, 0.15, 0.5].map((durationS) => ({ durationS })) };
    const withFloor = analyze([a, b], floor)[0]!.comparisons[0]!;
    expect(withFloor.minimumEffect).toBeCloseTo((1.4826 * 0.1) / 1.025, 12);
    expect(analyze([b, a], floor)[0]!.comparisons[0]!.minimumEffect).toBeCloseTo((1.4826 * 0.1) / 1.025, 12);
    expect(byKey('durationS').minimumEffect).toBe(0.01);
  });

  // The README: the floor's spread counts with 3 or more floor runs; two (`--runs 2`) have no robust
  // spread, only half their difference (×1.4826), which here would make the minimum effect 14%.
  it('keeps the 1% minimum effect where the noise floor ran only twice', () => {
    const twice = { name: 'noise floor', runs: [0.1, 0.3].map((durationS) => ({ durationS })) };
    expect(analyze([a, b], twice)[0]!.comparisons[0]!.minimumEffect).toBe(0.01);
  });

  // A QA pass: the floor's spread 0.1186 ms, means 1 and 0.89 ms (0.11 ms, 12.4% apart): against
  // the slower, a threshold of 11.9% called it meaningful; against the faster, 13.3% called it not.
  it('gives the same verdict whichever alternative comes first: meaningful where the difference is at least the spread', () => {
    const runsOf = (meanS: number) => Array.from({ length: 10 }, (_, index) => ({ durationS: meanS * (1 + (index - 4.5) * 0.001) }));
    const floor = { name: 'noise floor', runs: [0.0009, 0.001, 0.0011, 0.0009, 0.0011, 0.001, 0.001, 0.00092, 0.00108, 0.001].map((durationS) => ({ durationS })) };
    const slow = { name: 'slow', runs: runsOf(0.001) };
    for (const [fastS, isMeaningful] of [[0.00089, false], [0.00085, true]] as const) {
      const fast = { name: 'fast', runs: runsOf(fastS) };
      const [oneWay, otherWay] = [analyze([slow, fast], floor), analyze([fast, slow], floor)].map((results) => results[0]!.comparisons[0]!);
      expect(oneWay!.minimumEffect, String(fastS)).toBeCloseTo(otherWay!.minimumEffect, 12);
      expect([oneWay!.isMeaningful, otherWay!.isMeaningful], String(fastS)).toEqual([isMeaningful, isMeaningful]);
    }
  });

  it('calls a user/system CPU difference under the kernel’s 10 ms tick no meaningful difference, even from a mean of 0', () => {
    // CI's `sleep 0.01` against `sleep 0.05`, 3 runs each: every run of the first had its ~3 ms on
    // the system side (a tick landed in the kernel), every run of the second on the user side.
    const short = [0.00327, 0.00331, 0.00329].map((ms) => ({ durationS: 0.013, userCpuS: 0, systemCpuS: ms }));
    const long = [0.00325, 0.00334, 0.0033].map((ms) => ({ durationS: 0.053, userCpuS: ms, systemCpuS: 0 }));
    const results = analyze([{ name: 'short', runs: short }, { name: 'long', runs: long }], null);
    for (const key of ['userCpuS', 'systemCpuS']) {
      const comparison = results.find((result) => result.metric.key === key)!.comparisons[0]!;
      expect([key, comparison.isSignificant, comparison.isMeaningful, comparison.minimumDifference]).toEqual([key, true, false, 0.01]);
      expect(comparison.verdict).toMatch(/^no meaningful difference \(under the 10 ms tick that splits CPU time into user and system; p [<=] 0\.\d+\)$/);
    }
    // Past a tick apart, the CPU time is the programs': a verdict with its factor.
    const busy = analyze([{ name: 'a', runs: [0.2, 0.21, 0.19].map((userCpuS) => ({ durationS: 1, userCpuS })) }, { name: 'b', runs: [0.4, 0.41, 0.39].map((userCpuS) => ({ durationS: 1, userCpuS })) }], null);
    const user = busy.find((result) => result.metric.key === 'userCpuS')!.comparisons[0]!;
    expect([user.isMeaningful, user.verdict]).toEqual([true, expect.stringMatching(/^b has 2\.\d+× .*more user CPU time; p [<=] 0\.\d+$/)]);
    // perf's user_time and system_time (ns) are the same split, at the same resolution.
    expect([describeMetric('user_time').resolution?.amount, describeMetric('system_time:u').resolution?.amount, describeMetric('duration_time').resolution]).toEqual([1e7, 1e7, undefined]);
  });

  it('counts time outliers per alternative and words hyperfine’s warning for perfcell', () => {
    const steady = [1, 1.01, 0.99, 1.02, 1, 0.98, 1.01, 1, 0.99, 1.01];
    const noisy = { name: 'noisy', runs: [...steady.slice(0, 9), 3].map((durationS) => ({ durationS })) };
    const quiet = analyze([{ name: 'quiet', runs: steady.map((durationS) => ({ durationS })) }, noisy], null);
    expect(quiet[0]!.summaries.map((entry) => entry.outliers)).toEqual([0, 1]);
    expect(outlierWarning(quiet)).toBe(
      "statistical outliers in the time of 'noisy' 1 of 10 runs: something else likely interfered (re-run on a quiet machine, without other programs competing for the CPUs; if the first runs were the slow ones, add --warmup rounds or a --prepare command)",
    );
    expect(outlierWarning(results)).toBeNull();
  });
});

describe('metrics', () => {
  const report: CommandReport = {
    label: 'x',
    startedAt: '',
    durationS: 0.5,
    exitCode: 0,
    signal: null,
    memory: { rssBeforeBytes: 0, rssAfterBytes: null, usedBytes: null, peakRssBytes: 4096, peakAboveFinalBytes: null, peakMethod: 'rusage-maxrss' },
    cpu: { systemMeanPct: null, singleMaxPct: null, perCpuPct: [], userS: 0.4, systemS: null },
    counters: {
      backend: 'perf',
      simulated: false,
      intervalMs: 100,
      events: [
        { event: 'page-faults', unit: '', status: 'counted', total: 50, countedSeconds: 0.5, perSecond: 100, samples: [], min: null, max: null, lowestRunningPct: null },
        { event: 'cycles', unit: '', status: 'not counted', total: null, countedSeconds: null, perSecond: null, samples: [], min: null, max: null, lowestRunningPct: null },
      ],
      unsupported: [],
      derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
      pauseS: 0,
    },
    warnings: [],
  };

  it('takes what the report knows and leaves out what it does not', () => {
    expect(metricsOfReport(report)).toEqual({ durationS: 0.5, peakRssBytes: 4096, 'page-faults': 50, 'page-faults/s': 100, userCpuS: 0.4 });
  });

  // A QA pass: compare --verbose of cells showed the noise floor at 2,916,877 page-faults/s (max
  // 17M/s), rates over µs windows that the reports themselves do not show.
  it('leaves out a rate counted over less than a millisecond, as the reports do; keeps the total', () => {
    const [faults] = report.counters.events;
    const brief = { ...report, durationS: 0.0002, counters: { ...report.counters, events: [{ ...faults!, total: 3, countedSeconds: 0.0002, perSecond: 15_000 }] } };
    expect(metricsOfReport(brief)).toMatchObject({ 'page-faults': 3 });
    expect(metricsOfReport(brief)).not.toHaveProperty('page-faults/s');
  });

  it('orders keys time, RAM, totals, rates, ratios, CPU, and describes each', () => {
    expect(orderMetricKeys([{ userCpuS: 1, 'a/s': 1, ipc: 1, a: 1, peakRssBytes: 1, durationS: 1 }])).toEqual(['durationS', 'peakRssBytes', 'a', 'a/s', 'ipc', 'userCpuS']);
    expect(describeMetric('page-faults/s')).toEqual({ key: 'page-faults/s', label: 'page-faults per s', unit: 'per-s', wording: { kind: 'count', noun: 'page-faults per second' }, role: 'rate' });
    expect(describeMetric('durationS').role).toBe('primary');
    expect(describeMetric('missRatio').wording).toEqual({ kind: 'level', noun: 'miss ratio' });
    expect(describeMetric('D1 misses').wording).toEqual({ kind: 'count', noun: 'D1 misses' });
  });

  it("gives perf's clock events their unit, msec, and their rate as CPUs used; a program uses more or less of them", () => {
    // perf prints task-clock and cpu-clock in msec: `1.84 msec task-clock  #  0.867 CPUs utilized`
    expect(describeMetric('task-clock')).toEqual({ key: 'task-clock', label: 'task-clock', unit: 'ms', wording: { kind: 'usage', noun: 'task-clock' }, role: 'secondary' });
    expect(describeMetric('task-clock/s')).toEqual({ key: 'task-clock/s', label: 'task-clock utilization', unit: 'ms-per-s', wording: { kind: 'usage', noun: 'task-clock per second' }, role: 'rate' });
    expect(describeMetric('cpu-clock').unit).toBe('ms');
    expect(describeMetric('cpu-clock:u').unit).toBe('ms');
    expect(describeMetric('cpu-clock:u/s').unit).toBe('ms-per-s');
    // only those two: other events stay counts
    expect(describeMetric('task-clocks').unit).toBe('count');
    expect(describeMetric('context-switches').unit).toBe('count');
    const comparison = compareRuns({ name: 'a', values: [1.8, 1.9, 1.85, 1.82] }, { name: 'b', values: [9, 9.2, 8.9, 9.1] }, describeMetric('task-clock').wording);
    expect(comparison.verdict).toMatch(/^b uses [\d.]+× ± [\d.]+ more task-clock; p < 0\.001$/);
    const fewer = compareRuns({ name: 'b', values: [9, 9.2, 8.9, 9.1] }, { name: 'a', values: [1.8, 1.9, 1.85, 1.82] }, describeMetric('task-clock').wording);
    expect(fewer.verdict).toMatch(/^a uses [\d.]+× ± [\d.]+ less task-clock; p < 0\.001$/);
  });

  it("carries perf's -M metrics (counters.metrics) as perf:NAME levels, after the derived ratios", () => {
    const withMetrics = { ...report, counters: { ...report.counters, metrics: [{ name: 'tma_retiring', value: 14.6, unit: '%', readings: 5 }] } };
    expect(metricsOfReport(withMetrics)).toMatchObject({ 'perf:tma_retiring': 14.6 });
    expect(orderMetricKeys([{ userCpuS: 1, 'perf:tma_retiring': 1, ipc: 1, 'a/s': 1, a: 1, durationS: 1 }])).toEqual(['durationS', 'a', 'a/s', 'ipc', 'perf:tma_retiring', 'userCpuS']);
    expect(describeMetric('perf:tma_retiring')).toEqual({ key: 'perf:tma_retiring', label: 'tma_retiring (perf)', unit: 'ratio', wording: { kind: 'level', noun: "perf's tma_retiring" }, role: 'secondary' });
  });
});

describe('alpha, the significance level', () => {
  // A QA pass: analyzeRuns(runs, null, 5) (a percent for a level) threw 'RangeError: student t
  // quantile needs 0 < p < 1 (got -1.5)', which names no alpha, and alpha 2 read 'got 0'
  const pair: AlternativeRuns[] = [
    { name: 'a', runs: [{ durationS: 1 }, { durationS: 1.1 }, { durationS: 1.05 }] },
    { name: 'b', runs: [{ durationS: 2 }, { durationS: 2.1 }, { durationS: 2.05 }] },
  ];
  it('is a number between 0 and 1, refused otherwise in words that name it', () => {
    for (const alpha of [5, 2, 1, 0, -0.05, Number.NaN]) {
      const wanted = `alpha must be a significance level between 0 and 1 (e.g. 0.05), not ${alpha}`;
      expect(() => analyzeRuns(pair, null, alpha)).toThrow(wanted);
      expect(() => compareWithBaseline(pair, pair, alpha)).toThrow(wanted);
    }
    expect(analyzeRuns(pair, null, 0.01)[0]?.comparisons[0]?.verdict).toMatch(/slower/);
  });
});
