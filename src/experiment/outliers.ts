import { median } from 'simple-statistics';

/**
 * Modified z-score above which a run is an outlier: hyperfine's threshold, ten robust standard
 * deviations from the median, far above the usual 3.5 (Iglewicz and Hoaglin), so that only runs
 * something else clearly interfered with count, not the ordinary spread of a busy machine.
 * hyperfine writes it 1.4826 × 10 because its scores are (x − median) / MAD; these are 0.6745 ×
 * that (0.6745 = 1 / 1.4826), so its threshold here is 10. At 14 a run had to lie 20.8 MADs out,
 * not hyperfine's 14.8: hyperfine's own test samples [-0.2, 0, 0.2, 4] and [0.5, 0.3, 0.29, 0.31,
 * 0.3] had no outlier, and compare said nothing of runs hyperfine warns of (a QA pass).
 */
export const OUTLIER_THRESHOLD = 10;

/**
 * Modified z-scores, 0.6745·(x − median) / MAD, robust to the outliers they look for. When the MAD
 * is 0 (most runs equal, common for counts) the mean absolute deviation scaled by 1.2533 stands
 * in for it; when that is 0 too every score is 0.
 * @example modifiedZScores([10, 11, 10, 12, 11, 90]) // [-0.67, 0, -0.67, 0.67, 0, 53.3]
 */
export function modifiedZScores(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const center = median(values as number[]);
  const deviations = values.map((value) => Math.abs(value - center));
  const mad = median(deviations);
  if (mad > 0) return values.map((value) => (0.6745 * (value - center)) / mad);
  const meanDeviation = deviations.reduce((sum, deviation) => sum + deviation, 0) / values.length;
  if (meanDeviation === 0) return values.map(() => 0);
  return values.map((value) => (value - center) / (1.2533 * meanDeviation));
}

/** How many runs lie beyond OUTLIER_THRESHOLD; 0 under three runs (no robust center to judge from). */
export function countOutliers(values: readonly number[], threshold = OUTLIER_THRESHOLD): number {
  return outlierIndexes(values, threshold).length;
}

/** The indexes of the runs beyond OUTLIER_THRESHOLD; none under three runs. */
export function outlierIndexes(values: readonly number[], threshold = OUTLIER_THRESHOLD): number[] {
  if (values.length < 3) return [];
  return modifiedZScores(values).flatMap((score, index) => (Math.abs(score) > threshold ? [index] : []));
}
