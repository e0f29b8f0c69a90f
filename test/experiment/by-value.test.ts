import { describe, expect, it } from 'vitest';
import { compareByValue } from '../../src/experiment/by-value.ts';

/** Runs of `seconds`, each a little apart, as real runs are. */
const runs = (seconds: number, count = 8) => Array.from({ length: count }, (_, index) => ({ durationS: seconds * (1 + (index % 4) * 0.01) }));

describe('compareByValue (compare -L: the commands at each value)', () => {
  it('groups the alternatives by their values and compares each with the first of its group on time', () => {
    const byValue = compareByValue(
      [
        { name: 'row (n = 512)', parameters: { n: '512' }, runs: runs(0.010) },
        { name: 'col (n = 512)', parameters: { n: '512' }, runs: runs(0.011) },
        { name: 'row (n = 4096)', parameters: { n: '4096' }, runs: runs(0.2) },
        { name: 'col (n = 4096)', parameters: { n: '4096' }, runs: runs(0.8) },
      ],
      null,
    );
    expect(byValue.map(({ parameters, comparisons }) => [parameters, comparisons.map((comparison) => [comparison.baselineName, comparison.alternativeName])])).toEqual([
      [{ n: '512' }, [['row (n = 512)', 'col (n = 512)']]],
      [{ n: '4096' }, [['row (n = 4096)', 'col (n = 4096)']]],
    ]);
    expect(byValue[1]?.comparisons[0]?.ratio.ratio).toBeCloseTo(4, 5);
    expect(byValue[1]?.comparisons[0]?.verdict).toMatch(/^col \(n = 4096\) is 4\.0+× .*slower; p < 0\.001$/);
    // 10% apart, and significant: a real difference, said as such
    expect(byValue[0]?.comparisons[0]?.isSignificant).toBe(true);
  });

  it('says nothing without parameters, or where each value has one command', () => {
    expect(compareByValue([{ name: 'a', runs: runs(1) }, { name: 'b', runs: runs(2) }], null)).toEqual([]);
    expect(compareByValue([{ name: 'a 1', parameters: { n: '1' }, runs: runs(1) }, { name: 'a 2', parameters: { n: '2' }, runs: runs(2) }], null)).toEqual([]);
  });

  it('takes the noise floor as the summary does: a difference within its spread is no meaningful one', () => {
    const floor = { name: 'noise floor', runs: [0.001, 0.004, 0.0005, 0.006].map((durationS) => ({ durationS })) };
    const [group] = compareByValue([{ name: 'a', parameters: { n: '1' }, runs: runs(0.010) }, { name: 'b', parameters: { n: '1' }, runs: runs(0.0105) }], floor);
    expect(group?.comparisons[0]?.isSignificant).toBe(true);
    expect(group?.comparisons[0]?.isMeaningful).toBe(false);
  });
});
