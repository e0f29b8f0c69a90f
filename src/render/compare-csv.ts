import type { Comparison } from '../experiment/statistics.ts';
import type { CompareDocument, PartialRun, SavedAlternative } from '../experiment/compare-document.ts';
import { partialCause } from '../experiment/partial-run.ts';
import { eventOf, scaledPctOf } from './scaled-metric.ts';
import { COMPARE_COLUMNS, comparisonFields, flattenComparison, rowCells } from './compare-table.ts';

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * The `partial` cell: empty when the comparison ran to its end, else what stopped it (a signal, a
 * run, a hook command, a check cell) and how many rounds every row holds, as the stderr line says
 * it, e.g. `interrupted by SIGINT after 3 complete rounds` or `the --cleanup command for 'a' failed
 * after the rounds (3 complete rounds)`. A column, not a leading comment line: CSV readers (pandas,
 * R, spreadsheets) take the first line as the header.
 */
export function partialCell(partial: PartialRun | undefined): string {
  return partial === undefined ? '' : partialCause(partial);
}

/** A scan's (-L, -P) parameter names, in the order the alternatives first give them. */
function parameterNames(document: CompareDocument): string[] {
  const names = new Set<string>();
  for (const alternative of document.alternatives) for (const name of Object.keys(alternative.parameters ?? {})) names.add(name);
  return [...names];
}

/** What a scan's By value adds to each row: the alternative against the first at its values. */
export const VALUE_COLUMNS = ['value_ratio', 'value_ratio_low', 'value_ratio_high', 'value_p_value', 'value_significant', 'value_meaningful', 'value_verdict'] as const;

/** Each (metric, alternative)'s comparison at its values (document.byValue), keyed `metric\0name`. */
function valueComparisons(document: CompareDocument): Map<string, Comparison> {
  const found = new Map<string, Comparison>();
  for (const group of document.byValue ?? []) {
    for (const result of group.results) {
      result.summaries.forEach(({ name }, index) => {
        const comparison = index === 0 ? undefined : result.comparisons[index - 1];
        if (comparison !== undefined) found.set(`${result.metric.key}\0${name}`, comparison);
      });
    }
  }
  return found;
}

/** By value's cells of a row: its comparison at its value, as COMPARE_COLUMNS has its comparison against the first. */
function valueCells(comparison: Comparison | undefined): string[] {
  const fields = comparisonFields(comparison);
  const text = (value: number | boolean | null): string => (value === null ? '' : String(value));
  return [text(fields.ratio), text(fields.ratioLow), text(fields.ratioHigh), text(fields.pValue), text(fields.isSignificant), text(fields.isMeaningful), fields.verdict];
}

/** A row's `lowest_running_pct`: its alternative's share for the metric's counts, '' where it has none. */
function runningPctCell(metricKey: string, alternative: SavedAlternative | null | undefined): string {
  const pct = alternative?.lowestRunningPct?.[eventOf(metricKey)];
  return pct === undefined ? '' : String(pct);
}

/**
 * The comparison as CSV (RFC 4180): a row per metric and alternative, numbers in the metric's
 * unit at full precision so they read back exactly; the noise floor has role `noise-floor`. The
 * column `partial` is empty unless compare stopped early (Ctrl-C, SIGTERM, a failing run,
 * hook command or check cell): then every row says why, since each row's statistics hold only the
 * runs that finished (every round, when what failed came after them).
 * A parameter scan (-L, -P) adds hyperfine's `parameter_NAME` columns (each alternative's value;
 * empty for the noise floor), and where two commands or more ran at a value, By value's `value_*`
 * columns: the alternative against the first one of its values (empty for that first), where
 * ratio…verdict are against the first overall. Where perf multiplexed some counter (counted it
 * part of the time and scaled it up), `lowest_running_pct` follows: each row's lowest running share
 * over its runs (a ratio's, the lower of its two counts'), 100 where counted all of the time,
 * empty for metrics perf printed none for (time, RSS).
 * @example
 * metric,label,unit,role,name,n,mean,stddev,median,min,max,ratio,ratio_low,ratio_high,p_value,significant,meaningful,scale,test_alpha,verdict,partial
 * durationS,time,s,alternative,row,10,0.0121,0.0004,…,,,,,,,
 */
export function renderCompareCsv(document: CompareDocument): string {
  const partial = partialCell(document.partial);
  const parameters = parameterNames(document);
  // By value's columns where it has an answer: two commands or more at a value
  const hasByValue = (document.byValue ?? []).length > 0;
  const atValue = valueComparisons(document);
  const valuesOf = new Map(document.alternatives.map((alternative) => [alternative.name, alternative.parameters ?? {}]));
  // where perf scaled some counts up from part of the time, which rows are estimates and from how much
  const isScaled = document.results.some((result) => scaledPctOf(document, result.metric.key) !== null);
  const header = [...COMPARE_COLUMNS, 'partial', ...parameters.map((name) => `parameter_${name}`), ...(hasByValue ? VALUE_COLUMNS : []), ...(isScaled ? ['lowest_running_pct'] : [])];
  const lines = [header.join(',')];
  for (const row of flattenComparison(document)) {
    const values = row.role === 'alternative' ? (valuesOf.get(row.name) ?? {}) : {};
    const byValue = hasByValue ? valueCells(row.role === 'alternative' ? atValue.get(`${row.metric}\0${row.name}`) : undefined) : [];
    const share = isScaled ? [runningPctCell(row.metric, row.role === 'noise-floor' ? document.noiseFloor : document.alternatives.find((alternative) => alternative.name === row.name))] : [];
    lines.push([...rowCells(row, String), partial, ...parameters.map((name) => values[name] ?? ''), ...byValue, ...share].map(quote).join(','));
  }
  return `${lines.join('\n')}\n`;
}
