import { TIME_UNIT_SECONDS, type TimeUnit } from './time-unit.ts';
import type { MetricResult } from '../experiment/analyze.ts';
import type { CompareDocument } from '../experiment/compare-document.ts';
import { runCountsText } from './compare-run-counts.ts';
import type { Comparison, RunSummary } from '../experiment/statistics.ts';
import { formatBounds, isClearOfOne, isNearlySymmetric, isPointRatioLeftOut } from '../experiment/verdict.ts';
import { displayScale } from './metric-units.ts';
import { describeParameters } from '../../parsers/parameter-list.ts';
import { namedVerdict } from './named-verdict.ts';
import { scaledNote } from './scaled-metric.ts';

/** A table cell: text, or a command's name, which each markup sets as code (`x`, =x=). */
export type TableCell = string | { readonly code: string };

/** One metric's table (or By value's), and the verdicts said under it. */
export interface TableSection {
  readonly title: string;
  /** The header's cells. */
  readonly header: readonly string[];
  /** Each column's alignment, as hyperfine's: names to the left, numbers to the right. */
  readonly align: readonly ('left' | 'right')[];
  readonly rows: readonly (readonly TableCell[])[];
  /** Sentences under the table: the metric's verdicts. */
  readonly sentences: readonly string[];
}

export interface CompareTables {
  /** What the figures are: runs, warm-up, backend, machine, and how Relative reads. */
  readonly intro: string;
  readonly sections: readonly TableSection[];
}

/**
 * A section as a table of `| a | b |` rows, as markdown and Org write one: `heading`, a blank line,
 * the header, `rule` under it, the rows (each cell as `cell` writes it), then the sentences.
 */
export function pipeTableSection({ header, rows, sentences }: TableSection, heading: string, rule: string, cell: (cell: TableCell) => string): string {
  const lines = [heading, '', `| ${header.map(cell).join(' | ')} |`, rule, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
  if (sentences.length > 0) lines.push('', ...sentences);
  return lines.join('\n');
}

/** Decimals that give the reference value three significant digits (0 to 3). */
function decimalsFor(scaledReference: number): number {
  if (scaledReference === 0) return 2;
  return Math.min(3, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(scaledReference)))));
}

/**
 * The noise floor's numbers where the alternatives' decimals would write its mean as 0: an empty
 * cell's 5.2 µs beside cells of 28 and 52 ms read "0.0 ± 0.0" in ms, where the text said 5.20 µs.
 * It gets two significant digits of its own; undefined where the column's decimals show it.
 * @example floorNumber(5.2e-6, 1e-3, 1)?.(2.5e-6) // '0.0025'
 */
function floorNumber(mean: number | null, divisor: number, decimals: number): ((value: number | null) => string) | undefined {
  if (mean === null || mean === 0 || Math.abs(mean / divisor) >= 0.5 * 10 ** -decimals) return undefined;
  const own = 1 - Math.floor(Math.log10(Math.abs(mean / divisor)));
  const format = new Intl.NumberFormat('en-US', { minimumFractionDigits: own, maximumFractionDigits: own });
  return (value) => (value === null ? '–' : format.format(value / divisor));
}

/**
 * A ratio to its decimals (ratioDecimals), beside its interval as "ratio (low–high)"; with the decimals that keep
 * it inside that interval (its exact ends, or its ends as printed): 1.0012 read "1.00 (1.0004–1.002)", below its own interval (a QA pass),
 * and so did a program 473× faster than the first, 0.00211 as "0.00 (0.00160–0.00279)" (a QA pass).
 */
function ratioBesideBounds(value: number, interval: { readonly low: number; readonly high: number }): string {
  const bounds = formatBounds(interval.low, interval.high);
  // inside the ends as printed is inside for the reader: an interval of no width (runs that each
  // counted the same, as cachegrind's do) has no exact end a rounded ratio lies on, and its ratio
  // 0.99999240 read "0.9999923955962898 (0.99999–0.99999)", 16 decimals (a QA pass)
  const [printedLow, printedHigh] = bounds.split('–').map(readPrintedBound);
  const isOutside = (digits: number) => {
    const printed = Number(value.toFixed(digits));
    const isInside = (low: number, high: number) => printed >= low && printed <= high;
    return !isInside(interval.low, interval.high) && !isInside(printedLow!, printedHigh!);
  };
  let decimals = ratioDecimals(value);
  while (decimals < 17 && isOutside(decimals)) decimals++;
  return `${value.toFixed(decimals)} (${bounds})`;
}

