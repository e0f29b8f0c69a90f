import { TIME_UNIT_SECONDS, type TimeUnit } from './time-unit.ts';
import type { MetricResult } from '../experiment/analyze.ts';
import { scanReference } from '../experiment/by-value.ts';
import { describeParameters } from '../../parsers/parameter-list.ts';
import { runCountsText } from './compare-run-counts.ts';
import type { CompareDocument } from '../experiment/compare-document.ts';
import type { Comparison, RunSummary } from '../experiment/statistics.ts';
import { formatBounds, formatConfidence, formatPValue, formatRatioNumber, isPointRatioLeftOut } from '../experiment/verdict.ts';
import { noiseFloorCostLine } from '../experiment/compare-cost.ts';
import { alignColumns } from './align-columns.ts';
import { fitTable, wrapLines } from './compare-fit.ts';
import { formatMetricValue } from './metric-units.ts';
import { verdictsOf } from './named-verdict.ts';
import { scaledFromText } from './running-pct.ts';
import { eventOf, scaledNote, scaledPctOf } from './scaled-metric.ts';
import { RATIO_COUNTS } from '../session/counters.ts';

const HEADER = ['', 'mean', 'σ', 'median', 'min', 'max', 'n'];
/** Columns a narrow terminal loses first: median, then min and max (mean, σ and n stay). */
const DROPPABLE = [3, 4, 5];

export interface CompareTextOptions {
  /** Columns to fit; lines break at spaces, tables drop columns. None (a pipe, a file): lines whole, so that grep finds a verdict. */
  readonly width?: number;
  /** Every metric's table and verdict (today's full report); default: the short summary. */
  readonly verbose?: boolean;
  /**
   * Lowest running % per event that perf multiplexed in any run: its tables and verdicts say
   * `scaled from N% of the time`; default: what the document's alternatives keep
   * (`lowestRunningPct`, session/counters.ts runningPctsOf).
   */
  readonly runningPct?: Readonly<Record<string, number>>;
  /** Times in this unit (hyperfine's --time-unit), in the summary and --verbose's time table; default: the unit each value's size picks. */
  readonly timeUnit?: TimeUnit;
}

/**
 * The comparison as people read it. By default a short summary in the manner of hyperfine: the
 * time of each alternative (mean ± σ, min … max, runs), the noise floor, and the verdicts of the
 * metrics that differ meaningfully. With `verbose`, a block per metric (mean, σ, median, min, max
 * of every alternative and of the noise floor, then each alternative against the first with its
 * ratio, interval and p-value) and every verdict. Fits `width` columns either way; with none, lines stay whole.
 * @example
 * Benchmark 1: row
 *   Time (mean ± σ):     12.1 ms ±  0.40 ms
 *   Range (min … max):   11.6 ms …  13.0 ms    10 runs
 */
export function renderCompareText(document: CompareDocument, options: CompareTextOptions = {}): string {
  const width = options.width === undefined ? undefined : Math.max(20, options.width);
  const runningPct = options.runningPct ?? scaledShares(document);
  const shown = withScaledLabels(document, runningPct);
  const unitS = options.timeUnit === undefined ? null : TIME_UNIT_SECONDS[options.timeUnit];
  const mark = verdictMark(document, runningPct);
  const blocks = options.verbose === true ? verboseBlocks(shown, width, unitS, mark) : summaryBlocks(shown, width, unitS, mark);
  // the footnote only where a marked metric or verdict is on screen (the short summary may show none)
  const marked = [...shown.results.filter((result, index) => result !== document.results[index]).map((result) => result.metric.label), SCALED_VERDICT_END];
  const footnote = scaledFootnote(shown, runningPct);
  if (footnote !== null && blocks.some((block) => block.some((line) => marked.some((label) => line.includes(label))))) blocks.push(wrapLines([footnote], width));
  return blocks.filter((block) => block.length > 0).map((block) => block.join('\n')).join('\n\n');
}

const timeOf = (document: CompareDocument): MetricResult | undefined => document.results.find((result) => result.metric.role === 'primary');

