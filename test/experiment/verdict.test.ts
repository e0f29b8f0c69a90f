import { describe, expect, it } from 'vitest';
import { compareRuns, type RatioEstimate } from '../../src/experiment/statistics.ts';
import { formatBounds, formatPValue, formatRatioNumber, formatVerdict, isNearlySymmetric, type VerdictInput } from '../../src/experiment/verdict.ts';
import { comparisonLine } from '../../src/render/compare-text.ts';
import { seededRandom } from '../support/seeded-random.ts';

function interval(low: number, high: number, confidence = 0.95): NonNullable<RatioEstimate['interval']> {
  return { low, high, halfWidth: (high - low) / 2, confidence };
}

function verdict(ratio: RatioEstimate, overrides: Partial<VerdictInput> = {}): string {
  return formatVerdict({
    baselineName: 'a',
    alternativeName: 'b',
    wording: { kind: 'count', noun: 'context-switches' },
    ratio,
    pValue: 0.007,
    isSignificant: true,
    isMeaningful: true,
    isLarger: (ratio.ratio ?? 1) > 1,
    ...overrides,
  });
}

describe('formatVerdict: a large factor', () => {
  it('from 100× on, as many digits as the ratio beside it: 503× ± 7 beside 503×, not 502.5× ± 6.5 (a QA pass)', () => {
    expect(verdict({ ratio: 502.5, scale: 'log', interval: interval(496.1, 509.0) }, { wording: { kind: 'time' } })).toBe('b is 503× ± 6 slower; p = 0.007');
    expect(formatRatioNumber(502.5)).toBe('503');
    // a ± under 1 still gets its digit
    expect(verdict({ ratio: 502.5, scale: 'log', interval: interval(502.2, 502.8) }, { wording: { kind: 'time' } })).toBe('b is 502.5× ± 0.3 slower; p = 0.007');
    expect(verdict({ ratio: 150, scale: 'log', interval: null }, { wording: { kind: 'time' } })).toMatch(/^b is 150× slower/);
  });

  it('groups its thousands as the ratio line does: 7,260× ± 873, not 7257.6× ± 872.9', () => {
    expect(verdict({ ratio: 7257.6, scale: 'log', interval: interval(6384.7, 8130.5) }, { wording: { kind: 'time' } })).toMatch(/^b is 7,260× ± 873 slower; p = 0\.007$/);
  });
});

describe('formatVerdict: a narrow interval', () => {
  it('gives its ± a digit that is not 0: 1.9970× ± 0.0002, not 1.997× ± 0.000 (a QA pass)', () => {
    expect(verdict({ ratio: 1.997, scale: 'log', interval: interval(1.9968, 1.9972) }, { wording: { kind: 'time' } })).toBe('b is 1.9970× ± 0.0002 slower; p = 0.007');
  });
});

describe('isNearlySymmetric', () => {
  it('takes an interval whose ± ends land within 10% of the half-width of its own ends', () => {
    expect(isNearlySymmetric(2, 1.5, 2.5)).toBe(true);
    expect(isNearlySymmetric(8, 8, 8)).toBe(true);
    // 3.10 in 2.81–3.43: 3.10 ± 0.31 ends 0.02 from either end, under 0.031
    expect(isNearlySymmetric(3.1, 2.81, 3.43)).toBe(true);
  });

  it('refuses a lopsided one: 1.9 in 1.13–3.16 (compare -v, context-switches, issue from QA)', () => {
    expect(isNearlySymmetric(1.9, 1.13, 3.16)).toBe(false);
    expect(isNearlySymmetric(5.04, 3.74, 6.8)).toBe(false);
  });
});

describe('formatRatioNumber', () => {
  it('gives three significant digits, grouped thousands and ∞, never 1 for a value other than 1 when asked', () => {
    expect(formatRatioNumber(3.1623)).toBe('3.16');
    expect(formatRatioNumber(0.9996)).toBe('1.00');
    expect(formatRatioNumber(1.0004, true)).toBe('1.0004');
    expect(formatRatioNumber(20546.1)).toBe('20,500');
    expect(formatRatioNumber(Infinity)).toBe('∞');
  });

  // A QA pass: --verbose read "1.01× (99% CI 1.01–1.01)" for 1.00765–1.01158, and "1.00–1.00" for an interval excluding 1
  it('writes an interval\'s ends to as many digits as tell them apart, and neither as 1 when it is not', () => {
    expect(formatBounds(1.00765, 1.01158)).toBe('1.008–1.012');
    expect(formatBounds(1.0003, 1.0009)).toBe('1.0003–1.001');
    expect(formatBounds(2.1, 3.4)).toBe('2.10–3.40');
    expect(formatBounds(1.5, 1.5)).toBe('1.50–1.50');
    expect(formatBounds(0, Infinity)).toBe('0.00–∞');
  });
});

