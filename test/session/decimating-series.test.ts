import { describe, expect, it } from 'vitest';
import { createDecimatingSeries } from '../../src/session/decimating-series.ts';

describe('createDecimatingSeries', () => {
  it('keeps everything until full', () => {
    const series = createDecimatingSeries<number>(8);
    for (let i = 0; i < 7; i++) series.push(i);
    expect(series.points()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('thins evenly to cover the whole span, never above maxPoints', () => {
    const series = createDecimatingSeries<number>(100);
    for (let i = 0; i < 1_000_000; i++) {
      series.push(i);
      if (i % 9973 === 0) expect(series.points().length).toBeLessThan(100);
    }
    const points = series.points();
    expect(series.pushed).toBe(1_000_000);
    expect(points.length).toBeGreaterThanOrEqual(50);
    expect(points[0]).toBe(0);
    // evenly spaced: one stride between all kept points, and the last within one stride of the end
    const stride = (points[1] ?? 0) - (points[0] ?? 0);
    expect(points.every((value, index) => value === index * stride)).toBe(true);
    expect(999_999 - (points.at(-1) ?? 0)).toBeLessThan(stride);
  });

  it('matches its documented example', () => {
    const series = createDecimatingSeries<number>(4);
    for (let i = 0; i < 10; i++) series.push(i);
    expect(series.points()).toEqual([0, 4, 8]);
  });
});
