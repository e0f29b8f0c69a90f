import { median } from 'simple-statistics';
import { UsageError } from '../errors.ts';
import { holmTestAlphas } from './holm.ts';
import { describeMetric, orderMetricKeys, type MetricInfo, type RunValues } from './metrics.ts';
import { countOutliers } from './outliers.ts';
import { compareRuns, DEFAULT_MINIMUM_EFFECT, ratioTest, summarizeRuns, type Comparison, type RunSummary } from './statistics.ts';

/** The raw runs of one alternative (or of the noise floor): each run's metric values. */
export interface AlternativeRuns {
  readonly name: string;
  readonly runs: readonly RunValues[];
}

/** One metric across all alternatives. */
export interface MetricResult {
  readonly metric: MetricInfo;
  /** One per alternative, in the order given; `outliers`: runs beyond the modified z-score threshold (see outliers.ts). */
  readonly summaries: readonly { readonly name: string; readonly summary: RunSummary; readonly outliers?: number }[];
  /** The same metric of the empty alternative; null when there was none or it lacks the metric. */
  readonly noiseFloor: RunSummary | null;
  /** Each alternative after the first against the first. */
  readonly comparisons: readonly Comparison[];
}

/** The values of one metric over runs, skipping runs that lack it. */
export function valuesOf(runs: readonly RunValues[], key: string): number[] {
  return runs.map((run) => run[key]).filter((value): value is number => value !== undefined);
}

/**
 * The smallest relative difference called meaningful: 1%, or the noise floor's spread as a fraction
 * of the smaller of the two means when that is larger (a difference smaller than the jitter of
 * running nothing at all is not the programs'). The spread is robust, 1.4826 × the median absolute
 * deviation (σ for normal data), so one stretched run of the floor does not hide real differences.
 * Of the smaller mean, as the effect is taken (relativeEffect: max(r, 1/r) − 1): a difference is
 * meaningful where it is at least the spread, whichever alternative is given first. Of the
 * baseline's, the verdict turned on the order (a QA pass: 1.124× faster one way, "no meaningful
 * difference (12%, under the 13% minimum effect)" the other).
 */
export function minimumEffectFor(baseline: RunSummary, alternative: RunSummary, floorValues: readonly number[]): number {
  const means = [baseline.mean, alternative.mean].filter((mean): mean is number => mean !== null && mean > 0);
  if (floorValues.length < 3 || means.length < 2) return DEFAULT_MINIMUM_EFFECT;
  const center = median(floorValues as number[]);
  const spread = 1.4826 * median(floorValues.map((value) => Math.abs(value - center)));
  return Math.max(DEFAULT_MINIMUM_EFFECT, spread / Math.min(...means));
}

interface MetricInput {
  readonly metric: MetricInfo;
  readonly baseline: readonly number[];
  readonly alternative: readonly number[];
  /** The noise floor's runs of this metric; [] when none. */
  readonly floorValues: readonly number[];
}

/**
 * One comparison (B against A) over all its metrics. Time is primary and tested at alpha; the other
 * metrics are one family under Holm's correction, so that six or eight of them tested at once do
 * not turn up a "difference" by chance one time in three; rates are not tested (they mirror time).
 * Keeping time out of the family keeps its answer independent of how many events were asked for.
 */
function compareMetrics(baselineName: string, alternativeName: string, inputs: readonly MetricInput[], alpha: number): Comparison[] {
  const pValues = inputs.map(({ metric, baseline, alternative }) => (metric.role === 'secondary' ? (ratioTest(baseline, alternative)?.pValue ?? null) : null));
  const holm = holmTestAlphas(pValues, alpha);
  return inputs.map(({ metric, baseline, alternative, floorValues }, index) =>
    compareRuns({ name: baselineName, values: baseline }, { name: alternativeName, values: alternative }, metric.wording, {
      alpha,
      testAlpha: metric.role === 'secondary' ? (holm[index] ?? alpha) : alpha,
      role: metric.role,
      minimumEffect: minimumEffectFor(summarizeRuns(baseline), summarizeRuns(alternative), floorValues),
      ...(metric.resolution === undefined ? {} : { resolution: metric.resolution }),
    }),
  );
}

/**
 * The library's callers pass alpha: a percent (5) or 2 reached the t quantile, whose RangeError
 * ('needs 0 < p < 1 (got -1.5)') named no alpha.
 */
function checkAlpha(alpha: number): void {
  if (!(typeof alpha === 'number' && alpha > 0 && alpha < 1)) throw new UsageError(`alpha must be a significance level between 0 and 1 (e.g. 0.05), not ${alpha}`);
}

/**
 * Summaries of every metric for every alternative, and each alternative against the first
 * (ratio with its interval, Welch's test on the same scale, Holm over the secondary metrics,
 * verdict). Pure: the same runs give the same result, so a saved document can be analysed again.
 */