/** An interval's end as formatBounds prints it, back to a number: "20,500" is 20500, "∞" Infinity. */
function readPrintedBound(text: string): number {
  return text === '∞' ? Infinity : Number(text.replaceAll(',', ''));
}

/**
 * A ratio's decimals: two, or two significant digits below 0.1. Two decimals printed 0.0053 beside
 * its interval 0.00197–0.0142 as "0.01", inside the interval and 88% off (a QA pass).
 * @example ratioDecimals(0.0053) // 4
 */
function ratioDecimals(value: number): number {
  return value > 0 ? Math.max(2, 1 - Math.floor(Math.log10(value))) : 2;
}

/** Two decimals, or more where a figure other than 0 would print as 0.00: a ± 0.0004. */
function decimalsShowing(value: number): number {
  let decimals = 2;
  while (value !== 0 && decimals < 17 && Number(value.toFixed(decimals)) === 0) decimals++;
  return decimals;
}

/**
 * "1.52 ± 0.03" (B ÷ A ± half its interval), or where the interval is lopsided around the ratio
 * (see isNearlySymmetric), or a significant ratio's ± would read as reaching 1 (see isClearOfOne),
 * the interval itself, "1.89 (1.13–3.16)"; "1.00" for the first (– where it has no mean), "2.00" for a rate (no interval);
 * "–" where the verdict gives no factor (see isPointRatioLeftOut).
 */
function relativeCell(comparison: Comparison | undefined, isFirst: boolean, hasMean: boolean): string {
  // the first is what the others are relative to: 1.00, unless it has no mean (no run gave a value)
  if (isFirst) return hasMean ? '1.00' : '–';
  const value = comparison?.ratio.ratio ?? null;
  // A's mean not clear of 0: the verdict gives no factor or its lower end, not this ratio
  if (comparison === undefined || value === null || isPointRatioLeftOut(comparison)) return '–';
  const interval = comparison.ratio.interval;
  if (interval === null) return value.toFixed(ratioDecimals(value));
  if (!isNearlySymmetric(value, interval.low, interval.high)) return ratioBesideBounds(value, interval);
  // a ± under 0.005 gets one significant digit, as the verdict's has: at three decimals, a program
  // 250× faster than the first read "0.004 ± 0.000", an interval of no width (a QA pass)
  let decimals = Math.max(decimalsShowing(interval.halfWidth), ratioDecimals(value));
  // a significant ratio's ± read as reaching back to 1.00 ("1.02 ± 0.02" beside "slower"): a digit more, else its interval
  if (comparison?.isSignificant === true) {
    if (!isClearOfOne(value, interval.halfWidth, decimals)) decimals = Math.max(decimals, 3);
    if (!isClearOfOne(value, interval.halfWidth, decimals)) return ratioBesideBounds(value, interval);
  }
  return `${value.toFixed(decimals)} ± ${interval.halfWidth.toFixed(decimals)}`;
}

/** A verdict as a sentence; one of no difference says which two it is about. */
function verdictSentence(comparison: Comparison, scaled = ''): string {
  return `${namedVerdict(comparison)}${scaled}.`;
}

function metricSection(document: CompareDocument, result: MetricResult, unitS: number | null): TableSection {
  const { metric } = result;
  const means = result.summaries.map(({ summary }) => summary.mean).filter((mean): mean is number => mean !== null && mean !== 0);
  // time in the unit --time-unit gave (hyperfine's), else the one the smallest mean picks
  const scale = displayScale(metric.unit, metric.role === 'primary' && metric.unit === 's' && unitS !== null ? unitS : means.length === 0 ? 0 : Math.min(...means.map(Math.abs)));
  const decimals = decimalsFor((means.length === 0 ? 0 : Math.min(...means.map(Math.abs))) / scale.divisor);
  const format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const number = (value: number | null) => (value === null ? '–' : format.format(value / scale.divisor));
  const unit = scale.label === '' ? '' : ` [${scale.label}]`;
  const isCommands = document.settings.source === 'commands';
  const row = (name: TableCell, summary: RunSummary, relative: string, write = number): TableCell[] => {
    const mean = summary.stdDev === null ? write(summary.mean) : `${write(summary.mean)} ± ${write(summary.stdDev)}`;
    return [name, mean, write(summary.min), write(summary.max), relative];
  };
  const rows = result.summaries.map(({ name, summary }, index) => row(isCommands ? { code: name } : name, summary, relativeCell(result.comparisons[index - 1], index === 0, summary.mean !== null)));
  if (result.noiseFloor !== null) rows.push(row('noise floor', result.noiseFloor, '', floorNumber(result.noiseFloor.mean, scale.divisor, decimals) ?? number));
  return {
    // counts perf scaled up from part of the time (multiplexing) are estimates: the title and each verdict say so
    title: `${metric.label}${scaledNote(document, metric.key)}`,
    header: [isCommands ? 'Command' : 'Cell', `Mean${unit}`, `Min${unit}`, `Max${unit}`, 'Relative'],
    align: ['left', 'right', 'right', 'right', 'right'],
    rows,
    sentences: result.comparisons
      .filter((comparison) => comparison.role !== 'rate')
      .map((comparison) => verdictSentence(comparison, scaledNote(document, metric.key, [comparison.alternativeName, comparison.baselineName]))),
  };
}

