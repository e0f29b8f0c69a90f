import { describe, expect, it } from 'vitest';
import { addPrinted } from '../../parsers/printed-sum.ts';

describe('addPrinted', () => {
  it("keeps a sum of perf's printed values to their decimals, where a float's sum strays past them", () => {
    expect(998.94 + 981.17).toBe(1980.1100000000001);
    expect(addPrinted(998.94, 981.17)).toBe(1980.11);
    expect(addPrinted(0.1, 0.2)).toBe(0.3);
    expect(addPrinted(1980.11, 0.5)).toBe(1980.61);
    expect(addPrinted(-0.1, 0.3)).toBe(0.2);
  });

  it('adds whole counts as they are, and values past six decimals (scaled, folded) as a float does', () => {
    expect(addPrinted(3001793742, 4)).toBe(3001793746);
    expect(addPrinted(0.123456789, 1)).toBe(0.123456789 + 1);
    expect(addPrinted(1e-7, 1)).toBe(1e-7 + 1);
    expect(addPrinted(1e20 + 0.5, 0.25)).toBe(1e20 + 0.5 + 0.25);
  });
});