/** `unitS`: the size of the unit every time is printed in (--time-unit); null: each mean's own. */
function summaryBlocks(document: CompareDocument, width: number | undefined, unitS: number | null, mark: VerdictMark): string[][] {
  const time = timeOf(document);
  const blocks: string[][] = [];
  if (document.settings.backend === 'cachegrind') {
    blocks.push(wrapLines(["Times are under valgrind's cachegrind: its time, not the program's."], width));
  }
  time?.summaries.forEach(({ name, summary }, index) => blocks.push(wrapLines([`Benchmark ${index + 1}: ${name}`, ...timeRows(summary, unitS)], width)));
  if (time !== undefined && time.noiseFloor !== null) {
    const floor = time.noiseFloor;
    // What knowing the noise cost, warm-up included (issue 15: no more than one alternative's runs).
    const cost = noiseFloorCostLine(document.cost);
    blocks.push(wrapLines([`Noise floor (${floorDescription(document)}): ${meanAndSpread(floor, unitS)}, ${runCount(floor.n)}`, ...(cost === null ? [] : [cost])], width));
  }
  // a scan: By value in the summary's place, beside it where a --reference was asked for
  const hasByValue = (document.byValue ?? []).length > 0;
  if (!hasByValue || scanReference(document.alternatives) !== null) blocks.push(wrapLines(verdictSummary(document, mark), width));
  if (hasByValue) blocks.push(wrapLines(byValueSummary(document, mark), width));
  if (document.baseline !== undefined) blocks.push(wrapLines(baselineLines(document, false), width));
  return blocks;
}

/** "12.1 ms ± 0.40 ms", or "12.1 ms" where σ is unknown (one run); in the unit of `unitS` seconds where given. */
function meanAndSpread(summary: RunSummary, unitS: number | null = null): string {
  const mean = formatMetricValue(summary.mean, 's', unitS ?? summary.mean);
  return summary.stdDev === null ? mean : `${mean} ± ${formatMetricValue(summary.stdDev, 's', unitS ?? summary.mean)}`;
}

const runCount = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/**
 * hyperfine's two lines: `Time (mean ± σ):  12.1 ms ± 0.40 ms` and `Range (min … max):  11.6 ms … 13.0 ms  10 runs`;
 * `Time (mean):  12.1 ms` where σ is unknown (one run).
 */
function timeRows(summary: RunSummary, unitS: number | null): string[] {
  const value = (seconds: number | null, scaleOf: number | null = seconds) => formatMetricValue(seconds, 's', unitS ?? scaleOf);
  const hasSpread = summary.stdDev !== null;
  const rows = alignColumns(
    [
      hasSpread ? ['  Time (mean ± σ):', value(summary.mean), '±', value(summary.stdDev, summary.mean)] : ['  Time (mean):', value(summary.mean)],
      ['  Range (min … max):', value(summary.min), '…', value(summary.max)],
    ],
    ['left', 'right', 'left', 'right'],
  );
  return [rows[0]!, `${rows[1]!}    ${runCount(summary.n)}`];
}

/**
 * The time verdict of each alternative and every other meaningful one; a count of the rest, apart
 * from those that could not be tested (a side with fewer than two runs), which are not "no difference".
 */
function verdictSummary(document: CompareDocument, mark: VerdictMark): string[] {
  const first = document.alternatives[0];
  if (first === undefined || document.alternatives.length < 2) return [];
  const verdicts = verdictLines(document.results, document.alternatives.length - 1, mark);
  const rest = quietLine(verdicts.quiet, verdicts.untested);
  return [`Summary (against ${first.name})`, ...verdicts.lines.map((line) => `  ${line}`), ...(rest === null ? [] : [`  ${rest}`])];
}

/**
 * Each of `count` comparisons' time verdict and its other meaningful ones (named where time shows
 * no difference among several), and how many others were quiet or untested. A verdict on counts
 * perf scaled up from part of the time says so (`mark`).
 */
