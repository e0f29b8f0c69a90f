/**
 * The most points one counter chart of the HTML page draws. A chart is at most 560 CSS px wide
 * (html-page-script.ts), about 1,000 device pixels of plot on a 2× screen: 999 stretches of
 * samples, each drawn as its lowest and highest, give every pixel column its own. More points
 * than that only made the page big and slow: an hour at -I 10 embedded 360,000 intervals per
 * event, a page of about 20 MiB for three events that headless Chromium took 6 to 9 s to open
 * (BENCHMARKS.md, HTML report size).
 */
export const MAX_DRAWN_POINTS = 2000;

/** A line as drawn: the kept samples' times and values, in time order. */
export interface DrawnLine {
  readonly x: number[];
  readonly values: (number | null)[];
}

/**
 * A line thinned to at most `maxPoints` (4 or more) points for drawing (min/max per stretch, as uPlot draws
 * each pixel column): the first and the last sample, and for each of ⌊(maxPoints − 2) / 2⌋ runs
 * of consecutive samples its lowest and its highest, each at its own time. Every peak and dip
 * stays, with its own value (a burst of one interval is never averaged away or skipped, as an
 * even stride would); a line of `maxPoints` samples or fewer comes back whole. A run with no
 * value (null: not supported in those intervals) keeps its first null, so the gap still shows; a
 * stretch is about one pixel column, so a gap within one is too narrow to see whole anyway.
 * @example thinLine([1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 9, 1, 1, 0, 1, 1], 6)
 * // { x: [1, 3, 5, 6, 8], values: [0, 9, 1, 0, 1] }: the first, each half's lowest and highest, the last
 */
export function thinLine(x: readonly number[], values: readonly (number | null)[], maxPoints = MAX_DRAWN_POINTS): DrawnLine {
  const count = x.length;
  if (count <= maxPoints) return { x: [...x], values: [...values] };
  const stretches = Math.max(1, Math.floor((Math.max(4, maxPoints) - 2) / 2));
  const kept: number[] = [0];
  const keep = (index: number): void => {
    if (index > (kept[kept.length - 1] ?? -1)) kept.push(index);
  };
  for (let stretch = 0; stretch < stretches; stretch += 1) {
    const from = Math.floor((stretch * count) / stretches);
    const to = Math.floor(((stretch + 1) * count) / stretches);
    let lowest = -1;
    let highest = -1;
    for (let index = from; index < to; index += 1) {
      const value = values[index] ?? null;
      if (value === null) continue;
      if (lowest === -1 || value < (values[lowest] as number)) lowest = index;
      if (highest === -1 || value > (values[highest] as number)) highest = index;
    }
    if (lowest === -1) keep(from);
    else {
      keep(Math.min(lowest, highest));
      keep(Math.max(lowest, highest));
    }
  }
  keep(count - 1);
  return { x: kept.map((index) => x[index] as number), values: kept.map((index) => values[index] ?? null) };
}
