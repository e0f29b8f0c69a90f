import { describe, expect, it } from 'vitest';
import { formatMiB, formatSignedMiB } from '../../src/render/units.ts';

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

// A QA pass: a cell that let a temporary go read 'garbage used -0.0 MiB RAM', and the cells' table
// '-0.0 MiB', for RSS 20 KiB below its start: a sign with no figure to carry it
describe('formatMiB: the headline\'s and the table\'s RAM used, peaks and current RAM', () => {
  it('prints what rounds to nothing as 0.0, never -0.0; a real shrinkage keeps its sign', () => {
    expect(formatMiB(-0.02 * MIB)).toBe('0.0 MiB');
    expect(formatMiB(0)).toBe('0.0 MiB');
    expect(formatMiB(-64.04 * MIB)).toBe('-64.0 MiB');
    expect(formatMiB(-0.06 * MIB)).toBe('-0.1 MiB');
    expect(formatMiB(763.1 * MIB)).toBe('763.1 MiB');
    expect(formatMiB(null)).toBe('? MiB');
  });
});
