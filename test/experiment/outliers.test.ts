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
  it('uses hyperfine’s threshold, ten robust σ (its 1.4826 × 10 MADs), so ordinary spread is not flagged', () => {
    expect(OUTLIER_THRESHOLD).toBe(10);
    // 12 ms ± a little, and one run at 25 ms while something else ran.
    const times = [0.0121, 0.0119, 0.0124, 0.0122, 0.012, 0.0118, 0.0123, 0.0121, 0.0125, 0.025];
    expect(countOutliers(times)).toBe(1);
    expect(countOutliers(times.slice(0, 9))).toBe(0);
    // A wide but ordinary spread (lognormal-looking) has none.
    expect(countOutliers([10, 12, 9, 14, 11, 13, 10.5, 15, 9.5, 12.5])).toBe(0);
  });

  // A QA pass: the threshold was 14 on these scores, 20.8 MADs, where hyperfine's is 14.8 MADs;
  // hyperfine's own test samples (src/outlier_detection.rs) had no outlier
  it('flags what hyperfine flags in its own test samples, and nothing it does not', () => {
    expect(countOutliers([-0.2, 0.0, 0.2])).toBe(0);
    expect(countOutliers([-0.2, 0.0, 0.2, 4.0])).toBe(1);
    expect(countOutliers([0.5, 0.3, 0.29, 0.31, 0.3])).toBe(1);
    const normal = [2.33269488, 1.42195907, -0.57527698, -0.31293437, 2.2948158, 0.75813273, -1.0712388, -0.96394741, -1.15897446, 1.10976285];
    expect(countOutliers(normal)).toBe(0);
    expect(countOutliers([...normal, 20.0, -500.0])).toBe(2);
    // one run 16 MADs from the median is beyond hyperfine's 14.8; one 14 MADs out is not
    expect(countOutliers([10, 11, 10, 12, 11, 10, 11, 12, 10, 27])).toBe(1);
    expect(countOutliers([10, 11, 10, 12, 11, 10, 11, 12, 10, 25])).toBe(0);
  });

  it('needs three runs', () => {
    expect(countOutliers([1, 100])).toBe(0);
  });
});
