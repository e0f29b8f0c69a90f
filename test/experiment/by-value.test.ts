import { describe, expect, it } from 'vitest';
import { compareByValue, type ValueComparison } from '../../src/experiment/by-value.ts';

/** Runs of `seconds` (and `pages` page-faults), each a little apart, as real runs are. */
const runs = (seconds: number, pages = 100, count = 8) => Array.from({ length: count }, (_, index) => ({ durationS: seconds * (1 + (index % 4) * 0.01), 'page-faults': pages + (index % 3) }));

/** A group's time comparison (the primary metric). */
const timeOf = (group: ValueComparison | undefined) => group?.results.find((result) => result.metric.role === 'primary')?.comparisons[0];

describe('compareByValue (compare -L: the commands at each value)', () => {
  it('groups the alternatives by their values and analyses each group against its first, every metric', () => {
    const byValue = compareByValue(
      [
        { name: 'row (n = 512)', parameters: { n: '512' }, runs: runs(0.010) },
        { name: 'col (n = 512)', parameters: { n: '512' }, runs: runs(0.011) },
        { name: 'row (n = 4096)', parameters: { n: '4096' }, runs: runs(0.2) },
        { name: 'col (n = 4096)', parameters: { n: '4096' }, runs: runs(0.8, 300) },
      ],
      null,
    );
    expect(byValue.map((group) => [group.parameters, timeOf(group)?.baselineName, timeOf(group)?.alternativeName])).toEqual([
      [{ n: '512' }, 'row (n = 512)', 'col (n = 512)'],
      [{ n: '4096' }, 'row (n = 4096)', 'col (n = 4096)'],
    ]);
    expect(timeOf(byValue[1])?.ratio.ratio).toBeCloseTo(4, 5);
    expect(timeOf(byValue[1])?.verdict).toMatch(/^col \(n = 4096\) is 4\.0+× .*slower; p < 0\.001$/);
    // 10% apart, and significant: a real difference, said as such
    expect(timeOf(byValue[0])?.isSignificant).toBe(true);
    // the other metrics too: 3× the page-faults at n = 4096, none more at 512
    const pageFaults = (group: ValueComparison | undefined) => group?.results.find((result) => result.metric.key === 'page-faults')?.comparisons[0];
    expect(pageFaults(byValue[1])?.isMeaningful).toBe(true);
    expect(pageFaults(byValue[0])?.isMeaningful).toBe(false);
  });

  it('says nothing without parameters, or where each value has one command', () => {
    expect(compareByValue([{ name: 'a', runs: runs(1) }, { name: 'b', runs: runs(2) }], null)).toEqual([]);
    expect(compareByValue([{ name: 'a 1', parameters: { n: '1' }, runs: runs(1) }, { name: 'a 2', parameters: { n: '2' }, runs: runs(2) }], null)).toEqual([]);
  });

  it('takes the noise floor as the summary does: a difference within its spread is no meaningful one', () => {
    const floor = { name: 'noise floor', runs: [0.001, 0.004, 0.0005, 0.006].map((durationS) => ({ durationS })) };
    const [group] = compareByValue([{ name: 'a', parameters: { n: '1' }, runs: runs(0.010) }, { name: 'b', parameters: { n: '1' }, runs: runs(0.0105) }], floor);
    expect(timeOf(group)?.isSignificant).toBe(true);
    expect(timeOf(group)?.isMeaningful).toBe(false);
  });
});
