import type { CompareDocument } from '../experiment/compare-document.ts';
import type { Comparison, RunSummary } from '../experiment/statistics.ts';

/** One row of the flat form of a comparison, as the CSV export writes it (the markup exports tabulate compare-markup-tables.ts). */
export interface CompareRow {
  readonly metric: string;
  readonly label: string;
  readonly unit: string;
  /** 'alternative' or 'noise-floor'. */
  readonly role: 'alternative' | 'noise-floor';
  readonly name: string;
  readonly summary: RunSummary;
  /** Against the first alternative; null for the first itself and the noise floor. */
  readonly ratio: number | null;
  readonly ratioLow: number | null;
  readonly ratioHigh: number | null;
  readonly pValue: number | null;
  readonly isSignificant: boolean | null;
  /** Significant and above the minimum effect; null for the first and the noise floor. */
  readonly isMeaningful: boolean | null;
  /** 'log' or 'linear' (see RatioScale); null where there is no comparison. */
  readonly scale: string | null;
  /** The alpha the metric was tested at (Holm's step for secondary metrics); null without a test. */
  readonly testAlpha: number | null;
  readonly verdict: string;
}

/** What a row says of its comparison; all null (and no verdict) where it has none. */
export type ComparisonFields = Pick<CompareRow, 'ratio' | 'ratioLow' | 'ratioHigh' | 'pValue' | 'isSignificant' | 'isMeaningful' | 'scale' | 'testAlpha' | 'verdict'>;

/** A comparison as a row's fields (a CSV row's against the first, or against the first at its value). */
export function comparisonFields(comparison: Comparison | undefined): ComparisonFields {
  return {
    ratio: comparison?.ratio.ratio ?? null,
    ratioLow: comparison?.ratio.interval?.low ?? null,
    ratioHigh: comparison?.ratio.interval?.high ?? null,
    pValue: comparison?.welch?.pValue ?? null,
    isSignificant: comparison?.isSignificant ?? null,
    isMeaningful: comparison?.isMeaningful ?? null,
    scale: comparison?.ratio.scale ?? null,
    testAlpha: comparison === undefined || comparison.welch === null ? null : comparison.testAlpha,
    verdict: comparison?.verdict ?? '',
  };
}

/** Every (metric, alternative) pair as a row, the noise floor last within each metric. */
export function flattenComparison(document: CompareDocument): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const result of document.results) {
    const base = { metric: result.metric.key, label: result.metric.label, unit: result.metric.unit };
    result.summaries.forEach(({ name, summary }, index) => {
      const comparison = index === 0 ? undefined : result.comparisons[index - 1];
      rows.push({ ...base, role: 'alternative', name, summary, ...comparisonFields(comparison) });
    });
    if (result.noiseFloor !== null) {
      rows.push({ ...base, role: 'noise-floor', name: document.noiseFloor?.name ?? 'noise floor', summary: result.noiseFloor, ...comparisonFields(undefined) });
    }
  }
  return rows;
}

export const COMPARE_COLUMNS = ['metric', 'label', 'unit', 'role', 'name', 'n', 'mean', 'stddev', 'median', 'min', 'max', 'ratio', 'ratio_low', 'ratio_high', 'p_value', 'significant', 'meaningful', 'scale', 'test_alpha', 'verdict'] as const;

/** The row's cells in COMPARE_COLUMNS order; numbers through `number`, missing values as ''. */
export function rowCells(row: CompareRow, number: (value: number) => string): string[] {
  const num = (value: number | null): string => (value === null ? '' : number(value));
  const { summary } = row;
  return [
    row.metric,
    row.label,
    row.unit,
    row.role,
    row.name,
    String(summary.n),
    num(summary.mean),
    num(summary.stdDev),
    num(summary.median),
    num(summary.min),
    num(summary.max),
    num(row.ratio),
    num(row.ratioLow),
    num(row.ratioHigh),
    num(row.pValue),
    row.isSignificant === null ? '' : String(row.isSignificant),
    row.isMeaningful === null ? '' : String(row.isMeaningful),
    row.scale ?? '',
    num(row.testAlpha),
    row.verdict,
  ];
}
