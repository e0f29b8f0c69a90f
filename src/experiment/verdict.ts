import type { RatioEstimate } from './statistics.ts';

/**
 * How a metric is spoken of: time is "slower"/"faster", a count has "more"/"fewer" of a noun
 * ("D1 misses"), an amount has "more"/"less" of a noun ("peak RSS"), a level is "higher"/"lower"
 * ("miss ratio", "IPC"), a usage is what a program uses "more"/"less" of ("task-clock": CPU time).
 */
export type MetricWording =
  | { readonly kind: 'time' }
  | { readonly kind: 'count'; readonly noun: string }
  | { readonly kind: 'amount'; readonly noun: string }
  | { readonly kind: 'level'; readonly noun: string }
  | { readonly kind: 'usage'; readonly noun: string };

export interface VerdictInput {
  readonly baselineName: string;
  readonly alternativeName: string;
  readonly wording: MetricWording;
  readonly ratio: RatioEstimate;
  /** null when the test could not run (fewer than two runs on a side). */
  readonly pValue: number | null;
  readonly isSignificant: boolean;
  /** Significant and at least minimumEffect apart. */
  readonly isMeaningful: boolean;
  /** A per-second rate: no verdict of its own. */
  readonly isRate?: boolean;
  /** The family's alpha and the one this metric was tested at (Holm); both default 0.05. */
  readonly alpha?: number;
  readonly testAlpha?: number;
  /** Smallest relative difference called meaningful, e.g. 0.01. */
  readonly minimumEffect?: number;
  /** Set when the means are closer than the metric can resolve: why ("10 ms tick that splits …"). */
  readonly resolutionReason?: string | undefined;
  /** mean B > mean A: picks "slower"/"more" over "faster"/"fewer" when the ratio is unknown. */
  readonly isLarger: boolean;
  /** The means have opposite signs (no ratio between them). */
  readonly hasOppositeSigns?: boolean;
  /** Both means are below 0 (no factor between them either). */
  readonly areBothNegative?: boolean;
  /**
   * Where a ratio on the linear scale has no interval (Fieller's set is unbounded: A's mean is not
   * clear of 0), the set's lower end when it is [low, ∞) (statistics.ts unboundedRatioLow); null
   * or absent when it has none.
   */
  readonly unboundedLow?: number | null;
}

const DIRECTION_WORDS: Record<MetricWording['kind'], { readonly larger: string; readonly smaller: string; readonly verb: string }> = {
  time: { larger: 'slower', smaller: 'faster', verb: 'is' },
  count: { larger: 'more', smaller: 'fewer', verb: 'has' },
  amount: { larger: 'more', smaller: 'less', verb: 'has' },
  level: { larger: 'higher', smaller: 'lower', verb: 'has' },
  usage: { larger: 'more', smaller: 'less', verb: 'uses' },
};

/** "1%", "0.05%", "12%": a relative difference for people, to `digits` significant digits (2 by default). */
export function formatPercent(fraction: number, digits = 2): string {
  return `${Number((fraction * 100).toPrecision(digits))}%`;
}

/**
 * A difference and the minimum effect it falls under, each to as few significant digits (2 to 4)
 * as tell them apart: to one or two, 0.96% under 1% read "1%, under the 1%", and 13.3% under
 * 13.4% "13%, under the 13%" (a QA pass).
 * @example percentsUnder(0.0096, 0.01) // ['0.96%', '1%']
 */
export function percentsUnder(apart: number, minimum: number): [string, string] {
  let pair: [string, string] = [formatPercent(apart), formatPercent(minimum)];
  for (let digits = 3; pair[0] === pair[1] && digits <= 4; digits++) pair = [formatPercent(apart, digits), formatPercent(minimum, digits)];
  return pair;
}

/** "α 0.0125": the alpha a Holm step tested at, to three significant digits. */
function formatAlpha(alpha: number): string {
  return `α ${Number(alpha.toPrecision(3))}`;
}