function verdictLines(results: readonly MetricResult[], count: number, mark: VerdictMark): { lines: string[]; quiet: number; untested: number } {
  const lines: string[] = [];
  let quiet = 0;
  let untested = 0;
  for (let index = 0; index < count; index++) {
    for (const result of results) {
      const comparison = result.comparisons[index];
      if (comparison === undefined) continue;
      if (result.metric.role === 'primary') {
        lines.push(comparison.isMeaningful ? comparison.verdict : `${count > 1 ? `${comparison.alternativeName}, ` : ''}time: ${comparison.verdict}`);
      } else if (comparison.isMeaningful) {
        lines.push(`${comparison.verdict}${mark(result, comparison)}`);
      } else if (result.metric.role === 'secondary') {
        if (comparison.welch === null) untested++;
        else quiet++;
      }
    }
  }
  return { lines, quiet, untested };
}

/**
 * A parameter scan (-L, -P) at each value: the commands of the same values against the first of
 * them (document.byValue), as the summary says them; it takes the summary's place, whose baseline
 * (the first command at the first value) is no answer to a scan (--verbose has both).
 * @example byValueSummary(document) // ['By value (against the first command at each)', '  n = 2048: col (n = 2048) is 3.2× ± 0.1 slower; p < 0.001', …]
 */
function byValueSummary(document: CompareDocument, mark: VerdictMark): string[] {
  const groups = document.byValue ?? [];
  if (groups.length === 0) return [];
  const lines = ['By value (against the first command at each)'];
  let quiet = 0;
  let untested = 0;
  for (const { parameters, results } of groups) {
    const values = describeParameters(parameters);
    const count = (results[0]?.summaries.length ?? 1) - 1;
    const verdicts = verdictLines(results, count, mark);
    quiet += verdicts.quiet;
    untested += verdicts.untested;
    // the values once, the verdicts under them
    verdicts.lines.forEach((line, index) => lines.push(index === 0 ? `  ${values}: ${line}` : `  ${' '.repeat(values.length + 2)}${line}`));
  }
  const rest = quietLine(quiet, untested);
  if (rest !== null) lines.push(`  ${rest}`);
  return lines;
}

/** `5 more metrics: no meaningful difference (see --verbose)`, or too few runs to tell, or both with their counts; null for none. */
function quietLine(quiet: number, untested: number): string | null {
  const total = quiet + untested;
  if (total === 0) return null;
  const what =
    untested === 0
      ? 'no meaningful difference'
      : quiet === 0
        ? 'too few runs to tell'
        : `no meaningful difference in ${quiet}, too few runs to tell for ${untested}`;
  return `${total} more metric${total === 1 ? '' : 's'}: ${what} (see --verbose)`;
}

/** `unitS`: the size of the unit time's table is printed in (--time-unit); null: each value's own. */
function verboseBlocks(document: CompareDocument, width: number | undefined, unitS: number | null, mark: VerdictMark): string[][] {
  const blocks = [wrapLines(headline(document), width), ...document.results.map((result) => renderMetric(result, width, result.metric.role === 'primary' ? unitS : null)), verdictTable(document, width)];
  // a scan's answer at each value, after every alternative against the first
  blocks.push(wrapLines(byValueSummary(document, mark), width));
  if (document.baseline !== undefined) blocks.push(wrapLines(baselineLines(document, true), width));
  return blocks;
}

function headline(document: CompareDocument): string[] {
  const { settings } = document;
  const names = document.alternatives.map((alternative) => alternative.name);
  const order = `${names.join(' ')} ${names.join(' ')} …`;
  const warmup = settings.warmup === 0 ? '' : `, after ${settings.warmup} warm-up round${settings.warmup === 1 ? '' : 's'}`;
  const counters =
    settings.backend === 'cachegrind'
      ? "counters simulated by cachegrind (each run under valgrind: its time is valgrind's, not the program's)"
      : settings.perf
        ? 'counters from perf'
        : // --no-perf, or a perf that counted no run (the warnings above say why)
          'no counters';
  const floor = document.noiseFloor === null ? 'no noise floor' : `noise floor: ${floorDescription(document)}, measured the same way`;
  // uneven counts (a comparison cut short) are each said, with what stopped it
  const runs = document.partial === undefined ? `${settings.rounds} run${settings.rounds === 1 ? '' : 's'} of each, interleaved` : runCountsText(document);
  return [`${runs} (${order})${warmup}; ${counters}`, floor];
}

function floorDescription(document: CompareDocument): string {
  const floor = document.noiseFloor;
  if (floor === null) return 'none';
  return floor.command === undefined ? 'an empty cell' : `\`${floor.command.join(' ')}\``;
}

