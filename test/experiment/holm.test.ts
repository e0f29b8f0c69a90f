import { describe, expect, it } from 'vitest';
import { holmTestAlphas } from '../../src/experiment/holm.ts';

/** Holm's adjusted p-values, written out independently: p(k) · (m − k + 1), running max, cut at 1. */
function holmAdjusted(pValues: readonly number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted: number[] = [];
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, p * (pValues.length - rank)));
    adjusted[index] = running;
  });
  return adjusted;
}

describe('holmTestAlphas', () => {
  it('tests the smallest p at alpha/m, the next at alpha/(m − 1), and stops at the first it keeps', () => {
    const alphas = holmTestAlphas([0.01, 0.04, 0.03], 0.05);
    expect(alphas[0]).toBeCloseTo(0.05 / 3, 15);
    // 0.03 is tested at 0.025 and kept; 0.04 after it is tested at that same step.
    expect(alphas[1]).toBeCloseTo(0.025, 15);
    expect(alphas[2]).toBeCloseTo(0.025, 15);
  });

  it('leaves untested metrics out of the family', () => {
    expect(holmTestAlphas([null, 0.001, null, 0.2], 0.05)).toEqual([null, 0.025, null, 0.05]);
    expect(holmTestAlphas([], 0.05)).toEqual([]);
  });

  it('rejects exactly what Holm’s adjusted p-values reject (2,000 random families)', () => {
    let state = 12345;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    let rejected = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const m = 1 + Math.floor(random() * 8);
      const pValues = Array.from({ length: m }, () => random() ** 3 * 0.2);
      const alphas = holmTestAlphas(pValues, 0.05);
      const adjusted = holmAdjusted(pValues);
      pValues.forEach((p, index) => {
        expect(p < alphas[index]!).toBe(adjusted[index]! < 0.05);
        if (p < alphas[index]!) rejected++;
      });
    }
    expect(rejected).toBeGreaterThan(500);
  });
});
