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
});