function summaryRow(name: string, summary: RunSummary, unit: MetricResult['metric']['unit'], unitS: number | null): string[] {
  // Each value in its own scale, but σ in its mean's: "12.1 ms ± 0.40 ms", not "± 400 µs"; all in -u's where given.
  const format = (value: number | null): string => formatMetricValue(value, unit, unitS ?? value);
  const spread = formatMetricValue(summary.stdDev, unit, unitS ?? summary.mean);
  return [`  ${name}`, format(summary.mean), spread, format(summary.median), format(summary.min), format(summary.max), String(summary.n)];
}

function renderMetric(result: MetricResult, width: number | undefined, unitS: number | null): string[] {
  const { metric } = result;
  const rows = [[metric.label, ...HEADER.slice(1)], ...result.summaries.map(({ name, summary }) => summaryRow(name, summary, metric.unit, unitS))];
  if (result.noiseFloor !== null) rows.push(summaryRow('noise floor', result.noiseFloor, metric.unit, unitS));
  return [...fitTable(rows, width, DROPPABLE), ...wrapLines(result.comparisons.map((comparison) => `  ${comparisonLine(comparison)}`), width)];
}

/** `col / row: 2.31× (95% CI 2.23–2.39), p < 0.001: col is 2.31× ± 0.08 slower` */
export function comparisonLine(comparison: Comparison): string {
  const { ratio, welch } = comparison;
  const parts: string[] = [];
  if (ratio.ratio !== null && !isPointRatioLeftOut(comparison)) {
    const interval = ratio.interval === null ? '' : ` (${formatConfidence(ratio.interval.confidence)} CI ${formatBounds(ratio.interval.low, ratio.interval.high)})`;
    // beside an interval clear of 1, a ratio that does not print as 1 (it read '1.00× (95% CI 1.004–1.01)')
    const isClearOfOne = ratio.interval !== null && (ratio.interval.low > 1 || ratio.interval.high < 1);
    parts.push(`${formatRatioNumber(ratio.ratio, isClearOfOne)}×${interval}`);
  }
  // The p-value and the interval are already in the line: leave them out of the verdict.
  const withoutP = comparison.verdict
    .replace(/; p [<=] [\d.]+$/, '')
    .replace(/ \(p [<=] [\d.]+\)$/, '')
    .replace(/; p [<=] [\d.]+\)$/, ')');
  const verdict = ratio.interval === null ? withoutP : withoutP.replace(/ \([\d.]+% CI [^)]*\)/, '');
  // one the verdict keeps, beside its Holm-corrected alpha ('(p = 0.036 > α 0.0125, …)'), is said there alone
  const pValue = welch === null ? null : formatPValue(welch.pValue, comparison.testAlpha);
  if (pValue !== null && !verdict.includes(`${pValue} `)) parts.push(pValue);
  return `${comparison.alternativeName} / ${comparison.baselineName}: ${parts.join(', ')}${parts.length === 0 ? '' : ': '}${verdict}`;
}

/** Every verdict, aligned as a table where that fits, else as `label: verdict` lines broken at spaces. */
function verdictTable(document: CompareDocument, width: number | undefined): string[] {
  const first = document.alternatives[0];
  if (first === undefined || document.alternatives.length < 2) return [];
  const rows: string[][] = [];
  for (const result of document.results) {
    // among several alternatives, "no significant difference" alone could be about any of them
    for (const verdict of verdictsOf(result.comparisons)) rows.push([`  ${result.metric.label}`, verdict]);
  }
  const title = `verdicts (against ${first.name}; time at 95%, the other metrics Holm-corrected, rates none of their own)`;
  return wrapLines([title, ...aligned(rows, width)], width);
}

function aligned(rows: readonly (readonly string[])[], width: number | undefined): string[] {
  const lines = alignColumns(rows, ['left', 'left']);
  return width === undefined || lines.every((line) => [...line].length <= width) ? lines : rows.map((row) => `${row[0]}: ${row[1]}`);
}

