import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/render/units.ts';

/** formatCount without Intl (which cost every `run` ~25 ms of ICU loading) prints what Intl's en-US formatters print. */
describe('formatCount', () => {
  it('matches Intl.NumberFormat en-US (grouped whole numbers; two decimals under 100) on 200,000 values', () => {
    const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const decimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
    const intl = (value: number) => (Math.abs(value) >= 100 || Number.isInteger(value) ? grouping : decimals).format(value);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = [0, 1, 99.995, 99.994, 100, 999.5, 1000, 0.125, 2.5, 1234567.5, 4123456789, 2 ** 53 - 1];
    for (let i = 0; i < 200_000; i += 1) {
      const magnitude = 10 ** Math.floor(random() * 16 - 3);
      const value = random() * magnitude;
      values.push(i % 3 === 0 ? Math.round(value) : value);
    }
    const mismatches = values.filter((value) => formatCount(value) !== intl(value)).slice(0, 5).map((value) => [value, formatCount(value), intl(value)]);
    expect(mismatches).toEqual([]);
    expect(formatCount(null)).toBe('?');
  });
});
