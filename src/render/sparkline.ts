const BARS = '▁▂▃▄▅▆▇█';

/**
 * One bar per value, scaled from 0 to the largest value; nulls (missing samples) are blank.
 * @example sparkline([0, 4, 8]) // '▁▄█'
 */
export function sparkline(values: readonly (number | null)[], width = 40): string {
  const shown = values.length > width ? downsample(values, width) : values;
  const max = Math.max(0, ...shown.filter((value): value is number => value !== null));
  return shown
    .map((value) => {
      if (value === null) return ' ';
      if (max === 0) return BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.floor((value / max) * (BARS.length - 1) + 0.5))];
    })
    .join('');
}

/** Keeps the shape of a long series: the mean of each of `width` buckets. */
function downsample(values: readonly (number | null)[], width: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let bucket = 0; bucket < width; bucket += 1) {
    const slice = values.slice(Math.floor((bucket * values.length) / width), Math.floor(((bucket + 1) * values.length) / width));
    const present = slice.filter((value): value is number => value !== null);
    out.push(present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length);
  }
  return out;
}
