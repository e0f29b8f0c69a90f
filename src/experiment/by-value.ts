import { minimumEffectFor, valuesOf, type AlternativeRuns } from './analyze.ts';
import { describeMetric } from './metrics.ts';
import { compareRuns, summarizeRuns, type Comparison } from './statistics.ts';

/** The alternatives of a parameter scan (compare -L) that ran with the same values, each against the first of them. */
export interface ValueComparison {
  /** The values they share (`{ n: '1024' }`). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Time: each alternative after the group's first against it, as compare's summary words it. */
  readonly comparisons: readonly Comparison[];
}

/**
 * A scan's answer at each value: `-L n 512,1024 -- "row {n}" "col {n}"` asks how col compares with
 * row at n = 512 and at n = 1024, which the summary (every alternative against the first, `row (n = 512)`)
 * does not say. Time only, tested as the summary tests it (the noise floor's spread as the least
 * effect that counts). Pure; [] without parameters, or where no two alternatives share values.
 * @example compareByValue([{ name: 'row (n = 512)', parameters: { n: '512' }, runs }, { name: 'col (n = 512)', parameters: { n: '512' }, runs }], null)
 *   // [{ parameters: { n: '512' }, comparisons: [{ verdict: 'col (n = 512) is 1.4× ± 0.1 slower; p < 0.001', … }] }]
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
  const time = describeMetric('durationS');
  const floorValues = noiseFloor === null ? [] : valuesOf(noiseFloor.runs, time.key);
  return [...groups.values()]
    .filter((group) => group.members.length > 1)
    .map(({ parameters, members: [first, ...rest] }) => {
      const baseline = valuesOf((first as AlternativeRuns).runs, time.key);
      return {
        parameters,
        comparisons: rest.map((alternative) =>
          compareRuns({ name: (first as AlternativeRuns).name, values: baseline }, { name: alternative.name, values: valuesOf(alternative.runs, time.key) }, time.wording, {
            alpha,
            role: time.role,
            minimumEffect: minimumEffectFor(summarizeRuns(baseline), floorValues),
            ...(time.resolution === undefined ? {} : { resolution: time.resolution }),
          }),
        ),
      };
    });
}
