import { describeParameters } from '../../parsers/parameter-list.ts';
import { valuesOf } from '../experiment/analyze.ts';
import { scanReference, type ValueComparison } from '../experiment/by-value.ts';
import type { CompareDocument } from '../experiment/compare-document.ts';
import { runCountsText } from './compare-run-counts.ts';
import type { ChartAssets } from './chart-assets.ts';
import { renderCompareHtml } from './html.ts';
import type { HtmlCompareInput } from './html-data.ts';
import { failureWarnings } from './failure-warnings.ts';
import { verdictsOf } from './named-verdict.ts';
import { scaledNote } from './scaled-metric.ts';
import { TIME_UNIT_SECONDS, type TimeUnit } from './time-unit.ts';

/** What -u sets: time's unit (hyperfine's --time-unit); default seconds. */
export interface CompareHtmlOptions {
  readonly timeUnit?: TimeUnit;
}

/**
 * What the HTML page shows of a comparison: a spread chart and verdict per metric (a scan's at
 * each of its values), and as notes
 * how the runs were taken, the warnings, the runs -i kept that failed and any verdicts against a
 * baseline. Pure.
 */
export function compareHtmlInput(document: CompareDocument, options: CompareHtmlOptions = {}): HtmlCompareInput {
  const { settings, machine, alternatives } = document;
  const howRun =
    `${runCountsText(document)} after ${settings.warmup} warm-up round(s), ` +
    `backend ${settings.backend}, on ${machine.hostname} (${machine.cpuModel ?? 'unknown CPU'}, kernel ${machine.kernel}, node ${machine.node})`;
  const baseline = document.baseline;
  const baselineNotes =
    baseline === undefined
      ? []
      : baseline.comparisons.flatMap((alternative) =>
          alternative.metrics.map(({ metric, comparison }) => `against the baseline ${baseline.file}: ${alternative.name}, ${metric.label}: ${comparison.verdict}${scaledNote(document, metric.key, [alternative.name])}`),
        );
  return {
    title: `perfcell compare: ${alternatives.map((alternative) => alternative.name).join(' vs ')}`,
    // -i's failed runs, as stderr says them: the page's numbers include them
    notes: [howRun, ...document.warnings, ...failureWarnings(alternatives), ...baselineNotes],
    metrics: document.results.map((result) => {
      // a scan's verdicts are at each value (By value), as the text's summary gives them; against its --reference, those first.
      // Each is an item of its own, and names its alternative where there are several (verdictsOf).
      // a verdict on counts perf scaled up from part of the time says so, as the text's summary does
      const againstFirst = verdictsOf(result.comparisons).map((verdict, index) => {
        const comparison = result.comparisons[index];
        return comparison === undefined ? verdict : `${verdict}${scaledNote(document, result.metric.key, [comparison.alternativeName, comparison.baselineName])}`;
      });
      const atValues = document.byValue === undefined ? [] : byValueVerdicts(document.byValue, result.metric.key);
      const verdicts = document.byValue === undefined ? againstFirst : scanReference(document.alternatives) === null ? atValues : [...againstFirst, ...atValues];
      // the values as measured: the page scales them as the text does, time in -u's unit where given
      const isTime = result.metric.role === 'primary' && result.metric.unit === 's';
      return {
        metric: `${result.metric.label}${scaledNote(document, result.metric.key)}`,
        unit: result.metric.unit,
        ...(isTime && options.timeUnit !== undefined ? { scaleOf: TIME_UNIT_SECONDS[options.timeUnit] } : {}),
        alternatives: alternatives.map((alternative) => ({ name: alternative.name, values: valuesOf(alternative.runs, result.metric.key) })),
        ...(verdicts.length === 0 ? {} : { verdicts }),
      };
    }),
  };
}

/** A metric's verdicts at each value of a scan, each with its value: `n = 256: no significant difference`, `n = 2048: col (n = 2048) is 3.2× …`. */
function byValueVerdicts(groups: readonly ValueComparison[], metricKey: string): string[] {
  return groups.flatMap(({ parameters, results }) =>
    verdictsOf(results.find((result) => result.metric.key === metricKey)?.comparisons ?? []).map((verdict) => `${describeParameters(parameters)}: ${verdict}`),
  );
}

/**
 * The `compare --html` page of a comparison, stamped with the time it was made.
 * @example writeHtmlFile(file, renderCompareDocumentHtml(document))
 */
export function renderCompareDocumentHtml(document: CompareDocument, assets?: ChartAssets, options: CompareHtmlOptions = {}): string {
  return renderCompareHtml(compareHtmlInput(document, options), { generatedAt: document.createdAt }, assets);
}
