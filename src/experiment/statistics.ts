import { max, mean, median, min, sampleVariance } from 'simple-statistics';
import { studentTQuantile, studentTTwoSidedP } from './student-t.ts';
import { formatVerdict, type MetricWording } from './verdict.ts';

/**
 * The smallest difference of two means a metric's measurement can tell, in the metric's unit, and
 * why, for the verdict: "under the 10 ms tick that splits CPU time into user and system".
 */
export interface MetricResolution {
  readonly amount: number;
  /** Ends the verdict's "under the …". */
  readonly reason: string;
}

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

/**
 * Where a ratio is tested and its interval taken. `log`: every value of both samples is > 0, so
 * Welch's test runs on ln(values) and the interval is exp(difference of log means ± t·se): it
 * cannot go below 0 and the ratio is of geometric means. `linear`: some value is ≤ 0 (a count of
 * 0, RAM given back), so Welch runs on the values and the interval is Fieller's for the ratio of
 * means, the set of ratios the same test does not reject.
 */
export type RatioScale = 'log' | 'linear';

/** Ratio B / A with its confidence interval, on the scale of its test (see RatioScale). */
export interface RatioEstimate {
  /** log: geometric mean B / geometric mean A; linear: mean B / mean A. null when A's is 0 or a sample is empty. */
  readonly ratio: number | null;
  readonly scale: RatioScale;
  /**
   * null when a sample has fewer than two runs (its variance is unknown), ratio is null, Fieller's
   * set is unbounded (A's mean is not clear of zero), or the metric is not tested (a rate).
   * It excludes 1 exactly when the comparison is significant.
   */
  readonly interval: {
    readonly low: number;
    readonly high: number;
    /** (high − low) / 2, printed as "±"; 0 when both samples are constant. */
    readonly halfWidth: number;
    /** 1 − the alpha the metric was tested at, e.g. 0.95; higher after Holm's correction. */
    readonly confidence: number;
  } | null;
}

/**
 * How a metric enters the verdicts of one comparison. `primary` (time): tested at alpha.
 * `secondary`: tested at alpha with Holm's correction over the secondary metrics of the comparison.
 * `rate`: a per-second rate, total ÷ time, only mirrors time and gets no test or verdict of its own.
 */
export type MetricRole = 'primary' | 'secondary' | 'rate';

/** Everything `compare` says about one metric of B against A. */
export interface Comparison {
  readonly baselineName: string;
  readonly alternativeName: string;
  readonly baseline: RunSummary;
  readonly alternative: RunSummary;
  readonly ratio: RatioEstimate;
  /** On ratio.scale; null when either sample has fewer than two runs or the metric is a rate. */
  readonly welch: WelchTest | null;
  /** welch.pValue < testAlpha; false when the test could not run. Agrees with the interval excluding 1. */
  readonly isSignificant: boolean;
  /** Significant and at least `minimumEffect` apart: what the verdict calls a difference. */
  readonly isMeaningful: boolean;
  /** The family's alpha, e.g. 0.05. */
  readonly alpha: number;
  /** The alpha this metric was tested at: alpha for time, Holm's step for the others. */
  readonly testAlpha: number;
  readonly role: MetricRole;
  /** Smallest relative difference called meaningful, e.g. 0.01 for 1% (or the noise floor's spread). */
  readonly minimumEffect: number;
  /** Smallest difference of the means called meaningful, in the metric's unit; 0 for most metrics (see MetricInfo.resolution). */
  readonly minimumDifference: number;
  /** e.g. "col is 3.1× ± 0.2 slower; p < 0.001" */
  readonly verdict: string;
}

/** Named runs of one alternative. */
export interface Alternative {
  readonly name: string;
  readonly values: readonly number[];
}

/** The smallest relative difference a verdict calls a difference when nothing else says more. */
export const DEFAULT_MINIMUM_EFFECT = 0.01;

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

/** The parts of Welch's test that its interval needs too. */
interface WelchParts {
  readonly difference: number;
  readonly squaredErrorA: number;
  readonly squaredErrorB: number;
  readonly df: number | null;
}

function welchParts(baseline: readonly number[], alternative: readonly number[]): WelchParts {
  const squaredErrorA = varianceOf(baseline) / baseline.length;
  const squaredErrorB = varianceOf(alternative) / alternative.length;
  const squaredError = squaredErrorA + squaredErrorB;
  const df =
    squaredError === 0
      ? null
      : (squaredError * squaredError) /
        ((squaredErrorA * squaredErrorA) / (baseline.length - 1) + (squaredErrorB * squaredErrorB) / (alternative.length - 1));
  return { difference: meanOf(alternative) - meanOf(baseline), squaredErrorA, squaredErrorB, df };
}

/** Welch's t-test on the values as given; null when either sample has fewer than two runs. */
export function welchTTest(baseline: readonly number[], alternative: readonly number[]): WelchTest | null {
  if (baseline.length < 2 || alternative.length < 2) return null;
  const { difference, squaredErrorA, squaredErrorB, df } = welchParts(baseline, alternative);
  if (df === null) return difference === 0 ? { t: 0, df: null, pValue: 1 } : { t: null, df: null, pValue: 0 };
  const t = difference / Math.sqrt(squaredErrorA + squaredErrorB);
  return { t, df, pValue: studentTTwoSidedP(t, df) };
}

