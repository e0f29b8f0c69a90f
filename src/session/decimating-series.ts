/** A time series that covers its whole span in bounded memory. */
export interface DecimatingSeries<T> {
  push(point: T): void;
  /** The kept points, oldest first: between maxPoints/2 and maxPoints once more than maxPoints were pushed. */
  points(): T[];
  /** How many points were pushed in all. */
  readonly pushed: number;
}

/**
 * Keeps every `stride`-th point; when maxPoints are kept, drops every other one and doubles the
 * stride. A long watch so keeps its whole shape at a coarser step, with memory fixed at maxPoints:
 * short spikes between kept points are lost (the report's peak and totals come from running
 * aggregates, not from this series).
 * @example
 * const series = createDecimatingSeries<number>(4);
 * for (let i = 0; i < 10; i++) series.push(i);
 * series.points(); // [0, 4, 8]
 */
export function createDecimatingSeries<T>(maxPoints: number): DecimatingSeries<T> {
  const limit = Math.max(2, Math.floor(maxPoints));
  let kept: T[] = [];
  let stride = 1;
  let pushed = 0;
  return {
    push(point) {
      if (pushed % stride === 0) {
        kept.push(point);
        if (kept.length >= limit) {
          kept = kept.filter((_, index) => index % 2 === 0);
          stride *= 2;
        }
      }
      pushed += 1;
    },
    points: () => [...kept],
    get pushed() {
      return pushed;
    },
  };
}