describe('formatVerdict: the factor and its interval', () => {
  it('gives the interval itself where it is lopsided around the factor, not a ± that reads as "maybe fewer"', () => {
    const text = verdict({ ratio: 1.9, scale: 'log', interval: interval(1.13, 3.16) });
    expect(text).toBe('b has 1.90× (95% CI 1.13–3.16) more context-switches; p = 0.007');
  });

  it('keeps the ± where the interval is close to symmetric', () => {
    expect(verdict({ ratio: 2, scale: 'log', interval: interval(1.9, 2.1) })).toBe('b has 2.0× ± 0.1 more context-switches; p = 0.007');
  });

  it('says the confidence the metric was tested at (Holm), not always 95%', () => {
    expect(verdict({ ratio: 5.04, scale: 'log', interval: interval(3.74, 6.8, 1 - 0.05 / 3) })).toBe('b has 5.04× (98.33% CI 3.74–6.80) more context-switches; p = 0.007');
  });

  it('inverts the interval with the factor ("less"), and ends it at ∞ when it reaches zero', () => {
    const wording = { kind: 'amount', noun: 'system CPU time' } as const;
    // B/A = 1/7.1 in 0.025–0.47: A/B = 7.1 in 2.13–40, lopsided (7.1 ± 18.9 before)
    const inverted = verdict({ ratio: 1 / 7.1, scale: 'linear', interval: interval(0.025, 0.47) }, { wording });
    expect(inverted).toBe('b has 7.10× (95% CI 2.13–40.0) less system CPU time; p = 0.007');
    const unbounded = verdict({ ratio: 1 / 7.1, scale: 'linear', interval: interval(0, 0.47) }, { wording });
    expect(unbounded).toBe('b has 7.10× (95% CI 2.13–∞) less system CPU time; p = 0.007');
  });

  it('never prints a ± whose lower end reaches back to 1 for a significant difference', () => {
    // 1.5 in 1.01–2.03 is symmetric within 10%, but 1.5 ± 0.51 would read as 0.99–2.01: "maybe no more"
    expect(isNearlySymmetric(1.5, 1.01, 2.03)).toBe(true);
    expect(verdict({ ratio: 1.5, scale: 'log', interval: interval(1.01, 2.03) })).toBe('b has 1.50× (95% CI 1.01–2.03) more context-switches; p = 0.007');
  });

  it('on seeded random data: every ± it prints ends within 10% of the half-width of the real interval, above 1; else it prints the interval', () => {
    const random = seededRandom(7);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let plusMinus = 0;
    let intervals = 0;
    for (let trial = 0; trial < 2_000; trial++) {
      const n = 3 + Math.floor(random() * 18);
      const spread = [0.02, 0.1, 0.3, 0.8, 2][trial % 5]!;
      const shift = Math.log([1.05, 1.3, 2, 5][Math.floor(trial / 5) % 4]!) * (trial % 2 === 0 ? 1 : -1);
      const a = Array.from({ length: n }, () => Math.exp(spread * normal()));
      const b = Array.from({ length: n }, () => Math.exp(shift + spread * normal()));
      const comparison = compareRuns({ name: 'a', values: a }, { name: 'b', values: b }, { kind: 'time' });
      if (!comparison.isMeaningful || comparison.ratio.interval === null) continue;
      const { low, high } = comparison.ratio.interval;
      const isLarger = comparison.ratio.ratio! > 1;
      const factor = isLarger ? comparison.ratio.ratio! : 1 / comparison.ratio.ratio!;
      const [shownLow, shownHigh] = isLarger ? [low, high] : [1 / high, 1 / low];
      const halfWidth = (shownHigh - shownLow) / 2;
      const match = / ([\d.]+)× ± ([\d.]+) /.exec(comparison.verdict);
      if (match !== null) {
        plusMinus++;
        expect(Math.abs(factor - halfWidth - shownLow), comparison.verdict).toBeLessThanOrEqual(0.1 * halfWidth + 1e-12);
        expect(Math.abs(factor + halfWidth - shownHigh), comparison.verdict).toBeLessThanOrEqual(0.1 * halfWidth + 1e-12);
        expect(factor - halfWidth, comparison.verdict).toBeGreaterThan(1);
      } else {
        intervals++;
        expect(comparison.verdict).toContain(`(95% CI ${formatRatioNumber(shownLow, true)}–${formatRatioNumber(shownHigh, true)})`);
      }
    }
    // both forms were exercised
    expect(plusMinus).toBeGreaterThan(100);
    expect(intervals).toBeGreaterThan(100);
  });
});

