import { describe, expect, it } from 'vitest';
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTTwoSidedP,
} from '../../src/experiment/student-t.ts';

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      expect(logGamma(n + 1)).toBeCloseTo(Math.log((factorial *= n)), 10);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    // Γ(0.25) = 3.6256099082219083 (tabulated)
    expect(Math.exp(logGamma(0.25))).toBeCloseTo(3.6256099082219083, 10);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('agrees with the closed forms I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 − (1−x)^b', () => {
    for (const x of [0, 1e-9, 0.01, 0.3, 0.5, 0.77, 0.999, 1]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedIncompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 12);
      expect(regularizedIncompleteBeta(x, 1, 7)).toBeCloseTo(1 - (1 - x) ** 7, 12);
    }
  });

  it('has the symmetry I_x(a,b) = 1 − I_(1−x)(b,a)', () => {
    for (const [x, a, b] of [[0.2, 2.5, 7], [0.9, 30, 0.5], [0.5, 0.5, 0.5]] as const) {
      expect(regularizedIncompleteBeta(x, a, b) + regularizedIncompleteBeta(1 - x, b, a)).toBeCloseTo(1, 12);
    }
  });

  it('gives I_x(1/2,1/2) = (2/π)·asin(√x), the arcsine law', () => {
    for (const x of [0.01, 0.25, 0.5, 0.9]) {
      expect(regularizedIncompleteBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 10);
    }
  });

  it('refuses arguments outside its domain', () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe('Student t', () => {
  it('matches the Cauchy CDF for df = 1 and the closed form for df = 2', () => {
    for (const t of [-30, -2, -0.5, 0, 0.3, 1, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('approaches the normal distribution for huge df', () => {
    // Φ(1.959963984540054) = 0.975; ln Γ differences of huge arguments cost digits, so 6 here.
    expect(studentTCdf(1.959963984540054, 1e9)).toBeCloseTo(0.975, 6);
    expect(studentTCdf(1.959963984540054, 1e5)).toBeCloseTo(0.975, 4);
  });

  it('reproduces t-table critical values', () => {
    // Two-sided 5% and 1% points from any t table.
    const table: ReadonlyArray<readonly [p: number, df: number, t: number]> = [
      [0.975, 10, 2.228],
      [0.975, 1, 12.706],
      [0.975, 30, 2.042],
      [0.995, 5, 4.032],
      [0.95, 1, 6.314],
      [0.9995, 20, 3.850],
    ];
    for (const [p, df, t] of table) {
      expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
      expect(studentTCdf(t, df)).toBeCloseTo(p, 4);
      expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 3);
    }
  });

  it('has the Cauchy density for df = 1 and the closed form for df = 2', () => {
    for (const t of [-30, -2, -0.5, 0, 0.3, 1, 4, 100]) {
      expect(studentTPdf(t, 1)).toBeCloseTo(1 / (Math.PI * (1 + t * t)), 14);
      expect(studentTPdf(t, 2)).toBeCloseTo((2 + t * t) ** -1.5, 14);
    }
  });

  it('inverts its own CDF to 12 digits, fractional df included (Newton steps, kept in a bracket)', () => {
    for (const p of [0.5000001, 0.6, 0.9, 0.975, 0.995, 0.9995, 0.999999, 0.025]) {
      for (const df of [0.3, 1, 1.7, 3.5, 9.5, 30, 120, 1e4]) {
        const t = studentTQuantile(p, df);
        expect(Math.abs(studentTCdf(t, df) - p)).toBeLessThan(1e-12);
      }
    }
  });

  it('keeps a usable p for huge t, and 0 for infinite t', () => {
    const p = studentTTwoSidedP(1e6, 10);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1e-50);
    expect(studentTTwoSidedP(-Infinity, 3)).toBe(0);
    expect(studentTTwoSidedP(0, 3)).toBe(1);
  });

  it('accepts fractional df (Welch–Satterthwaite)', () => {
    const below = studentTTwoSidedP(2, 9);
    const between = studentTTwoSidedP(2, 9.5);
    const above = studentTTwoSidedP(2, 10);
    expect(between).toBeLessThan(below);
    expect(between).toBeGreaterThan(above);
  });
});