/**
 * "p < 0.001", "p = 0.012", "p = 0.42"; a p under `alpha`, the one it was tested at, with as many
 * more decimals as keep it under: to three, p = 0.0498 read "p = 0.050" beside "slower", the
 * figure p = 0.0502 read beside "no significant difference" (a QA pass).
 * @example formatPValue(0.0498, 0.05) // 'p = 0.0498'
 */
export function formatPValue(pValue: number, alpha?: number): string {
  if (pValue < 0.001) return 'p < 0.001';
  let decimals = pValue < 0.1 ? 3 : 2;
  // up to 20: a double's exact digits, so that no p under alpha prints as alpha (at ten, a p 3e-12
  // under 0.05 read "p = 0.0500000000" beside "slower", a QA pass)
  while (alpha !== undefined && pValue < alpha && Number(pValue.toFixed(decimals)) >= alpha && decimals < 20) decimals++;
  return `p = ${pValue.toFixed(decimals)}`;
}

// As many decimals as the ± needs (one significant digit of it, 1 to 4 decimals: at 3, a spread
// of 0.0002 printed as "1.997× ± 0.000"), and never so few that a real difference prints as "1.0×".
// From 100× on, none where the ± needs none: the ratio beside it has three digits ("503× ± 6"
// beside "503×", not "502.5× ± 6.5", a QA pass).
function decimalsFor(factor: number, halfWidth: number | null): number {
  const fewest = factor >= 100 ? 0 : 1;
  let decimals = halfWidth !== null && halfWidth > 0 ? Math.min(4, Math.max(fewest, -Math.floor(Math.log10(halfWidth)))) : factor < 10 ? 2 : factor < 100 ? 1 : 0;
  while (decimals < 4 && factor.toFixed(decimals) === (1).toFixed(decimals)) decimals++;
  return decimals;
}

/** How far an end of "center ± half-width" may be from the interval's own end, as a fraction of the half-width. */
const SYMMETRY_TOLERANCE = 0.1;

/**
 * Whether "center ± h", h = (high − low) / 2, describes [low, high] honestly: center − h and
 * center + h each lie within 10% of h of low and high. An interval taken on the log scale is
 * lopsided once exponentiated and wide (1.9 in 1.13–3.16), and its ± would read as 1.9 − 1.0,
 * "maybe fewer"; a narrow one (3.10 in 2.81–3.43) reads right as 3.1 ± 0.3.
 * @example isNearlySymmetric(1.9, 1.13, 3.16) // false
 */
export function isNearlySymmetric(center: number, low: number, high: number): boolean {
  const halfWidth = (high - low) / 2;
  // center − h is off from low by exactly as much as center + h is from high: half the sides' difference
  return Math.abs(high - center - (center - low)) / 2 <= SYMMETRY_TOLERANCE * halfWidth;
}

/**
 * Whether "center ± halfWidth", each printed to `decimals`, lies clear of 1 on one side: a
 * significant ratio's ± must not read as reaching back to 1, and 1.0189 ± 0.0186 printed
 * "1.02 ± 0.02", 1.00 to 1.04, beside "slower; p = 0.046" (a QA pass).
 * @example isClearOfOne(1.0189, 0.0186, 2) // false
 */
export function isClearOfOne(center: number, halfWidth: number, decimals: number): boolean {
  const printed = Number(center.toFixed(decimals));
  const spread = Number(halfWidth.toFixed(decimals));
  return Number((printed - spread).toFixed(decimals)) > 1 || Number((printed + spread).toFixed(decimals)) < 1;
}

/**
 * Whether a tested comparison has no point ratio to print: A's mean is not clear of 0 (a linear
 * ratio without its interval), where the verdict gives the lower end or no factor, and the ratio
 * line and the Relative column leave out the point ratio ('228×' beside 'no factor') as it does.
 */
export function isPointRatioLeftOut(comparison: { readonly ratio: RatioEstimate; readonly welch: unknown }): boolean {
  return comparison.ratio.scale === 'linear' && comparison.ratio.interval === null && comparison.welch !== null;
}

