import { compareRuns, summarizeRuns, type Comparison, type RunSummary } from './statistics.ts';
import { describeMetric, orderMetricKeys, type MetricInfo, type RunValues } from './metrics.ts';

/** The raw runs of one alternative (or of the noise floor): each run's metric values. */
export interface AlternativeRuns {
  readonly name: string;
  readonly runs: readonly RunValues[];
}

/** One metric across all alternatives. */
export interface MetricResult {
  readonly metric: MetricInfo;
  /** One per alternative, in the order given. */
  readonly summaries: readonly { readonly name: string; readonly summary: RunSummary }[];
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
 * Summaries of every metric for every alternative, and each alternative against the first
 * (ratio of means with its 95% interval, Welch's t-test, verdict). Pure: the same runs give the
 * same result, so a saved document can be analysed again.
 */
export function analyzeRuns(alternatives: readonly AlternativeRuns[], noiseFloor: AlternativeRuns | null, alpha = 0.05): MetricResult[] {
  const keys = orderMetricKeys(alternatives.flatMap((alternative) => alternative.runs));
  const [first, ...rest] = alternatives;
  return keys.map((key) => {
    const metric = describeMetric(key);
    const floorValues = noiseFloor === null ? [] : valuesOf(noiseFloor.runs, key);
    return {
      metric,
      summaries: alternatives.map((alternative) => ({ name: alternative.name, summary: summarizeRuns(valuesOf(alternative.runs, key)) })),
      noiseFloor: floorValues.length === 0 ? null : summarizeRuns(floorValues),
      comparisons:
        first === undefined
          ? []
          : rest.map((alternative) =>
              compareRuns({ name: first.name, values: valuesOf(first.runs, key) }, { name: alternative.name, values: valuesOf(alternative.runs, key) }, metric.wording, { alpha }),
            ),
    };
  });
}

/** One alternative of this run against the runs of the same name in a saved baseline. */
export interface BaselineComparison {
  readonly name: string;
  /** One per metric both have, in this run's metric order. */
  readonly metrics: readonly { readonly metric: MetricInfo; readonly comparison: Comparison }[];
}

/**
 * Each alternative (matched by name) now against the same alternative in the baseline: "sum rows
 * (now) is 1.1× ± 0.1 slower; p = 0.01" or "no significant difference". Unmatched names are left out.
 */
export function compareWithBaseline(current: readonly AlternativeRuns[], baseline: readonly AlternativeRuns[], alpha = 0.05): BaselineComparison[] {
  const result: BaselineComparison[] = [];
  for (const alternative of current) {
    const saved = baseline.find((candidate) => candidate.name === alternative.name);
    if (saved === undefined) continue;
    const keys = orderMetricKeys(alternative.runs).filter((key) => valuesOf(saved.runs, key).length > 0);
    result.push({
      name: alternative.name,
      metrics: keys.map((key) => {
        const metric = describeMetric(key);
        const comparison = compareRuns(
          { name: `${alternative.name} (saved)`, values: valuesOf(saved.runs, key) },
          { name: `${alternative.name} (now)`, values: valuesOf(alternative.runs, key) },
          metric.wording,
          { alpha },
        );
        return { metric, comparison };
      }),
    });
  }
  return result;
}
