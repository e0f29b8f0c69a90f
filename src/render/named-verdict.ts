import type { Comparison } from '../experiment/statistics.ts';

/**
 * A verdict that says which two alternatives it is about. One of a difference starts with the
 * alternative's name already ("col is 3.1× ± 0.2 slower; p < 0.001"); any other (no difference,
 * too few runs, a rate's) names neither, so it gets `col against row: ` before it.
 * @example namedVerdict(comparison) // 'row #2 against row: no significant difference (p = 0.42)'
 */
export function namedVerdict(comparison: Comparison): string {
  return comparison.isMeaningful ? comparison.verdict : `${comparison.alternativeName} against ${comparison.baselineName}: ${comparison.verdict}`;
}


/**
 * The verdicts of one metric's comparisons, each named (namedVerdict) where there are several,
 * since then "no significant difference" could be any alternative's; a single one as it is.
 */
export function verdictsOf(comparisons: readonly Comparison[]): string[] {
  return comparisons.map((comparison) => (comparisons.length > 1 ? namedVerdict(comparison) : comparison.verdict));
}