/** `log` when every value of both samples is > 0 (see RatioScale). */
export function ratioScaleOf(baseline: readonly number[], alternative: readonly number[]): RatioScale {
  return baseline.every((value) => value > 0) && alternative.every((value) => value > 0) ? 'log' : 'linear';
}

const logs = (values: readonly number[]): number[] => values.map(Math.log);

/** Welch's test of B against A on the ratio's scale: on ln(values) when all are > 0. */
export function ratioTest(baseline: readonly number[], alternative: readonly number[]): WelchTest | null {
  return ratioScaleOf(baseline, alternative) === 'log' ? welchTTest(logs(baseline), logs(alternative)) : welchTTest(baseline, alternative);
}

function makeInterval(low: number, high: number, confidence: number): NonNullable<RatioEstimate['interval']> {
  return { low, high, halfWidth: (high - low) / 2, confidence };
}

/**
 * B / A with a confidence interval that excludes 1 exactly when `ratioTest` rejects at
 * 1 − confidence (same t, same Welch–Satterthwaite df). On the log scale: exp(d ± t·se) around
 * exp(d), d the difference of log means. On the linear scale: Fieller's interval
 * {θ : (B̄ − θĀ)² ≤ t²(s²B/nB + θ²s²A/nA)}, cut at 0 when no value is negative, and none when the
 * set is unbounded.
 */
export function ratioInterval(baseline: readonly number[], alternative: readonly number[], confidence = 0.95): RatioEstimate {
  const scale = ratioScaleOf(baseline, alternative);
  if (baseline.length === 0 || alternative.length === 0) return { ratio: null, scale, interval: null };
  if (scale === 'log') {
    const parts = welchParts(logs(baseline), logs(alternative));
    // Two constant samples: their exact quotient, not exp(ln b − ln a) with its last-digit rounding.
    const ratio = isConstant(baseline) && isConstant(alternative) ? alternative[0]! / baseline[0]! : Math.exp(parts.difference);
    if (baseline.length < 2 || alternative.length < 2) return { ratio, scale, interval: null };
    if (parts.df === null) return { ratio, scale, interval: makeInterval(ratio, ratio, confidence) };
    const margin = studentTQuantile(1 - (1 - confidence) / 2, parts.df) * Math.sqrt(parts.squaredErrorA + parts.squaredErrorB);
    return { ratio, scale, interval: makeInterval(Math.exp(parts.difference - margin), Math.exp(parts.difference + margin), confidence) };
  }
  const meanA = meanOf(baseline);
  const meanB = meanOf(alternative);
  // Means of opposite signs (RAM used: one freed, one grew) have no factor between them: -1.01×
  // read as "about the same", and its effect as under the minimum. Nor have two below 0: B/A = 3
  // for 3 MiB freed against 1 read "3.0× more RAM used", of the one that used less.
  if (meanA === 0 || hasOppositeSigns(meanA, meanB) || areBothNegative(meanA, meanB)) return { ratio: null, scale, interval: null };
  const ratio = meanB / meanA;
  if (baseline.length < 2 || alternative.length < 2) return { ratio, scale, interval: null };
  const parts = welchParts(baseline, alternative);
  if (parts.df === null) return { ratio, scale, interval: makeInterval(ratio, ratio, confidence) };
  const tSquared = studentTQuantile(1 - (1 - confidence) / 2, parts.df) ** 2;
  // aθ² − 2bθ + c ≤ 0 with a > 0 is a bounded interval; a ≤ 0 (Ā within t·se of 0) is not.
  const a = meanA * meanA - tSquared * parts.squaredErrorA;
  if (!(a > 0)) return { ratio, scale, interval: null };
  const b = meanA * meanB;
  const root = Math.sqrt(Math.max(0, b * b - a * (meanB * meanB - tSquared * parts.squaredErrorB)));
  const floor = baseline.every((value) => value >= 0) && alternative.every((value) => value >= 0) ? 0 : -Infinity;
  return { ratio, scale, interval: makeInterval(Math.max(floor, (b - root) / a), (b + root) / a, confidence) };
}

/**
 * Where Fieller's set is unbounded (A's mean is not clear of zero, so no interval) yet B's is clear
 * of it and no value is negative: the set is [low, ∞), and this is low, the smallest ratio the test
 * does not reject at 1 − confidence; null anywhere else (signed data get two rays, no such end).
 * Nine 0s and a 1 against ten 1s: a ratio of 10 that could as well be 3 or 1000.
 * @example unboundedRatioLow([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) // 3.07
 */
