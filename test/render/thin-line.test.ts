import { describe, expect, it } from 'vitest';
import { thinLine } from '../../src/render/thin-line.ts';
import { seededRandom } from '../support/seeded-random.ts';

describe('thinLine', () => {
  it('keeps the first and last sample and each stretch\'s lowest and highest, in time order', () => {
    expect(thinLine([1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 9, 1, 1, 0, 1, 1], 6)).toEqual({ x: [1, 3, 5, 6, 8], values: [0, 9, 1, 0, 1] });
  });

  it('gives a line of maxPoints samples or fewer back whole', () => {
    expect(thinLine([1, 2, 3], [3, null, 1], 3)).toEqual({ x: [1, 2, 3], values: [3, null, 1] });
  });

  it('keeps one null of a stretch with no value, so the gap shows', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    expect(thinLine(x, [5, 6, 1, 2, null, null, null, null, 7, 8, 3, 4], 8)).toEqual({ x: [1, 2, 3, 5, 10, 11, 12], values: [5, 6, 1, null, 8, 3, 4] });
  });

  // any line, any budget: never more points than the budget, and every stretch's extremes are there
  it('stays within maxPoints and keeps the line\'s highest and lowest (seeded random lines)', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 200; round += 1) {
      const count = 1 + Math.floor(random() * 5000);
      const maxPoints = 4 + Math.floor(random() * 600);
      const x = Array.from({ length: count }, (_, index) => index * 0.1);
      const values = Array.from({ length: count }, () => (random() < 0.05 ? null : Math.round(random() * 1000)));
      const drawn = thinLine(x, values, maxPoints);
      expect(drawn.x.length).toBeLessThanOrEqual(maxPoints);
      expect(drawn.values).toHaveLength(drawn.x.length);
      const numbers = (list: readonly (number | null)[]) => list.filter((value): value is number => value !== null);
      if (numbers(values).length > 0) {
        expect(Math.max(...numbers(drawn.values))).toBe(Math.max(...numbers(values)));
        expect(Math.min(...numbers(drawn.values))).toBe(Math.min(...numbers(values)));
      }
      expect(drawn.x[0]).toBe(x[0]);
      expect(drawn.x.at(-1)).toBe(x.at(-1));
      expect(drawn.x.every((time, index) => index === 0 || time > (drawn.x[index - 1] ?? Infinity))).toBe(true);
      // each kept point is the sample at its time
      expect(drawn.x.every((time, index) => values[Math.round(time / 0.1)] === drawn.values[index])).toBe(true);
    }
  });
});