/**
 * A parameter scan's (-L, -P) answer at each value (document.byValue): a table of each command's
 * mean time at each value, Relative to the first command at that value, then time's verdict at
 * each value and every other meaningful one; none without a scan of two commands or more.
 */
function byValueSection(document: CompareDocument, unitS: number | null): TableSection[] {
  const groups = document.byValue ?? [];
  if (groups.length === 0) return [];
  // milliseconds unless --time-unit gave another
  const scale = displayScale('s', unitS ?? 1e-3);
  const rows: TableCell[][] = [];
  const sentences: string[] = [];
  for (const { parameters, results } of groups) {
    const values = describeParameters(parameters);
    const time = results.find((result) => result.metric.role === 'primary');
    time?.summaries.forEach(({ name, summary }, index) => {
      const mean = summary.mean === null ? '–' : (summary.mean / scale.divisor).toFixed(2);
      rows.push([values, { code: name }, mean, relativeCell(time.comparisons[index - 1], index === 0, summary.mean !== null)]);
    });
    // time's verdict (as the metric tables word one of no difference), and every other meaningful one
    for (const result of results) {
      for (const comparison of result.comparisons) {
        if (comparison.isMeaningful || result.metric.role === 'primary') sentences.push(`${values}: ${verdictSentence(comparison)}`);
      }
    }
  }
  return [{ title: 'By value', header: ['Values', 'Command', `Mean time [${scale.label}]`, 'Relative'], align: ['left', 'left', 'right', 'right'], rows, sentences }];
}

/**
 * The comparison as hyperfine's exports tabulate it, before any markup (--export-markdown,
 * --export-asciidoc and --export-orgmode each write it in their syntax, so the three say the same
 * numbers): a table per metric in human units (ms, MiB,
 * thousands) with mean ± σ, min, max and a Relative column (each alternative over the first, ± half
 * its confidence interval, or the interval where it is lopsided), that metric's verdicts, and under
 * a parameter scan a table By value. `timeUnit` (-u) sets time's unit.
 */
export function compareTables(document: CompareDocument, options: { readonly timeUnit?: TimeUnit } = {}): CompareTables {
  const unitS = options.timeUnit === undefined ? null : TIME_UNIT_SECONDS[options.timeUnit];
  const { settings, machine } = document;
  // an export is read without the run's stderr, whose warning said whose time this is: under
  // cachegrind the time tables held valgrind's slowed-down runs with only `backend cachegrind` above them
  const backend = settings.backend === 'cachegrind'
    ? "backend cachegrind (simulated counters; each run under valgrind: its time is valgrind's, not the program's)"
    : `backend ${settings.backend}`;
  const intro =
    `${runCountsText(document)} after ${settings.warmup} warm-up round(s), ` +
    `${backend}, on ${machine.hostname} (${machine.cpuModel ?? 'unknown CPU'}, kernel ${machine.kernel}, node ${machine.node}). ` +
    'Relative: the ratio to the first alternative (of geometric means where every value is positive, as the tests take them), ' +
    '± half its confidence interval, or the interval itself (low–high) where it is lopsided around the ratio or a significant ratio’s ± would read as reaching 1: ' +
    '95% for time, wider for the other metrics after Holm’s correction; rates get no verdict, they mirror time.';
  return { intro, sections: [...document.results.map((result) => metricSection(document, result, unitS)), ...byValueSection(document, unitS)] };
}