export function unboundedRatioLow(baseline: readonly number[], alternative: readonly number[], confidence = 0.95): number | null {
  if (ratioScaleOf(baseline, alternative) !== 'linear' || baseline.length < 2 || alternative.length < 2) return null;
  if (!baseline.every((value) => value >= 0) || !alternative.every((value) => value >= 0)) return null;
  const meanA = meanOf(baseline);
  const meanB = meanOf(alternative);
  const parts = welchParts(baseline, alternative);
  if (meanA <= 0 || parts.df === null) return null;
  const tSquared = studentTQuantile(1 - (1 - confidence) / 2, parts.df) ** 2;
  const a = meanA * meanA - tSquared * parts.squaredErrorA;
  const c = meanB * meanB - tSquared * parts.squaredErrorB;
  // a < 0 < c: aθ² − 2bθ + c ≤ 0 outside its roots, one below 0 and one above; the one above is the end
  if (!(a < 0) || !(c > 0)) return null;
  const b = meanA * meanB;
  return (b - Math.sqrt(b * b - a * c)) / a;
}

/** One mean below 0 and the other above it. */
export function hasOppositeSigns(meanA: number, meanB: number): boolean {
  return (meanA < 0 && meanB > 0) || (meanA > 0 && meanB < 0);
}

/** Both means below 0 (RAM used where both gave memory back; an in-process count net of the empty batch's). */
export function areBothNegative(meanA: number, meanB: number): boolean {
  return meanA < 0 && meanB < 0;
}

/** How far apart B and A are as a fraction: 0.5 for 1.5× or for 1/1.5×; Infinity when one is 0. */
export function relativeEffect(ratio: number): number {
  if (ratio === 0) return Infinity;
  return Math.max(ratio, 1 / ratio) - 1;
}

export interface CompareOptions {
  /** The family's alpha. */
  readonly alpha?: number;
  /** The alpha this metric is tested at (Holm's step for a secondary metric); default alpha. */
  readonly testAlpha?: number;
  readonly role?: MetricRole;
  /** Smallest relative difference called meaningful; default DEFAULT_MINIMUM_EFFECT. */
  readonly minimumEffect?: number;
  /** Smallest difference of the means called meaningful, and why (the metric's resolution); default none. */
  readonly resolution?: MetricResolution;
}

/**
 * Compares alternative B against baseline A for one metric: summaries, ratio with an interval
 * at 1 − testAlpha, Welch's test on the same scale, and a one-line verdict. Never produces NaN.
 * @example compareRuns({ name: 'row', values: [1, 1.1, 0.9] }, { name: 'col', values: [3, 3.2, 3.1] }, { kind: 'time' })
 *   // verdict: "col is 3.1× ± 0.3 slower; p < 0.001"
 */
export function compareRuns(baseline: Alternative, alternative: Alternative, wording: MetricWording, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const testAlpha = options.testAlpha ?? alpha;
  const role = options.role ?? 'primary';
  const minimumEffect = options.minimumEffect ?? DEFAULT_MINIMUM_EFFECT;
  const isRate = role === 'rate';
  const welch = isRate ? null : ratioTest(baseline.values, alternative.values);
  const estimate = ratioInterval(baseline.values, alternative.values, 1 - testAlpha);
  const ratio = isRate ? { ...estimate, interval: null } : estimate;
  const isSignificant = welch !== null && welch.pValue < testAlpha;
  const baselineSummary = summarizeRuns(baseline.values);
  const alternativeSummary = summarizeRuns(alternative.values);
  const minimumDifference = options.resolution?.amount ?? 0;
  // A mean of 0 leaves no ratio to weigh: only the resolution can say the difference is too small to tell.
  const isWithinResolution = Math.abs((alternativeSummary.mean ?? 0) - (baselineSummary.mean ?? 0)) < minimumDifference;
  const isMeaningful = isSignificant && !isWithinResolution && (ratio.ratio === null || relativeEffect(ratio.ratio) >= minimumEffect);
  const unboundedLow = !isRate && ratio.interval === null ? unboundedRatioLow(baseline.values, alternative.values, 1 - testAlpha) : null;
  const verdict = formatVerdict({
    baselineName: baseline.name,
    alternativeName: alternative.name,
    wording,
    ratio,
    pValue: welch?.pValue ?? null,
    isSignificant,
    isMeaningful,
    isRate,
    alpha,
    testAlpha,
    minimumEffect,
    resolutionReason: isWithinResolution ? options.resolution?.reason : undefined,
    // The direction of the tested ratio (geometric means on the log scale), else of the means.
    isLarger: ratio.ratio !== null && ratio.ratio !== 0 ? ratio.ratio > 1 : (alternativeSummary.mean ?? 0) > (baselineSummary.mean ?? 0),
    hasOppositeSigns: hasOppositeSigns(baselineSummary.mean ?? 0, alternativeSummary.mean ?? 0),
    areBothNegative: areBothNegative(baselineSummary.mean ?? 0, alternativeSummary.mean ?? 0),
    unboundedLow,
  });
  return {
    baselineName: baseline.name,
    alternativeName: alternative.name,
    baseline: baselineSummary,
    alternative: alternativeSummary,
    ratio,
    welch,
    isSignificant,
    isMeaningful,
    alpha,
    testAlpha,
    role,
    minimumEffect,
    minimumDifference,
    verdict,
  };
}
