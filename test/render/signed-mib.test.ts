import { describe, expect, it } from 'vitest';
import { formatSignedMiB } from '../../src/render/units.ts';

const MIB = 1024 * 1024;

describe('formatSignedMiB: the heap line\'s deltas', () => {
  it('signs growth and shrinkage, and never prints -0.0 for what rounds to nothing', () => {
    expect(formatSignedMiB(128 * MIB)).toBe('+128.0 MiB');
    expect(formatSignedMiB(-6.3 * MIB)).toBe('-6.3 MiB');
    expect(formatSignedMiB(0)).toBe('+0.0 MiB');
    expect(formatSignedMiB(-0.04 * MIB)).toBe('+0.0 MiB');
    expect(formatSignedMiB(-0.06 * MIB)).toBe('-0.1 MiB');
  });
});