/** "95%", "98.75%": an interval's confidence. */
export function formatConfidence(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`;
}

/**
 * A ratio or an interval's end for people: three significant digits, thousands grouped, ∞ for an
 * unbounded end; with `isNotOne`, more digits until a value other than 1 no longer prints as 1.
 * @example formatRatioNumber(3.1623) // '3.16'
 * @example formatRatioNumber(20546.1) // '20,500'
 */
export function formatRatioNumber(value: number, isNotOne = false, leastDigits = 3): string {
  if (value === Infinity) return '∞';
  if (Math.abs(value) >= 1000 && Number.isFinite(value)) return Number(value.toPrecision(3)).toLocaleString('en-US');
  let digits = leastDigits;
  // up to 17, the digits that tell any double from 1: at seven, an interval's end 3e-10 above 1
  // read "95% CI 1.000000–1.30" beside "slower" (a QA pass)
  while (isNotOne && value !== 1 && digits < 17 && Number(value.toPrecision(digits)) === 1) digits++;
  return value.toPrecision(digits);
}

/**
 * An interval's ends, "low–high", each as formatRatioNumber with `isNotOne`, to as many digits as
 * tell them apart: to three, 1.00765–1.01158 read "1.01–1.01", an interval of no width.
 * @example formatBounds(1.00765, 1.01158) // '1.008–1.012'
 */
export function formatBounds(low: number, high: number): string {
  let digits = 3;
  let bounds = [formatRatioNumber(low, true, digits), formatRatioNumber(high, true, digits)];
  while (low !== high && bounds[0] === bounds[1] && digits < 7) {
    digits++;
    bounds = [formatRatioNumber(low, true, digits), formatRatioNumber(high, true, digits)];
  }
  return bounds.join('–');
}

/**
 * "3.1× ± 0.2" from B/A, inverted to A/B when B is the smaller so that the factor reads ≥ 1
 * ("3.1× faster", not "0.32× slower"). Where the interval (inverted too) is lopsided around the
 * factor, as one taken on the log scale is once it is wide, the interval itself instead:
 * "1.89× (95% CI 1.13–3.16)"; an inverted interval that reaches zero ends at ∞.
 */
function formatFactor(ratio: RatioEstimate, isLarger: boolean): string | null {
  if (ratio.ratio === null || ratio.ratio === 0) return null;
  const interval = ratio.interval;
  const factor = isLarger ? ratio.ratio : 1 / ratio.ratio;
  if (interval === null) return `${factor.toFixed(decimalsFor(factor, null))}×`;
  const low = isLarger ? interval.low : 1 / interval.high;
  const high = isLarger ? interval.high : interval.low > 0 ? 1 / interval.low : Infinity;
  // A significant interval lies beyond 1; its ± must not read as reaching back to 1 either.
  if (Number.isFinite(high) && isNearlySymmetric(factor, low, high) && factor - (high - low) / 2 > 1) {
    const halfWidth = (high - low) / 2;
    // thousands as the ratio and interval lines print them ("7,260× ± 873", not "7257.6× ± 872.9")
    if (factor >= 1000) return `${formatRatioNumber(factor)}× ± ${formatRatioNumber(halfWidth)}`;
    let decimals = decimalsFor(factor, halfWidth);
    // printed, the ± must not reach back to 1 either: a digit more, else the interval below
    while (decimals < 3 && !isClearOfOne(factor, halfWidth, decimals)) decimals++;
    if (isClearOfOne(factor, halfWidth, decimals)) return `${factor.toFixed(decimals)}× ± ${halfWidth.toFixed(decimals)}`;
  }
  const bounds = formatBounds(low, high);
  return `${formatRatioNumber(factor, true)}× (${formatConfidence(interval.confidence)} CI ${bounds})`;
}

/**
 * The plain-language verdict of B against A:
 * "col is 3.1× ± 0.2 slower; p < 0.001", "col has 8.0× ± 0.1 more D1 misses; p < 0.001",
 * "col has 1.89× (95% CI 1.13–3.16) more context-switches; p = 0.007" (a lopsided interval),
 * "no significant difference (p = 0.42)", "no meaningful difference (0.05%, under the 1% minimum
 * effect; p = 0.048)", "no meaningful difference (under the 10 ms tick that splits CPU time into
 * user and system; p = 0.004)", "too few runs to tell (…)", or for a rate "no verdict of its own (…)".
 */
export function formatVerdict(input: VerdictInput): string {
  const { alternativeName, baselineName, wording, ratio } = input;
  if (input.isRate === true) return 'no verdict of its own (a rate: the total ÷ time; see both)';
  if (input.pValue === null) {
    const hint = ratio.ratio === null ? '' : `${alternativeName}/${baselineName} = ${ratio.ratio.toPrecision(3)}×; `;
    return `too few runs to tell (${hint}run each at least twice)`;
  }
  const alpha = input.alpha ?? 0.05;
  const testAlpha = input.testAlpha ?? alpha;
  if (!input.isSignificant) {
    // p under alpha yet not significant: Holm's correction asked for less; say so, or it reads as a contradiction.
    const corrected = input.pValue < alpha && testAlpha < alpha ? ` > ${formatAlpha(testAlpha)}, Holm-corrected` : '';
    return `no significant difference (${formatPValue(input.pValue, testAlpha)}${corrected})`;
  }
  if (!input.isMeaningful && input.resolutionReason !== undefined) {
    return `no meaningful difference (under the ${input.resolutionReason}; ${formatPValue(input.pValue, testAlpha)})`;
  }
  if (!input.isMeaningful && ratio.ratio !== null && ratio.ratio !== 0) {
    const [apart, minimum] = percentsUnder(Math.max(ratio.ratio, 1 / ratio.ratio) - 1, input.minimumEffect ?? 0.01);
    return `no meaningful difference (${apart}, under the ${minimum} minimum effect; ${formatPValue(input.pValue, testAlpha)})`;
  }
  const words = DIRECTION_WORDS[wording.kind];
  const direction = input.isLarger ? words.larger : words.smaller;
  const noun = wording.kind === 'time' ? '' : ` ${wording.noun}`;
  const subject = wording.kind === 'time' ? 'time' : wording.noun;
  // A's mean within the test's reach of 0: B/A could be any size above some end, so the point
  // ratio (nine 0s and a 1 against ten 1s: 10.0×) is no factor to print, as a QA pass found
  // "sleep 0.01 has 10.0× more context-switches" than true. The end where there is one, else none.
  if (ratio.scale === 'linear' && ratio.interval === null && ratio.ratio !== null && ratio.ratio !== 0 && input.hasOppositeSigns !== true) {
    const confidence = formatConfidence(1 - testAlpha);
    const low = input.unboundedLow ?? null;
    if (low !== null && input.isLarger) {
      return `${alternativeName} ${words.verb} at least ${formatRatioNumber(low, true)}× ${direction}${noun} (${confidence} CI ${formatRatioNumber(low, true)}–∞: ${baselineName}'s mean ${subject} is not clear of 0); ${formatPValue(input.pValue, testAlpha)}`;
    }
    return `${alternativeName} ${words.verb} ${direction}${noun} than ${baselineName} (${baselineName}'s mean ${subject} is not clear of 0: no factor); ${formatPValue(input.pValue, testAlpha)}`;
  }
  const factor = formatFactor(ratio, input.isLarger);
  if (factor === null) {
    if (input.hasOppositeSigns === true) return `${alternativeName} ${words.verb} ${direction}${noun} than ${baselineName} (their mean ${subject} has opposite signs: no factor); ${formatPValue(input.pValue, testAlpha)}`;
    if (input.areBothNegative === true) return `${alternativeName} ${words.verb} ${direction}${noun} than ${baselineName} (their mean ${subject} is below 0 in both: no factor); ${formatPValue(input.pValue, testAlpha)}`;
    // Mean A or B is zero: a difference, but no finite factor.
    const zeroName = ratio.ratio === 0 ? alternativeName : baselineName;
    return `${alternativeName} ${words.verb} ${direction}${noun} than ${baselineName} (${zeroName}'s mean ${subject} is 0); ${formatPValue(input.pValue, testAlpha)}`;
  }
  return `${alternativeName} ${words.verb} ${factor} ${direction}${noun}; ${formatPValue(input.pValue, testAlpha)}`;
}
