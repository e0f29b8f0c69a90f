import { describe, expect, it } from 'vitest';
import { sortAlternatives } from '../../src/experiment/sort-order.ts';

const alternative = (name: string, ...timesS: number[]) => ({ name, runs: timesS.map((durationS) => ({ durationS, 'page-faults': 100 })) });

describe("sortAlternatives (hyperfine's --sort)", () => {
  const given = [alternative('slow', 0.03, 0.031), alternative('fast', 0.01, 0.012), alternative('middle', 0.02, 0.018), alternative('none')];

  it('keeps the given order for auto and command', () => {
    for (const order of ['auto', 'command'] as const) expect(sortAlternatives(given, order).map(({ name }) => name)).toEqual(['slow', 'fast', 'middle', 'none']);
  });

  it('puts the fastest mean time first for mean-time, one without runs last, a reference kept first', () => {
    expect(sortAlternatives(given, 'mean-time').map(({ name }) => name)).toEqual(['fast', 'middle', 'slow', 'none']);
    expect(sortAlternatives(given, 'mean-time', 1).map(({ name }) => name)).toEqual(['slow', 'fast', 'middle', 'none']);
    // ties keep the given order
    expect(sortAlternatives([alternative('b', 1), alternative('a', 1)], 'mean-time').map(({ name }) => name)).toEqual(['b', 'a']);
  });

  // A QA pass: 40 runs of 10 ms but one of 500 ms (mean 22.3 ms) against 20 ms: by the arithmetic
  // mean the 20 ms one came first, and the verdict against it read "1.7× faster".
  it('sorts by time as the verdicts weigh it (the geometric mean of the runs), not a mean one stretched run decides', () => {
    const stretched = alternative('stretched', ...Array.from({ length: 40 }, (_, index) => (index === 19 ? 0.5 : 0.01)));
    const steady = alternative('steady', ...Array.from({ length: 40 }, () => 0.02));
    expect(sortAlternatives([steady, stretched], 'mean-time').map(({ name }) => name)).toEqual(['stretched', 'steady']);
  });
});