function baselineLines(document: CompareDocument, verbose: boolean): string[] {
  const baseline = document.baseline;
  if (baseline === undefined) return [];
  const lines = [`against the baseline ${baseline.file} (${baseline.createdAt})`];
  if (baseline.comparisons.length === 0) lines.push('  no alternative of this run has a name the baseline has');
  for (const alternative of baseline.comparisons) {
    const shown = alternative.metrics.filter(({ metric, comparison }) => verbose || metric.role === 'primary' || comparison.isMeaningful);
    // counts perf scaled up now: said as the exports say it (the saved side's shares are not kept with the baseline's verdicts)
    // `  a, time: now is 1.7× slower; p = 0.02`, the verdicts of several metrics one under another
    const rows = shown.map(({ metric, comparison }) => [`  ${alternative.name}, ${metric.label}:`, `${comparison.verdict}${scaledNote(document, metric.key, [alternative.name])}`]);
    lines.push(...alignColumns(rows, ['left', 'left'], 1));
  }
  return lines;
}


/** How a verdict line ends: '' or ` (scaled from 49% of the time*)` for counts perf scaled up in either alternative it compares. */
type VerdictMark = (result: MetricResult, comparison: Comparison) => string;

/** What every verdict on scaled counts ends with, which brings the footnote. */
const SCALED_VERDICT_END = ' of the time*)';

/**
 * A verdict on an event's counts says they were scaled, from the lowest share of the two
 * alternatives it compares (the document keeps each one's); where the document keeps none, the
 * lowest share of any run. The short summary printed `col has 1.92× more cache-misses` with no
 * word of it (a QA pass), where --verbose's tables mark the metric.
 */
function verdictMark(document: CompareDocument, runningPct: Readonly<Record<string, number>>): VerdictMark {
  const kept = document.alternatives.some((alternative) => alternative.lowestRunningPct !== undefined);
  return (result, comparison) => {
    const event = eventOf(result.metric.key);
    if (!Object.hasOwn(runningPct, event)) return '';
    const scaled = scaledFromText(kept ? scaledPctOf(document, event, [comparison.alternativeName, comparison.baselineName]) : (runningPct[event] ?? null));
    return scaled === null ? '' : ` (${scaled}*)`;
  };
}

/** Per event perf multiplexed in any run of the alternatives or the noise floor, its lowest share (each alternative's `lowestRunningPct`). */
function scaledShares(document: CompareDocument): Record<string, number> {
  const events = new Set([...document.alternatives, ...(document.noiseFloor === null ? [] : [document.noiseFloor])].flatMap((alternative) => Object.keys(alternative.lowestRunningPct ?? {})));
  return Object.fromEntries([...events].flatMap((event) => {
    const pct = scaledPctOf(document, event);
    return pct === null ? [] : [[event, pct]];
  }));
}

/** The document with a `*` after the label of each multiplexed event's total and rate (the footnote says from how much). */
function withScaledLabels(document: CompareDocument, runningPct: Readonly<Record<string, number>>): CompareDocument {
  const results = document.results.map((result) => {
    const event = eventOf(result.metric.key);
    return Object.hasOwn(runningPct, event) ? { ...result, metric: { ...result.metric, label: `${result.metric.label}*` } } : result;
  });
  return { ...document, results };
}

/** `* scaled from 50% of the time (cache-misses, cycles): …` when a shown metric was marked; null otherwise. */
function scaledFootnote(document: CompareDocument, runningPct: Readonly<Record<string, number>>): string | null {
  const events = Object.keys(runningPct).filter((event) => document.results.some((result) => result.metric.key === event || result.metric.key === `${event}/s`));
  if (events.length === 0) return null;
  const lowest = Math.min(...events.map((event) => runningPct[event] ?? 100));
  // a ratio (miss ratio, IPC, MPKI) by its label, and what makes it an estimate: its two counts took turns
  const labelOf = (event: string): string => document.results.find((result) => result.metric.key === event)?.metric.label.replace(/\*$/, '') ?? event;
  const ratios = events.some((event) => Object.hasOwn(RATIO_COUNTS, event)) ? '; a ratio\'s two counts came from time slices of their own unless grouped' : '';
  return `* ${scaledFromText(lowest) ?? ''} in some runs (${events.map(labelOf).join(', ')}): perf multiplexed more events than the PMU has counters${ratios}`;
}
