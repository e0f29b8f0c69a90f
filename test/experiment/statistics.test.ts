import { describe, expect, it } from 'vitest';
import { compareRuns, ratioInterval, ratioScaleOf, ratioTest, summarizeRuns, unboundedRatioLow, welchTTest } from '../../src/experiment/statistics.ts';
import { studentTQuantile } from '../../src/experiment/student-t.ts';
import { percentsUnder } from '../../src/experiment/verdict.ts';
import { seededRandom } from '../support/seeded-random.ts';

// The three worked examples of Wikipedia's "Welch's t-test" article, with the published rounded
// t, df and p (https://en.wikipedia.org/wiki/Welch%27s_t-test#Examples).
const wikipediaExamples = [
  {
    a: [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
    b: [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4],
    t: -2.46, df: 25.0, p: 0.021,
  },
  {
    a: [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
    b: [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8],
    t: -1.57, df: 9.9, p: 0.149,
  },
  {
    a: [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
    b: [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3],
    t: -2.22, df: 24.5, p: 0.036,
  },
] as const;

/** Sum-of-squares formulation, written out here independently of the implementation. */
function handWelch(a: readonly number[], b: readonly number[]): { t: number; df: number } {
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const moments = (xs: readonly number[]) => {
    const n = xs.length;
    const m = sum(xs) / n;
    const s2 = (sum(xs.map((x) => x * x)) - n * m * m) / (n - 1);
    return { n, m, s2 };
  };
  const A = moments(a);
  const B = moments(b);
  // Welch's article is A1 − A2 and we report B − A, so swap to compare signs.
  const t = (A.m - B.m) / Math.sqrt(A.s2 / A.n + B.s2 / B.n);
  const df =
    (A.s2 / A.n + B.s2 / B.n) ** 2 / (A.s2 ** 2 / (A.n ** 2 * (A.n - 1)) + B.s2 ** 2 / (B.n ** 2 * (B.n - 1)));
  return { t, df };
}

function normalSampler(random: () => number): (mean: number, sd: number, n: number) => number[] {
  return (mean, sd, n) =>
    Array.from({ length: n }, () => {
      // Box–Muller
      const u = 1 - random();
      const v = random();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    });
}

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value) || !Number.isFinite(value);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

describe('summarizeRuns', () => {
  it('computes n, mean, median, σ, min, max', () => {
    expect(summarizeRuns([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({
      n: 8,
      mean: 5,
      median: 4.5,
      stdDev: Math.sqrt(32 / 7),
      min: 2,
      max: 9,
    });
  });

  it('gives σ null for one run and all null for none', () => {
    expect(summarizeRuns([3.5])).toEqual({ n: 1, mean: 3.5, median: 3.5, stdDev: null, min: 3.5, max: 3.5 });
    expect(summarizeRuns([])).toEqual({ n: 0, mean: null, median: null, stdDev: null, min: null, max: null });
  });

  it('gives exactly zero σ and the value itself as mean for a constant sample', () => {
    expect(summarizeRuns([0.1, 0.1, 0.1])).toMatchObject({ mean: 0.1, stdDev: 0 });
  });
});

describe('welchTTest', () => {
  it.each(wikipediaExamples)('reproduces the published example (t = $t, df = $df, p = $p)', (example) => {
    const result = welchTTest(example.a, example.b);
    const hand = handWelch(example.a, example.b);
    expect(result).not.toBeNull();
    expect(result!.t).toBeCloseTo(-hand.t, 10);
    expect(result!.df).toBeCloseTo(hand.df, 10);
    // Published values, to the digits Wikipedia gives; our t is B − A.
    expect(Math.abs(-result!.t! - example.t)).toBeLessThan(0.01);
    expect(result!.df!).toBeCloseTo(example.df, 0);
    // Wikipedia rounds from rounded intermediates: 0.0355 is published as 0.036.
    expect(Math.abs(result!.pValue - example.p)).toBeLessThan(0.001);
  });

  it('matches a t-table critical value: |t| = t(0.975, df) gives p = 0.05', () => {
    // Equal sizes and variances: df = 2(n−1) = 10 exactly, t = (mB − mA) / √(2s²/n).
    const a = [-1, 1, -1, 1, -1, 1];
    const s2 = 6 / 5;
    const shift = 2.228 * Math.sqrt((2 * s2) / 6);
    const b = a.map((x) => x + shift);
    const result = welchTTest(a, b)!;
    expect(result.df).toBeCloseTo(10, 10);
    expect(result.t).toBeCloseTo(2.228, 10);
    expect(result.pValue).toBeCloseTo(0.05, 4);
  });

  it('needs two runs on each side', () => {
    expect(welchTTest([1], [2, 3])).toBeNull();
    expect(welchTTest([1, 2], [])).toBeNull();
  });

  it('calls identical constant samples equal and different constant samples different, without NaN', () => {
    expect(welchTTest([5, 5, 5], [5, 5])).toEqual({ t: 0, df: null, pValue: 1 });
    expect(welchTTest([5, 5, 5], [6, 6])).toEqual({ t: null, df: null, pValue: 0 });
  });

  it('uses the other side’s df when one sample is constant', () => {
    const result = welchTTest([10, 10, 10, 10], [11, 12, 13])!;
    expect(result.df).toBeCloseTo(2, 12);
    // t = (12 − 10) / √(1/3)
    expect(result.t).toBeCloseTo(2 * Math.sqrt(3), 12);
  });

  it('stays finite for a huge t', () => {
    const result = welchTTest([1, 1.000001, 0.999999], [1e6, 1e6 + 1e-6, 1e6 - 1e-6])!;
    expect(result.t).toBeGreaterThan(1e9);
    expect(result.pValue).toBeGreaterThanOrEqual(0);
    expect(result.pValue).toBeLessThan(1e-10);
  });

  it('rejects a true null hypothesis about 5% of the time (Monte Carlo, seeded)', () => {
    const sample = normalSampler(seededRandom(42));
    let rejections = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      if (welchTTest(sample(10, 1, 6), sample(10, 3, 11))!.pValue < 0.05) rejections++;
    }
    // Binomial(4000, 0.05): σ ≈ 14 rejections; allow about ±3σ.
    expect(rejections / trials).toBeGreaterThan(0.04);
    expect(rejections / trials).toBeLessThan(0.06);
  });
});

const logsOf = (xs: readonly number[]) => xs.map(Math.log);

function lognormalSampler(random: () => number): (logMean: number, logSd: number, n: number) => number[] {
  const normal = normalSampler(random);
  return (logMean, logSd, n) => normal(logMean, logSd, n).map(Math.exp);
}

describe('ratioTest and ratioInterval', () => {
  // The published Welch examples above still check welchTTest itself: it is the test, and the log
  // scale only changes what it is given (ln of each value), not how it computes t, df and p.
  it('tests positive data on the log scale: Welch on ln(values)', () => {
    for (const example of wikipediaExamples) {
      expect(ratioScaleOf(example.a, example.b)).toBe('log');
      expect(ratioTest(example.a, example.b)).toEqual(welchTTest(logsOf(example.a), logsOf(example.b)));
    }
  });

  it('gives exp(difference of log means ± t·se), computed here by hand', () => {
    const a = [10.2, 9.8, 10.1, 9.9, 10.0, 10.3, 9.7];
    const b = [31.0, 29.5, 30.4, 30.9, 29.1, 30.2, 29.9];
    const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const squaredError = (xs: readonly number[]) => {
      const m = mean(xs);
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length;
    };
    const [la, lb] = [logsOf(a), logsOf(b)];
    const d = mean(lb) - mean(la);
    const se2 = squaredError(la) + squaredError(lb);
    const df = se2 ** 2 / (squaredError(la) ** 2 / (a.length - 1) + squaredError(lb) ** 2 / (b.length - 1));
    const margin = studentTQuantile(0.975, df) * Math.sqrt(se2);
    const estimate = ratioInterval(a, b);
    expect(estimate.scale).toBe('log');
    expect(estimate.ratio).toBeCloseTo(Math.exp(d), 12);
    expect(estimate.interval!.low).toBeCloseTo(Math.exp(d - margin), 12);
    expect(estimate.interval!.high).toBeCloseTo(Math.exp(d + margin), 12);
    expect(estimate.interval!.halfWidth).toBeCloseTo((estimate.interval!.high - estimate.interval!.low) / 2, 12);
    expect(estimate.interval!.confidence).toBe(0.95);
  });

  it('never gives a negative bound, even for wild data (the 2.25× (95% CI -0.509–5.01) of issue 10)', () => {
    const estimate = ratioInterval([1, 1.2, 0.9], [0.5, 6, 0.3]);
    expect(estimate.interval!.low).toBeGreaterThan(0);
    expect(estimate.interval!.low).toBeLessThan(1);
    expect(estimate.interval!.high).toBeGreaterThan(1);
  });

  it('uses Fieller’s interval for data with zeros: exactly the ratios the Welch test does not reject', () => {
    const a = [3, 0, 4, 5, 2, 3, 4];
    const b = [9, 7, 0, 8, 10, 9, 8];
    expect(ratioScaleOf(a, b)).toBe('linear');
    const estimate = ratioInterval(a, b);
    const interval = estimate.interval!;
    expect(estimate.ratio).toBeCloseTo(51 / 21, 12);
    // At each end, B − θ·A is exactly on the edge of significance for the same t and df.
    const df = welchTTest(a, b)!.df!;
    const t = studentTQuantile(0.975, df);
    const moments = (xs: readonly number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return { m, se2: xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length };
    };
    const [A, B] = [moments(a), moments(b)];
    for (const theta of [interval.low, interval.high]) {
      expect((B.m - theta * A.m) ** 2).toBeCloseTo(t * t * (B.se2 + theta * theta * A.se2), 9);
    }
    expect(interval.low).toBeGreaterThan(0);
  });

  it('cuts Fieller’s interval at 0 for non-negative data and has none when it is unbounded', () => {
    const near = ratioInterval([0, 0, 1], [0, 5, 1]);
    expect(near.ratio).toBe(6);
    expect(near.interval).toBeNull();
    const zeroB = ratioInterval([10, 11, 9], [0, 1, 0]);
    expect(zeroB.interval!.low).toBe(0);
  });

  it("gives the lower end of an unbounded Fieller set of zero-inflated counts: on it the set's edge, above it inside, below it outside", () => {
    const random = seededRandom(11);
    const rare = (n: number, chance: number): number[] => Array.from({ length: n }, () => (random() < chance ? 1 + Math.floor(random() * 2) : 0));
    const moments = (xs: readonly number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return { m, se2: xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length };
    };
    let checked = 0;
    for (let trial = 0; trial < 2_000; trial++) {
      const a = rare(5 + Math.floor(random() * 15), 0.1);
      const b = Array.from({ length: 5 + Math.floor(random() * 15) }, () => 1 + Math.floor(random() * 3));
      const confidence = [0.95, 0.975, 1 - 0.05 / 3][trial % 3]!;
      const low = unboundedRatioLow(a, b, confidence);
      if (ratioInterval(a, b, confidence).interval !== null) {
        expect(low).toBeNull();
        continue;
      }
      if (low === null) continue;
      checked++;
      const t = studentTQuantile(1 - (1 - confidence) / 2, welchTTest(a, b)!.df!);
      const [A, B] = [moments(a), moments(b)];
      const outside = (theta: number): number => (B.m - theta * A.m) ** 2 - t * t * (B.se2 + theta * theta * A.se2);
      expect(outside(low)).toBeCloseTo(0, 9);
      for (const theta of [low * 1.001, low * 10, 1e9]) expect(outside(theta)).toBeLessThan(0);
      expect(outside(low * 0.999)).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(200);
    // none for a bounded set, a zero or a negative value
    expect(unboundedRatioLow([3, 4, 5], [6, 7, 8])).toBeNull();
    expect(unboundedRatioLow([0, 0, 0], [1, 1, 1])).toBeNull();
    expect(unboundedRatioLow([-1, 1, 0.2], [5, 5, 5])).toBeNull();
  });

  it('has no interval with one run, a zero-width one for constant samples, none for a zero baseline', () => {
    const one = ratioInterval([2], [6, 6.5]);
    expect(one.ratio).toBeCloseTo(Math.sqrt(6 * 6.5) / 2, 12);
    expect(one.interval).toBeNull();
    expect(ratioInterval([4, 4, 4], [32, 32])).toEqual({
      ratio: 8,
      scale: 'log',
      interval: { low: 8, high: 8, halfWidth: 0, confidence: 0.95 },
    });
    expect(ratioInterval([0, 0], [1, 2])).toEqual({ ratio: null, scale: 'linear', interval: null });
    expect(ratioInterval([], [1, 2])).toEqual({ ratio: null, scale: 'log', interval: null });
  });

  it('has no ratio between means of opposite signs, and calls the difference meaningful when significant (a QA pass: RAM used -77.5 against +78.1 MiB read "no meaningful difference (-200%, under the 1% minimum effect)")', () => {
    const freed = [-77.4, -77.6, -77.5, -77.5, -77.6];
    const grew = [78.0, 78.2, 78.1, 78.1, 78.0];
    expect(ratioInterval(freed, grew)).toEqual({ ratio: null, scale: 'linear', interval: null });
    const comparison = compareRuns({ name: 'small', values: freed }, { name: 'big', values: grew }, { kind: 'amount', noun: 'RAM used' });
    expect(comparison.isSignificant).toBe(true);
    expect(comparison.isMeaningful).toBe(true);
    expect(comparison.verdict).toBe('big has more RAM used than small (their mean RAM used has opposite signs: no factor); p < 0.001');
    const back = compareRuns({ name: 'big', values: grew }, { name: 'small', values: freed }, { kind: 'amount', noun: 'RAM used' });
    expect(back.verdict).toMatch(/^small has less RAM used than big \(their mean RAM used has opposite signs: no factor\); p < 0\.001$/);
  });

  it('says the direction of means both below 0 from the means, without a factor: freeing 3 MiB is not "3.0× more RAM used" than freeing 1 (a QA pass)', () => {
    const freedOne = [-1, -1.1, -0.9, -1, -1];
    const freedThree = [-3, -3.1, -2.9, -3, -3];
    const comparison = compareRuns({ name: 'a', values: freedOne }, { name: 'b', values: freedThree }, { kind: 'amount', noun: 'RAM used' });
    expect(comparison.ratio.ratio).toBeNull();
    expect(comparison.isMeaningful).toBe(true);
    expect(comparison.verdict).toBe('b has less RAM used than a (their mean RAM used is below 0 in both: no factor); p < 0.001');
    const back = compareRuns({ name: 'b', values: freedThree }, { name: 'a', values: freedOne }, { kind: 'amount', noun: 'RAM used' });
    expect(back.verdict).toBe('a has more RAM used than b (their mean RAM used is below 0 in both: no factor); p < 0.001');
    // in-process counts net of the empty batch's (compareInProcess) can read below 0 too
    const counts = compareRuns({ name: 'a', values: [-0.001, -0.0012, -0.0009, -0.001] }, { name: 'b', values: [-0.003, -0.0031, -0.0029, -0.003] }, { kind: 'count', noun: 'page-faults' });
    expect(counts.verdict).toBe('b has fewer page-faults than a (their mean page-faults is below 0 in both: no factor); p < 0.001');
  });

  it('handles a zero alternative mean', () => {
    const estimate = ratioInterval([10, 11, 12], [0, 0, 0]);
    expect(estimate.ratio).toBe(0);
    expect(estimate.interval!.low).toBe(0);
  });

  // Monte Carlo, seeded so it is reproducible: 95% intervals on lognormal data (the shape of run
  // times) must hold the true ratio (of medians = of geometric means) 93–97% of the time, in each
  // of several shapes: equal and unequal spreads and sizes, tight and wide.
  const shapes = [
    { nA: 10, nB: 10, sdA: 0.1, sdB: 0.1, ratio: 3 },
    { nA: 6, nB: 11, sdA: 0.05, sdB: 0.3, ratio: 1 },
    { nA: 20, nB: 20, sdA: 0.5, sdB: 0.5, ratio: 1.3 },
    { nA: 30, nB: 8, sdA: 0.3, sdB: 0.1, ratio: 0.5 },
  ] as const;
  it.each(shapes)('covers the true ratio 93–97% of the time on lognormal data (nA $nA, nB $nB, σ $sdA/$sdB)', (shape) => {
    const sample = lognormalSampler(seededRandom(1000 + shape.nA * 7 + shape.nB));
    const trials = 4000;
    let covered = 0;
    for (let i = 0; i < trials; i++) {
      const a = sample(Math.log(0.012), shape.sdA, shape.nA);
      const b = sample(Math.log(0.012 * shape.ratio), shape.sdB, shape.nB);
      const interval = ratioInterval(a, b).interval!;
      if (interval.low <= shape.ratio && shape.ratio <= interval.high) covered++;
    }
    // Binomial(4000, 0.95): σ ≈ 0.34%; the 93–97% band is about ±6σ around 95%.
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
});

describe('significance and interval agree', () => {
  // 10,000 random datasets of every kind compare sees: lognormal times, counts with zeros, RAM that
  // can go negative, constant samples, two to fifteen runs, tested at alpha or at a Holm step.
  it('on 10,000 random datasets with an interval, "significant" is exactly "the interval excludes 1"', () => {
    const random = seededRandom(2026);
    const normal = normalSampler(random);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    let checked = 0;
    let significant = 0;
    let unbounded = 0;
    for (let i = 0; checked < 10_000; i++) {
      const nA = 2 + Math.floor(random() * 14);
      const nB = 2 + Math.floor(random() * 14);
      const effect = pick([1, 1, 1.005, 1.02, 1.1, 1.5, 3]);
      const kind = pick(['lognormal', 'lognormal', 'counts', 'signed', 'constant'] as const);
      const make = (n: number, scale: number): number[] => {
        switch (kind) {
          case 'lognormal':
            return normal(Math.log(scale), pick([0.01, 0.1, 0.5, 1]), n).map(Math.exp);
          case 'counts':
            return normal(3 * scale, 2, n).map((x) => Math.max(0, Math.round(x)));
          case 'signed':
            return normal(scale, 2, n);
          case 'constant':
            return Array.from({ length: n }, () => scale);
        }
      };
      const a = make(nA, 1);
      const b = make(nB, effect);
      const testAlpha = pick([0.05, 0.05, 0.025, 0.0125, 0.01]);
      const comparison = compareRuns({ name: 'a', values: a }, { name: 'b', values: b }, { kind: 'time' }, { testAlpha });
      const interval = comparison.ratio.interval;
      if (interval === null) {
        // Only Fieller's set can be unbounded (the baseline's mean is not clear of zero): no interval printed.
        expect(comparison.ratio.scale).toBe('linear');
        unbounded++;
        continue;
      }
      checked++;
      if (comparison.isSignificant) significant++;
      const excludesOne = interval.low > 1 || interval.high < 1;
      if (comparison.isSignificant !== excludesOne) {
        throw new Error(`disagree: p ${comparison.welch?.pValue} at ${testAlpha}, interval ${interval.low}–${interval.high}; a=${a} b=${b}`);
      }
      expect(interval.low).toBeGreaterThanOrEqual(kind === 'signed' ? -Infinity : 0);
      expect(interval.confidence).toBeCloseTo(1 - testAlpha, 12);
    }
    // Both outcomes occur often enough for the agreement to mean something.
    expect(unbounded).toBeLessThan(checked / 4);
    expect(significant).toBeGreaterThan(2_000);
    expect(checked - significant).toBeGreaterThan(2_000);
  });
});

describe('compareRuns', () => {
  const time = { kind: 'time' } as const;

  it('says how much slower, with ± and p', () => {
    const comparison = compareRuns(
      { name: 'row', values: [1.0, 1.1, 0.9, 1.05, 0.95] },
      { name: 'col', values: [3.1, 3.3, 2.9, 3.2, 3.0] },
      time,
    );
    // The ratio of geometric means: the log scale's estimate.
    const geometric = (xs: readonly number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
    expect(comparison.ratio.ratio).toBeCloseTo(geometric([3.1, 3.3, 2.9, 3.2, 3.0]) / geometric([1.0, 1.1, 0.9, 1.05, 0.95]), 12);
    expect(comparison.isSignificant).toBe(true);
    expect(comparison.isMeaningful).toBe(true);
    const halfWidth = comparison.ratio.interval!.halfWidth;
    expect(comparison.verdict).toBe(`col is 3.1× ± ${halfWidth.toFixed(1)} slower; p < 0.001`);
  });

  it('says faster, as a factor ≥ 1, when the alternative is quicker', () => {
    const comparison = compareRuns(
      { name: 'col', values: [3.1, 3.3, 2.9, 3.2, 3.0] },
      { name: 'row', values: [1.0, 1.1, 0.9, 1.05, 0.95] },
      time,
    );
    expect(comparison.verdict).toMatch(/^row is 3\.1× ± 0\.\d faster; p < 0\.001$/);
  });

  it('says more or fewer of a counted noun', () => {
    const more = compareRuns(
      { name: 'row', values: [131_000, 131_100, 130_900] },
      { name: 'col', values: [1_048_000, 1_048_900, 1_047_100] },
      { kind: 'count', noun: 'D1 misses' },
    );
    expect(more.verdict).toMatch(/^col has 8\.00× ± 0\.0\d more D1 misses; p < 0\.001$/);
    const fewer = compareRuns(
      { name: 'col', values: [8, 8, 8] },
      { name: 'row', values: [1, 1, 1] },
      { kind: 'count', noun: 'D1 misses' },
    );
    expect(fewer.verdict).toBe('row has 8.00× ± 0.00 fewer D1 misses; p < 0.001');
  });

  it('says no significant difference with p when p ≥ 0.05', () => {
    const example = wikipediaExamples[1];
    const comparison = compareRuns({ name: 'a', values: example.a }, { name: 'b', values: example.b }, time);
    expect(comparison.isSignificant).toBe(false);
    // p of Welch on the logs (the published raw-scale p is 0.149).
    const pValue = welchTTest(logsOf(example.a), logsOf(example.b))!.pValue;
    expect(pValue).toBeGreaterThan(0.1);
    expect(comparison.verdict).toBe(`no significant difference (p = ${pValue.toFixed(2)})`);
  });

  it('calls a significant but tiny difference no meaningful difference (1.0005× fewer page-faults, p = 0.048)', () => {
    // 2,114 faults against 2,113: one fault in 2,114, steady enough to be "significant".
    const comparison = compareRuns(
      { name: 'a', values: [2114, 2114, 2115, 2113, 2114, 2114, 2115, 2114, 2113, 2114] },
      { name: 'b', values: [2113, 2113, 2114, 2113, 2112, 2113, 2114, 2113, 2113, 2113] },
      { kind: 'count', noun: 'page-faults' },
    );
    expect(comparison.isSignificant).toBe(true);
    expect(comparison.isMeaningful).toBe(false);
    expect(comparison.verdict).toMatch(/^no meaningful difference \(0\.043%, under the 1% minimum effect; p [<=] 0\.0\d\d\)$/);
    const floor = compareRuns({ name: 'a', values: [10, 10.2, 9.9, 10.1] }, { name: 'b', values: [10.6, 10.7, 10.5, 10.6] }, time, { minimumEffect: 0.1 });
    expect(floor.isSignificant).toBe(true);
    expect(floor.verdict).toMatch(/^no meaningful difference \(5\.\d%, under the 10% minimum effect; p [<=] 0\.0\d\d\)$/);
  });

  // A QA pass: 0.96% under the 1% minimum effect read "1%, under the 1%"; 13.3% under 13.4% would read "13%, under the 13%".
  it('writes a difference and the minimum effect it falls under so that they read apart', () => {
    expect(percentsUnder(0.0096, 0.01)).toEqual(['0.96%', '1%']);
    expect(percentsUnder(0.133, 0.134)).toEqual(['13.3%', '13.4%']);
    expect(percentsUnder(0.1331, 0.1333)).toEqual(['13.31%', '13.33%']);
    expect(percentsUnder(0.05, 0.1)).toEqual(['5%', '10%']);
    const close = compareRuns({ name: 'a', values: [1000, 1000.2, 999.8, 1000.1, 999.9] }, { name: 'b', values: [1009.6, 1009.8, 1009.4, 1009.7, 1009.5] }, time);
    expect(close.verdict).toMatch(/^no meaningful difference \(0\.96%, under the 1% minimum effect; p < 0\.001\)$/);
  });

  it('says higher or lower of a level (a ratio of counts), not more', () => {
    const comparison = compareRuns({ name: 'row', values: [0.1, 0.11, 0.09] }, { name: 'col', values: [0.5, 0.52, 0.48] }, { kind: 'level', noun: 'miss ratio' });
    // 3 runs: a wide log-scale interval, lopsided around 5×, so it is given as the interval itself.
    const { low, high, confidence } = comparison.ratio.interval!;
    expect(confidence).toBe(0.95);
    expect(comparison.verdict).toBe(`col has ${comparison.ratio.ratio!.toPrecision(3)}× (95% CI ${low.toPrecision(3)}–${high.toPrecision(3)}) higher miss ratio; p < 0.001`);
  });

  it('gives a per-second rate no test and no verdict of its own', () => {
    const comparison = compareRuns({ name: 'a', values: [100, 101, 99] }, { name: 'b', values: [200, 201, 199] }, { kind: 'count', noun: 'page-faults per second' }, { role: 'rate' });
    expect(comparison.welch).toBeNull();
    expect(comparison.ratio.interval).toBeNull();
    expect(comparison.ratio.ratio).toBeCloseTo(2, 2);
    expect(comparison.isSignificant).toBe(false);
    expect(comparison.verdict).toBe('no verdict of its own (a rate: the total ÷ time; see both)');
  });

  it('says when Holm’s correction is why a p under 0.05 is not significant', () => {
    const example = wikipediaExamples[0];
    const comparison = compareRuns({ name: 'a', values: example.a }, { name: 'b', values: example.b }, time, { testAlpha: 0.0125 });
    expect(comparison.isSignificant).toBe(false);
    expect(comparison.ratio.interval!.confidence).toBeCloseTo(0.9875, 12);
    expect(comparison.verdict).toMatch(/^no significant difference \(p = 0\.0\d\d > α 0\.0125, Holm-corrected\)$/);
  });

  // The README: a difference is meaningful where it is at least the minimum effect, and user or
  // system CPU time differing by under 10 ms is not; one whole tick apart in every run is a difference.
  it('calls a difference of exactly the minimum effect, or of exactly the resolution, meaningful', () => {
    const atEffect = compareRuns({ name: 'a', values: [2, 2, 2] }, { name: 'b', values: [3, 3, 3] }, time, { minimumEffect: 0.5 });
    expect(atEffect.isMeaningful).toBe(true);
    expect(atEffect.verdict).toBe('b is 1.50× ± 0.00 slower; p < 0.001');
    const tick = { amount: 0.01, reason: '10 ms tick that splits CPU time into user and system' };
    const userCpu = { kind: 'amount', noun: 'user CPU time' } as const;
    const oneTick = compareRuns({ name: 'a', values: [0.01, 0.01, 0.01, 0.01] }, { name: 'b', values: [0.02, 0.02, 0.02, 0.02] }, userCpu, { resolution: tick });
    expect(oneTick.isMeaningful).toBe(true);
    expect(oneTick.verdict).toBe('b has 2.00× ± 0.00 more user CPU time; p < 0.001');
    const underTick = compareRuns({ name: 'a', values: [0.01, 0.01, 0.01, 0.01] }, { name: 'b', values: [0.019, 0.019, 0.019, 0.019] }, userCpu, { resolution: tick });
    expect(underTick.verdict).toBe('no meaningful difference (under the 10 ms tick that splits CPU time into user and system; p < 0.001)');
  });

  it('calls identical constant alternatives no different, with no NaN anywhere', () => {
    const comparison = compareRuns({ name: 'a', values: [7, 7, 7] }, { name: 'b', values: [7, 7, 7] }, time);
    expect(comparison.verdict).toBe('no significant difference (p = 1.00)');
    expect(hasNaN(comparison)).toBe(false);
    expect(JSON.parse(JSON.stringify(comparison))).toEqual(comparison);
  });

  it('says too few runs with one run each, with no NaN anywhere', () => {
    const comparison = compareRuns({ name: 'row', values: [1] }, { name: 'col', values: [3] }, time);
    expect(comparison.welch).toBeNull();
    expect(comparison.isSignificant).toBe(false);
    expect(comparison.verdict).toBe('too few runs to tell (col/row = 3.00×; run each at least twice)');
    expect(hasNaN(comparison)).toBe(false);
  });

  it('names the zero side when the ratio is undefined', () => {
    const comparison = compareRuns(
      { name: 'row', values: [0, 0, 0] },
      { name: 'col', values: [5, 6, 7] },
      { kind: 'count', noun: 'LL misses' },
    );
    expect(comparison.verdict).toMatch(/^col has more LL misses than row \(row's mean LL misses is 0\); p = 0\.0\d\d$/);
    expect(hasNaN(comparison)).toBe(false);
  });

  it('uses the given alpha for both the test and the interval', () => {
    const example = wikipediaExamples[0]; // p = 0.021
    const strict = compareRuns({ name: 'a', values: example.a }, { name: 'b', values: example.b }, time, { alpha: 0.01 });
    expect(strict.isSignificant).toBe(false);
    expect(strict.ratio.interval!.confidence).toBeCloseTo(0.99, 12);
    expect(strict.ratio.interval!.low).toBeLessThan(1);
    const loose = compareRuns({ name: 'a', values: example.a }, { name: 'b', values: example.b }, time);
    expect(loose.isSignificant).toBe(true);
    expect(loose.ratio.interval!.low).toBeGreaterThan(1);
    // Welch on the logs gives p = 0.017 here (0.021 on the raw values, as published).
    expect(loose.verdict).toMatch(/^b is 1\.\d+× ± 0\.\d+ slower; p = 0\.017$/);
  });
});
