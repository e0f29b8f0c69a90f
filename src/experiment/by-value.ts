import { analyzeRuns, type AlternativeRuns, type MetricResult } from './analyze.ts';

/** The alternatives of a parameter scan (compare -L, -P) that ran with the same values, each against the first of them. */
export interface ValueComparison {
  /** The values they share (`{ n: '1024' }`). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Every metric of the group's alternatives, each after the first against it (analyzeRuns). */
  readonly results: readonly MetricResult[];
}

/**
 * A scan's answer at each value: `-L n 512,1024 -- "row {n}" "col {n}"` asks how col compares with
 * row at n = 512 and at n = 1024, which the summary (every alternative against the first, `row (n =
 * 512)`) does not say. The alternatives of the same values are analysed as compare analyses all of
 * them (time tested at alpha, the other metrics one family under Holm, the noise floor's spread as
 * the least effect that counts). Pure; [] without parameters, or where no two alternatives share values.
 * @example compareByValue([{ name: 'row (n = 512)', parameters: { n: '512' }, runs }, { name: 'col (n = 512)', parameters: { n: '512' }, runs }], null)
 *   // [{ parameters: { n: '512' }, results: [{ metric: time, comparisons: [{ verdict: 'col (n = 512) is 1.4× ± 0.1 slower; p < 0.001', … }] }, …] }]
 */
export function compareByValue(
  alternatives: readonly (AlternativeRuns & { readonly parameters?: Readonly<Record<string, string>> })[],
  noiseFloor: AlternativeRuns | null,
  alpha = 0.05,
): ValueComparison[] {
  const groups = new Map<string, { parameters: Readonly<Record<string, string>>; members: AlternativeRuns[] }>();
  for (const alternative of alternatives) {
    if (alternative.parameters === undefined) continue;
    const key = JSON.stringify(alternative.parameters);
    const group = groups.get(key) ?? { parameters: alternative.parameters, members: [] };
    group.members.push(alternative);
    groups.set(key, group);
  }
  return [...groups.values()].filter((group) => group.members.length > 1).map(({ parameters, members }) => ({ parameters, results: analyzeRuns(members, noiseFloor, alpha) }));
}

/**
 * A scan's --reference: the first alternative where it has no values and others do (it ran once,
 * not per value); the summary against it answers what --reference asked, so it is shown beside By
 * value. null for a scan without one, and for no scan.
 * @example scanReference([{ name: 'old' }, { name: 'new (n = 1)', parameters: { n: '1' } }]) // 'old'
 */
export function scanReference(alternatives: readonly { readonly name: string; readonly parameters?: Readonly<Record<string, string>> }[]): string | null {
  const [first, ...rest] = alternatives;
  return first !== undefined && first.parameters === undefined && rest.some((alternative) => alternative.parameters !== undefined) ? first.name : null;
}