describe("formatVerdict: a baseline whose mean is not clear of 0 (Fieller's set unbounded)", () => {
  const counts = { kind: 'count', noun: 'context-switches' } as const;

  it('gives the lower end of the set, not the ratio of means: nine 0s and a 1 against ten 1s is not "10.0× more" (a QA pass)', () => {
    // `compare -e context-switches -- true "sleep 0.01"` read these and said "sleep 0.01 has 10.0× more
    // context-switches; p < 0.001". By hand: Ā = 0.1, s²A/n = 0.01, B constant, df 9; Holm's 1 − 0.05/3:
    // t = 2.9333; Ā² − t²·0.01 = −0.0760; (ĀB̄ − √((ĀB̄)² + 0.0760·B̄²)) / −0.0760 = 2.542; Welch t = 9, p = 8.5e-6
    const comparison = compareRuns({ name: 'true', values: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }, { name: 'sleep', values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }, counts, {
      testAlpha: 0.05 / 3,
      role: 'secondary',
    });
    expect(comparison.ratio.interval).toBeNull();
    expect(comparison.welch?.pValue).toBeCloseTo(8.538e-6, 8);
    expect(comparison.verdict).toBe("sleep has at least 2.54× more context-switches (98.33% CI 2.54–∞: true's mean context-switches is not clear of 0); p < 0.001");
    // at 95%: t = 2.2622, the end 3.065
    expect(compareRuns({ name: 'a', values: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }, { name: 'b', values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }, counts).verdict).toMatch(/^b has at least 3\.07× more context-switches \(95% CI 3\.07–∞: /);
  });

  it('gives no factor where the data are signed (the set is two rays, no end)', () => {
    const comparison = compareRuns({ name: 'a', values: [-1, 1, 0, 0.5, -0.3] }, { name: 'b', values: [5, 5.1, 4.9, 5, 5] }, { kind: 'amount', noun: 'RAM used' });
    expect(comparison.ratio.interval).toBeNull();
    expect(comparison.verdict).toBe("b has more RAM used than a (a's mean RAM used is not clear of 0: no factor); p < 0.001");
  });

  it("the ratio line (compare -v, the library's compare) leaves the point ratio out as the verdict does (a README pass)", () => {
    // it read 'b / a: 22.6×, p < 0.001: b has more RAM used than a (…: no factor)', and the
    // 'at least' line '10.0×, p < 0.001: sleep has at least 2.54× more' without its interval
    const signed = compareRuns({ name: 'a', values: [-1, 1, 0, 0.5, -0.3] }, { name: 'b', values: [5, 5.1, 4.9, 5, 5] }, { kind: 'amount', noun: 'RAM used' });
    expect(comparisonLine(signed)).toBe("b / a: p < 0.001: b has more RAM used than a (a's mean RAM used is not clear of 0: no factor)");
    const atLeast = compareRuns({ name: 'a', values: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }, { name: 'b', values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }, counts);
    // a p inside the verdict's parenthesis is not said twice, and a ratio of 1.005 does not print
    // as '1.00×' beside its interval (it read '1.00× (95% CI 1.004–1.01), p < 0.001: … effect; p < 0.001)')
    const small = compareRuns({ name: 'a', values: [100, 100.1, 99.9, 100, 100.05] }, { name: 'b', values: [100.5, 100.6, 100.4, 100.5, 100.55] }, { kind: 'time' });
    expect(comparisonLine(small)).toBe('b / a: 1.005× (95% CI 1.004–1.01), p < 0.001: no meaningful difference (0.5%, under the 1% minimum effect)');
    expect(comparisonLine(atLeast)).toBe("b / a: p < 0.001: b has at least 3.07× more context-switches (95% CI 3.07–∞: a's mean context-switches is not clear of 0)");
  });

  // A review of 19f15ed: a p the verdict keeps beside Holm's alpha was said twice, 'p = 0.036: no
  // significant difference (p = 0.036 > α 0.0125, Holm-corrected)'
  it('the ratio line says a p the verdict keeps beside its Holm-corrected alpha once, there', () => {
    const a = { name: 'a', values: [10, 11, 9, 10.5, 9.5, 10.2] };
    const b = { name: 'b', values: [11, 12, 10, 11.5, 10.5, 11.2] };
    const corrected = compareRuns(a, b, { kind: 'amount', noun: 'RAM used' }, { testAlpha: 0.0125, role: 'secondary' });
    expect(corrected.verdict).toBe('no significant difference (p = 0.036 > α 0.0125, Holm-corrected)');
    expect(comparisonLine(corrected)).toBe('b / a: 1.10× (98.75% CI 0.976–1.24): no significant difference (p = 0.036 > α 0.0125, Holm-corrected)');
  });
});

describe('formatVerdict: a p-value close to the alpha it was tested at', () => {
  // A QA pass: p = 0.0499 printed "p = 0.050" beside "slower", the figure a p of 0.0502 printed
  // beside "no significant difference": one printed p, two verdicts
  it('gives a significant p as many decimals as keep it under its alpha, in the verdict and in the ratio line', () => {
    const time = compareRuns({ name: 'a', values: [10, 11, 9, 10] }, { name: 'b', values: [10.5, 11, 12, 12.5] }, { kind: 'time' });
    expect(time.welch?.pValue).toBeCloseTo(0.049875, 5);
    expect(time.verdict).toBe('b is 1.15× (95% CI 1.0001–1.32) slower; p = 0.0499');
    expect(comparisonLine(time)).toBe('b / a: 1.15× (95% CI 1.0001–1.32), p = 0.0499: b is 1.15× slower');
    // a p not under its alpha keeps its three decimals: 0.050 is not under 0.05
    expect(formatPValue(0.0502, 0.05)).toBe('p = 0.050');
    // a Holm step's alpha: 0.0166 under 0.05 / 3, where three decimals read 0.017
    expect(formatPValue(0.0166, 0.05 / 3)).toBe('p = 0.0166');
    expect([formatPValue(0.012, 0.05), formatPValue(0.42, 0.05), formatPValue(0.0004, 0.05)]).toEqual(['p = 0.012', 'p = 0.42', 'p < 0.001']);
  });

  // A QA pass (a simulation of thousands of comparisons near the edge): one more run of 12.128463
  // put p 4e-10 under alpha and the interval's low end 3e-10 above 1, and the verdict read
  // "slower" beside "CI 1.000000–1.30": seven digits were all that a value other than 1 got
  it('prints an interval\'s end that is not 1, however close, as other than 1 beside a difference', () => {
    const time = compareRuns({ name: 'a', values: [10, 11, 9, 10] }, { name: 'b', values: [10.5, 11, 12, 12.128463] }, { kind: 'time' });
    expect(time.isSignificant).toBe(true);
    const low = /95% CI ([\d.]+)–/.exec(time.verdict)?.[1];
    expect(time.verdict).toMatch(/ slower; /);
    expect(Number(low)).toBeGreaterThan(1);
    expect(formatRatioNumber(1.0000000003116676, true)).toBe('1.0000000003');
    expect(Number(formatRatioNumber(1 + Number.EPSILON, true))).toBeGreaterThan(1);
  });

  // The same: 12.12846293 put p 3e-12 under alpha, and ten decimals printed "p = 0.0500000000" beside "slower"
  it('prints a significant p however close to its alpha as under it', () => {
    const time = compareRuns({ name: 'a', values: [10, 11, 9, 10] }, { name: 'b', values: [10.5, 11, 12, 12.12846293] }, { kind: 'time' });
    expect(time.isSignificant).toBe(true);
    expect(Number(/p = ([\d.]+)/.exec(time.verdict)?.[1])).toBeLessThan(0.05);
    expect(Number(/p = ([\d.]+)/.exec(formatPValue(0.05 - 2 ** -57, 0.05))?.[1])).toBeLessThan(0.05);
  });
});
