import { max, mean, median, min, sampleVariance } from 'simple-statistics';
import { studentTQuantile, studentTTwoSidedP } from './student-t.ts';
import { formatVerdict, type MetricWording } from './verdict.ts';

/** The runs of one metric for one alternative, in the metric's own unit. */
export interface RunSummary {
  readonly n: number;
  /** null when n = 0. */
  readonly mean: number | null;
  readonly median: number | null;
  /** Sample standard deviation (n − 1); null when n < 2, never NaN. */
  readonly stdDev: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** Welch's unequal-variances t-test of alternative B against baseline A. */
export interface WelchTest {
  /**
   * (mean B − mean A) / standard error: positive when B is larger. null when the standard error is
   * zero (both samples constant) and the means differ: t is infinite, and JSON cannot hold that.
   */
  readonly t: number | null;
  /** Welch–Satterthwaite degrees of freedom; null when both samples are constant (0/0). */
  readonly df: number | null;
  /** Two-sided p-value. Both samples constant: 1 when the means are equal, 0 when they differ. */
  readonly pValue: number;
}

/** Ratio of means B / A with its confidence interval, by the delta method (see ratioOfMeans). */
export interface RatioEstimate {
  /** mean B / mean A; null when mean A is 0 or a sample is empty. */
  readonly ratio: number | null;
  /** The interval; null when a sample has fewer than two runs (its variance is unknown) or ratio is null. */
  readonly interval: {
    readonly low: number;
    readonly high: number;
    /** (high − low) / 2; 0 when both samples are constant. */
    readonly halfWidth: number;
    /** e.g. 0.95 */
    readonly confidence: number;
  } | null;
}

/** Everything `compare` says about one metric of B against A. */
export interface Comparison {
  readonly baselineName: string;
  readonly alternativeName: string;
  readonly baseline: RunSummary;
  readonly alternative: RunSummary;
  readonly ratio: RatioEstimate;
  /** null when either sample has fewer than two runs. */
  readonly welch: WelchTest | null;
  /** welch.pValue < alpha; false when the test could not run. */
  readonly isSignificant: boolean;
  readonly alpha: number;
  /** e.g. "col is 3.1× ± 0.2 slower; p < 0.001" */
  readonly verdict: string;
}

/** Named runs of one alternative. */
export interface Alternative {
  readonly name: string;
  readonly values: readonly number[];
}

// A constant sample gets exactly zero variance and its own value as mean, so that identical
// alternatives compare as exactly equal instead of as rounding noise over a zero standard error.
function isConstant(values: readonly number[]): boolean {
  return values.every((value) => value === values[0]);
}

function meanOf(values: readonly number[]): number {
  return isConstant(values) ? values[0]! : mean(values as number[]);
}

function varianceOf(values: readonly number[]): number {
  return isConstant(values) ? 0 : sampleVariance(values as number[]);
}

/**
 * n, mean, median, σ, min and max of a metric's runs.
 * @example summarizeRuns([1, 2, 3]) // { n: 3, mean: 2, median: 2, stdDev: 1, min: 1, max: 3 }
 */
export function summarizeRuns(values: readonly number[]): RunSummary {
  const n = values.length;
  if (n === 0) return { n, mean: null, median: null, stdDev: null, min: null, max: null };
  const copy = values as number[];
  return {
    n,
    mean: meanOf(values),
    median: median(copy),
    stdDev: n < 2 ? null : Math.sqrt(varianceOf(values)),
    min: min(copy),
    max: max(copy),
  };
}

/** Welch's t-test; null when either sample has fewer than two runs. */
export function welchTTest(baseline: readonly number[], alternative: readonly number[]): WelchTest | null {
  if (baseline.length < 2 || alternative.length < 2) return null;
  const difference = meanOf(alternative) - meanOf(baseline);
  const squaredErrorA = varianceOf(baseline) / baseline.length;
  const squaredErrorB = varianceOf(alternative) / alternative.length;
  const squaredError = squaredErrorA + squaredErrorB;
  if (squaredError === 0) {
    return difference === 0 ? { t: 0, df: null, pValue: 1 } : { t: null, df: null, pValue: 0 };
  }
  const df =
    (squaredError * squaredError) /
    ((squaredErrorA * squaredErrorA) / (baseline.length - 1) +
      (squaredErrorB * squaredErrorB) / (alternative.length - 1));
  const t = difference / Math.sqrt(squaredError);
  return { t, df, pValue: studentTTwoSidedP(t, df) };
}

/**
 * mean B / mean A with a confidence interval by the delta method on independent samples:
 * Var(B̄/Ā) ≈ Var(B̄)/Ā² + B̄²·Var(Ā)/Ā⁴, with Var(X̄) = s²/n, and a Student t critical value on
 * Welch–Satterthwaite degrees of freedom for those two terms. Chosen over Fieller's theorem because
 * it always gives a finite interval; the two agree when Ā is many standard errors from zero, which
 * is the case for any measurement worth comparing.
 */
export function ratioOfMeans(
  baseline: readonly number[],
  alternative: readonly number[],
  confidence = 0.95,
): RatioEstimate {
  if (baseline.length === 0 || alternative.length === 0) return { ratio: null, interval: null };
  const meanA = meanOf(baseline);
  const meanB = meanOf(alternative);
  if (meanA === 0) return { ratio: null, interval: null };
  const ratio = meanB / meanA;
  if (baseline.length < 2 || alternative.length < 2) return { ratio, interval: null };
  const termB = varianceOf(alternative) / alternative.length / (meanA * meanA);
  const termA = (ratio * ratio * (varianceOf(baseline) / baseline.length)) / (meanA * meanA);
  const variance = termA + termB;
  if (variance === 0) return { ratio, interval: { low: ratio, high: ratio, halfWidth: 0, confidence } };
  const df = (variance * variance) / ((termA * termA) / (baseline.length - 1) + (termB * termB) / (alternative.length - 1));
  const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, df) * Math.sqrt(variance);
  return { ratio, interval: { low: ratio - halfWidth, high: ratio + halfWidth, halfWidth, confidence } };
}

/**
 * Compares alternative B against baseline A for one metric: summaries, ratio of means with a 95%
 * interval, Welch's t-test and a one-line verdict. Never produces NaN.
 * @example compareRuns({ name: 'row', values: [1, 1.1, 0.9] }, { name: 'col', values: [3, 3.2, 3.1] }, { kind: 'time' })
 *   // verdict: "col is 3.1× ± 0.7 slower; p < 0.001"
 */
export function compareRuns(
  baseline: Alternative,
  alternative: Alternative,
  wording: MetricWording,
  { alpha = 0.05 }: { readonly alpha?: number } = {},
): Comparison {
  const welch = welchTTest(baseline.values, alternative.values);
  const ratio = ratioOfMeans(baseline.values, alternative.values, 1 - alpha);
  const isSignificant = welch !== null && welch.pValue < alpha;
  const baselineSummary = summarizeRuns(baseline.values);
  const alternativeSummary = summarizeRuns(alternative.values);
  const verdict = formatVerdict({
    baselineName: baseline.name,
    alternativeName: alternative.name,
    wording,
    ratio,
    pValue: welch?.pValue ?? null,
    isSignificant,
    isLarger: (alternativeSummary.mean ?? 0) > (baselineSummary.mean ?? 0),
  });
  return {
    baselineName: baseline.name,
    alternativeName: alternative.name,
    baseline: baselineSummary,
    alternative: alternativeSummary,
    ratio,
    welch,
    isSignificant,
    alpha,
    verdict,
  };
}