export function analyzeRuns(alternatives: readonly AlternativeRuns[], noiseFloor: AlternativeRuns | null, alpha = 0.05): MetricResult[] {
  checkAlpha(alpha);
  const keys = orderMetricKeys(alternatives.flatMap((alternative) => alternative.runs));
  const metrics = keys.map(describeMetric);
  const floorValues = keys.map((key) => (noiseFloor === null ? [] : valuesOf(noiseFloor.runs, key)));
  const floors = floorValues.map((values) => (values.length === 0 ? null : summarizeRuns(values)));
  const [first, ...rest] = alternatives;
  // comparisons[j][i]: alternative j + 1 against the first, metric i.
  const comparisons =
    first === undefined
      ? []
      : rest.map((alternative) =>
          compareMetrics(
            first.name,
            alternative.name,
            metrics.map((metric, index) => ({ metric, baseline: valuesOf(first.runs, metric.key), alternative: valuesOf(alternative.runs, metric.key), floorValues: floorValues[index] ?? [] })),
            alpha,
          ),
        );
  return metrics.map((metric, index) => ({
    metric,
    summaries: alternatives.map((alternative) => {
      const values = valuesOf(alternative.runs, metric.key);
      return { name: alternative.name, summary: summarizeRuns(values), outliers: countOutliers(values) };
    }),
    noiseFloor: floors[index] ?? null,
    comparisons: comparisons.map((perMetric) => perMetric[index]!),
  }));
}

/**
 * hyperfine's outlier warning for perfcell: the alternatives whose time has runs far from the rest
 * (see outliers.ts), or null when none has.
 */
export function outlierWarning(results: readonly MetricResult[]): string | null {
  const time = results.find((result) => result.metric.role === 'primary');
  const flagged = (time?.summaries ?? []).filter((entry) => (entry.outliers ?? 0) > 0);
  if (flagged.length === 0) return null;
  const which = flagged.map((entry) => `'${entry.name}' ${entry.outliers} of ${entry.summary.n} runs`).join(', ');
  return (
    `statistical outliers in the time of ${which}: something else likely interfered ` +
    '(re-run on a quiet machine, without other programs competing for the CPUs; if the first runs were the slow ones, add --warmup rounds or a --prepare command)'
  );
}

/**
 * The metrics (not rates, which mirror them) that this run's alternatives have and the baseline's
 * same-named runs lack, by label: the events this run counted and the baseline did not.
 * @example baselineLacks([{ name: 'a', runs: [{ durationS: 1, 'task-clock': 9 }] }], [{ name: 'a', runs: [{ durationS: 1 }] }]) // ['task-clock']
 */
export function baselineLacks(current: readonly AlternativeRuns[], baseline: readonly AlternativeRuns[]): string[] {
  const lacking: string[] = [];
  for (const alternative of current) {
    const saved = baseline.find((candidate) => candidate.name === alternative.name);
    if (saved === undefined || saved.runs.length === 0) continue;
    for (const key of orderMetricKeys(alternative.runs)) {
      const metric = describeMetric(key);
      if (metric.role !== 'rate' && valuesOf(saved.runs, key).length === 0 && !lacking.includes(metric.label)) lacking.push(metric.label);
    }
  }
  return lacking;
}

/** One alternative of this run against the runs of the same name in a saved baseline. */
export interface BaselineComparison {
  readonly name: string;
  /** One per metric both have, in this run's metric order. */
  readonly metrics: readonly { readonly metric: MetricInfo; readonly comparison: Comparison }[];
}

/**
 * Each alternative (matched by name) now against the same alternative in the baseline: "now is
 * 1.1× ± 0.1 slower; p = 0.01" or "no significant difference", with the same primary, Holm and
 * rate rules as analyzeRuns. Unmatched names are left out. The verdicts name the two sides `now`
 * and `the baseline`, not the alternative, which BaselineComparison.name gives and every line that
 * shows them says first (`sum rows, time: now is …`): they read `sum rows: time  sum rows (now) is …`.
 */
export function compareWithBaseline(current: readonly AlternativeRuns[], baseline: readonly AlternativeRuns[], alpha = 0.05): BaselineComparison[] {
  checkAlpha(alpha);
  const result: BaselineComparison[] = [];
  for (const alternative of current) {
    const saved = baseline.find((candidate) => candidate.name === alternative.name);
    if (saved === undefined) continue;
    const metrics = orderMetricKeys(alternative.runs)
      .filter((key) => valuesOf(saved.runs, key).length > 0)
      .map(describeMetric);
    const comparisons = compareMetrics(
      'the baseline',
      'now',
      metrics.map((metric) => ({ metric, baseline: valuesOf(saved.runs, metric.key), alternative: valuesOf(alternative.runs, metric.key), floorValues: [] })),
      alpha,
    );
    result.push({ name: alternative.name, metrics: metrics.map((metric, index) => ({ metric, comparison: comparisons[index]! })) });
  }
  return result;
}
