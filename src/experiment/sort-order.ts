import { geometricMean, mean } from 'simple-statistics';
import { valuesOf, type AlternativeRuns } from './analyze.ts';

/**
 * hyperfine's --sort: `auto` and `command` keep the order the alternatives were given (compare's
 * summary is against the first: hyperfine's `auto` orders only its summary by time); `mean-time`
 * puts the fastest first, so every table, export and verdict is against it: fastest as the verdicts
 * weigh time (meanTimeS).
 */
export const SORT_ORDERS = ['auto', 'command', 'mean-time'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/**
 * An alternative's time as its verdicts compare it: the geometric mean of its runs' times (the
 * ratios and tests are on the log scale; statistics.ts RatioScale), the mean where a time is not
 * above 0; Infinity for one with no runs (sorted last). By the arithmetic mean, as hyperfine sorts,
 * an alternative with one stretched run came second, and its verdict against the first read "1.7×
 * faster" (a QA pass: runs of 10 ms but one of 500 ms, against 20 ms).
 */
function meanTimeS({ runs }: AlternativeRuns): number {
  const times = valuesOf(runs, 'durationS');
  if (times.length === 0) return Number.POSITIVE_INFINITY;
  return times.every((time) => time > 0) ? geometricMean(times) : mean(times);
}

/**
 * The alternatives in the order `order` names; the first `keptFirst` stay where they are (a
 * --reference, which every other is compared against), the rest sorted by mean time, ties in the
 * given order.
 * @example sortAlternatives([{ name: 'a', runs: [{ durationS: 2 }] }, { name: 'b', runs: [{ durationS: 1 }] }], 'mean-time').map((a) => a.name) // ['b', 'a']
 */
export function sortAlternatives<T extends AlternativeRuns>(alternatives: readonly T[], order: SortOrder, keptFirst = 0): readonly T[] {
  if (order !== 'mean-time') return alternatives;
  const kept = alternatives.slice(0, keptFirst);
  const sorted = alternatives
    .slice(keptFirst)
    .map((alternative) => ({ alternative, meanS: meanTimeS(alternative) }))
    .sort((left, right) => left.meanS - right.meanS)
    .map(({ alternative }) => alternative);
  return [...kept, ...sorted];
}
