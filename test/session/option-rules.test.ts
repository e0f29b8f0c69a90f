import { describe, expect, it } from 'vitest';
import { parseIntervalMs } from '../../src/cli/options.ts';
import { INTERVAL_MS, PID, SECONDS_ABOVE_ZERO, SECONDS_FROM_ZERO, wholeNumberFrom } from '../../src/session/option-rules.ts';

describe('one rule for the command line and the library (option-rules.ts)', () => {
  it('-I and intervalMs take and refuse the same values', () => {
    for (const value of ['0', '-5', '1.5', '9', 'abc', '']) {
      expect(() => parseIntervalMs(value)).toThrow(`give ${INTERVAL_MS.wants}, e.g. -I 100`);
      expect(INTERVAL_MS.holds(Number(value))).toBe(false);
    }
    for (const value of ['10', '100', '2000']) expect(parseIntervalMs(value)).toBe(Number(value));
  });

  it('counts are whole numbers from their minimum; seconds finite numbers; a pid a whole number > 0', () => {
    const values = [0, 1, 2, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '3'];
    expect(values.map((value) => wholeNumberFrom(1).holds(value))).toEqual([false, true, true, false, false, false, false, false]);
    expect(values.map((value) => wholeNumberFrom(0).holds(value))).toEqual([true, true, true, false, false, false, false, false]);
    expect(values.map((value) => SECONDS_ABOVE_ZERO.holds(value))).toEqual([false, true, true, true, false, false, false, false]);
    expect(values.map((value) => SECONDS_FROM_ZERO.holds(value))).toEqual([true, true, true, true, false, false, false, false]);
    expect(values.map((value) => PID.holds(value))).toEqual([false, true, true, false, false, false, false, false]);
  });
});
