import { describe, expect, it } from 'vitest';
import { countOutliers, modifiedZScores, OUTLIER_THRESHOLD } from '../../src/experiment/outliers.ts';

describe('modifiedZScores', () => {
  it('scores 0.6745·(x − median)/MAD', () => {
    const scores = modifiedZScores([10, 11, 10, 12, 11, 90]);
    expect(scores.map((score) => Number(score.toFixed(3)))).toEqual([-0.674, 0, -0.674, 0.674, 0, 53.285]);
  });

  it('falls back to the mean absolute deviation when the MAD is 0, and to 0 for a constant sample', () => {
    const scores = modifiedZScores([5, 5, 5, 5, 5, 5, 5, 9]);
    // median 5, MAD 0, mean absolute deviation 0.5: (9 − 5) / (1.2533 · 0.5)
    expect(scores[7]).toBeCloseTo(4 / (1.2533 * 0.5), 10);
    expect(modifiedZScores([3, 3, 3])).toEqual([0, 0, 0]);
  });
});

describe('countOutliers', () => {
  it('uses hyperfine’s threshold of 14, so ordinary spread is not flagged', () => {
    expect(OUTLIER_THRESHOLD).toBe(14);
    // 12 ms ± a little, and one run at 25 ms while something else ran.
    const times = [0.0121, 0.0119, 0.0124, 0.0122, 0.012, 0.0118, 0.0123, 0.0121, 0.0125, 0.025];
    expect(countOutliers(times)).toBe(1);
    expect(countOutliers(times.slice(0, 9))).toBe(0);
    // A wide but ordinary spread (lognormal-looking) has none.
    expect(countOutliers([10, 12, 9, 14, 11, 13, 10.5, 15, 9.5, 12.5])).toBe(0);
  });

  it('needs three runs', () => {
    expect(countOutliers([1, 100])).toBe(0);
  });
});
