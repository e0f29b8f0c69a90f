import type { MetricResult } from '../experiment/analyze.ts';
import type { CompareDocument } from '../experiment/compare-document.ts';
import type { Comparison, RunSummary } from '../experiment/statistics.ts';
import { formatPValue } from '../experiment/verdict.ts';
import { alignColumns } from './align-columns.ts';
import { formatMetricValue } from './metric-units.ts';

const HEADER = ['', 'mean', 'σ', 'median', 'min', 'max', 'n'];

/**
 * The comparison as people read it: a block per metric (mean, σ, median, min, max of every
 * alternative and of the noise floor, then each alternative against the first with its ratio,
 * 95% interval and p-value), and a closing summary of the verdicts.
 * @example
 * time               mean      σ   median      min      max   n
 *   row           12.1 ms  0.4 ms  12.0 ms  11.6 ms  13.0 ms  10
 *   col           27.9 ms  1.2 ms  27.5 ms  26.4 ms  30.2 ms  10
 *   noise floor    110 µs   12 µs   108 µs    96 µs   140 µs  10
 *   col / row: 2.31× (95% CI 2.23–2.39), p < 0.001: col is 2.31× ± 0.08 slower
 */
export function renderCompareText(document: CompareDocument): string {
  const blocks = [headline(document), ...document.results.map(renderMetric), summary(document)];
  if (document.baseline !== undefined) blocks.push(baselineBlock(document));
  return blocks.filter((block) => block !== '').join('\n\n');
}

function headline(document: CompareDocument): string {
  const { settings } = document;
  const names = document.alternatives.map((alternative) => alternative.name);
  const order = `${names.join(' ')} ${names.join(' ')} …`;
  const warmup = settings.warmup === 0 ? '' : `, after ${settings.warmup} warm-up round${settings.warmup === 1 ? '' : 's'}`;
  const counters =
    settings.backend === 'cachegrind'
      ? 'counters simulated by cachegrind (each run under valgrind: its time is valgrind\'s, not the program\'s)'
      : settings.perf
        ? 'counters from perf'
        : 'no counters (--no-perf)';
  const floor = document.noiseFloor === null ? 'no noise floor' : `noise floor: ${floorDescription(document)}, measured the same way`;
  return [`${settings.rounds} run${settings.rounds === 1 ? '' : 's'} of each, interleaved (${order})${warmup}; ${counters}`, floor].join('\n');
}

function floorDescription(document: CompareDocument): string {
  const floor = document.noiseFloor;
  if (floor === null) return 'none';
  return floor.command === undefined ? 'an empty cell' : `\`${floor.command.join(' ')}\``;
}

function summaryRow(name: string, summary: RunSummary, unit: MetricResult['metric']['unit']): string[] {
  // Each value in its own scale, but σ in its mean's: "12.1 ms ± 0.40 ms", not "± 400 µs".
  const format = (value: number | null): string => formatMetricValue(value, unit);
  const spread = formatMetricValue(summary.stdDev, unit, summary.mean);
  return [`  ${name}`, format(summary.mean), spread, format(summary.median), format(summary.min), format(summary.max), String(summary.n)];
}

function renderMetric(result: MetricResult): string {
  const { metric } = result;
  const rows = [[metric.label, ...HEADER.slice(1)], ...result.summaries.map(({ name, summary }) => summaryRow(name, summary, metric.unit))];
  if (result.noiseFloor !== null) rows.push(summaryRow('noise floor', result.noiseFloor, metric.unit));
  const lines = alignColumns(rows);
  for (const comparison of result.comparisons) lines.push(`  ${comparisonLine(comparison)}`);
  return lines.join('\n');
}

/** `col / row: 2.31× (95% CI 2.23–2.39), p < 0.001: col is 2.31× ± 0.08 slower` */
export function comparisonLine(comparison: Comparison): string {
  const { ratio, welch } = comparison;
  const parts: string[] = [];
  if (ratio.ratio !== null) {
    const interval = ratio.interval === null ? '' : ` (95% CI ${ratio.interval.low.toPrecision(3)}–${ratio.interval.high.toPrecision(3)})`;
    parts.push(`${ratio.ratio.toPrecision(3)}×${interval}`);
  }
  if (welch !== null) parts.push(formatPValue(welch.pValue));
  const verdict = comparison.verdict.replace(/; p [<=] [\d.]+$/, '');
  return `${comparison.alternativeName} / ${comparison.baselineName}: ${parts.join(', ')}${parts.length === 0 ? '' : ': '}${verdict}`;
}

function summary(document: CompareDocument): string {
  const first = document.alternatives[0];
  if (first === undefined || document.alternatives.length < 2) return '';
  const rows: string[][] = [];
  for (const result of document.results) {
    for (const comparison of result.comparisons) rows.push([`  ${result.metric.label}`, comparison.verdict]);
  }
  return [`verdicts (against ${first.name}, 95% confidence)`, ...alignColumns(rows, ['left', 'left'])].join('\n');
}

function baselineBlock(document: CompareDocument): string {
  const baseline = document.baseline;
  if (baseline === undefined) return '';
  const lines = [`against the baseline ${baseline.file} (${baseline.createdAt})`];
  if (baseline.comparisons.length === 0) lines.push('  no alternative of this run has a name the baseline has');
  for (const alternative of baseline.comparisons) {
    const rows = alternative.metrics.map(({ metric, comparison }) => [`  ${alternative.name}: ${metric.label}`, comparison.verdict]);
    lines.push(...alignColumns(rows, ['left', 'left']));
  }
  return lines.join('\n');
}
