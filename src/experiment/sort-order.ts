import { mean } from 'simple-statistics';
import { valuesOf, type AlternativeRuns } from './analyze.ts';

/**
 * hyperfine's --sort: `auto` and `command` keep the order the alternatives were given (compare's
 * summary is against the first: hyperfine's `auto` orders only its summary by time); `mean-time`
 * puts the fastest first, so every table, export and verdict is against it.
 */
export const SORT_ORDERS = ['auto', 'command', 'mean-time'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The mean of a run's time over an alternative's runs; Infinity for one with none (sorted last). */
function meanTimeS({ runs }: AlternativeRuns): number {
  const times = valuesOf(runs, 'durationS');
  return times.length === 0 ? Number.POSITIVE_INFINITY : mean(times);
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
