import { describe, expect, it } from 'vitest';
import { compareRuns, ratioOfMeans, summarizeRuns, welchTTest } from '../../src/experiment/statistics.ts';
import { studentTQuantile } from '../../src/experiment/student-t.ts';

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

/** mulberry32: a seeded PRNG so the Monte Carlo tests are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
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

describe('ratioOfMeans', () => {
  it('lies within Fieller’s intervals for the extreme Welch df when the baseline is far from zero', () => {
    const a = [10.2, 9.8, 10.1, 9.9, 10.0, 10.3, 9.7];
    const b = [31.0, 29.5, 30.4, 30.9, 29.1, 30.2, 29.9];
    const estimate = ratioOfMeans(a, b);
    const interval = estimate.interval!;
    // Fieller: (mB − θ·mA)² = t²(sB² + θ²·sA²), solved for θ, with sX² = var/n.
    const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const squaredError = (xs: readonly number[]) => {
      const m = mean(xs);
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length;
    };
    const [mA, mB, sA, sB] = [mean(a), mean(b), squaredError(a), squaredError(b)];
    const fieller = (df: number) => {
      const t = studentTQuantile(0.975, df);
      const qa = mA * mA - t * t * sA;
      const qb = -2 * mA * mB;
      const qc = mB * mB - t * t * sB;
      const root = Math.sqrt(qb * qb - 4 * qa * qc);
      return { low: (-qb - root) / (2 * qa), high: (-qb + root) / (2 * qa) };
    };
    // Satterthwaite df always lies between min(n) − 1 = 6 and nA + nB − 2 = 12.
    const narrow = fieller(12);
    const wide = fieller(6);
    expect(estimate.ratio).toBeCloseTo(mB / mA, 12);
    // Fieller's interval leans upwards, the delta method's is symmetric: allow 5% of the half-width.
    const slack = 0.05 * interval.halfWidth;
    expect(interval.low).toBeGreaterThan(wide.low - slack);
    expect(interval.low).toBeLessThan(narrow.low + slack);
    expect(interval.high).toBeGreaterThan(narrow.high - slack);
    expect(interval.high).toBeLessThan(wide.high + slack);
    expect(interval.halfWidth).toBeCloseTo((interval.high - interval.low) / 2, 12);
    expect(interval.confidence).toBe(0.95);
  });

  it('covers the true ratio about 95% of the time (Monte Carlo, seeded)', () => {
    const sample = normalSampler(seededRandom(7));
    const trials = 3000;
    let covered = 0;
    for (let i = 0; i < trials; i++) {
      const interval = ratioOfMeans(sample(10, 1, 10), sample(30, 4, 8)).interval!;
      if (interval.low <= 3 && 3 <= interval.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });

  it('has no interval with one run, a zero-width one for constant samples, none for a zero baseline', () => {
    expect(ratioOfMeans([2], [6, 6.5])).toEqual({ ratio: 3.125, interval: null });
    expect(ratioOfMeans([4, 4, 4], [32, 32])).toEqual({
      ratio: 8,
      interval: { low: 8, high: 8, halfWidth: 0, confidence: 0.95 },
    });
    expect(ratioOfMeans([0, 0], [1, 2])).toEqual({ ratio: null, interval: null });
    expect(ratioOfMeans([], [1, 2])).toEqual({ ratio: null, interval: null });
  });

  it('handles a zero alternative mean', () => {
    const estimate = ratioOfMeans([1, 2, 3], [0, 0, 0]);
    expect(estimate.ratio).toBe(0);
    expect(estimate.interval!.halfWidth).toBe(0);
    const noisy = ratioOfMeans([1, 2, 3], [-1, 0, 1]);
    expect(noisy.ratio).toBe(0);
    expect(noisy.interval!.halfWidth).toBeGreaterThan(0);
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
    expect(comparison.ratio.ratio).toBeCloseTo(3.1, 12);
    expect(comparison.isSignificant).toBe(true);
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
    expect(comparison.verdict).toBe('no significant difference (p = 0.15)');
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
    const loose = compareRuns({ name: 'a', values: example.a }, { name: 'b', values: example.b }, time);
    expect(loose.isSignificant).toBe(true);
    expect(loose.verdict).toMatch(/^b is 1\.\d+× ± 0\.\d+ slower; p = 0\.021$/);
  });
});
