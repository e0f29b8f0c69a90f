/** Past this many decimals (10^6) a value is not perf's printed number (a scaled or folded one): summed as it is. */
const MAX_PRINTED_SCALE = 1e6;

/**
 * The sum of two numbers perf printed, kept to the decimals they were printed with: perf prints
 * counts whole and msec to two decimals, and a float's sum of those strays past them
 * (998.94 + 981.17 = 1980.1100000000001), which `--json` then showed as the total. Numeric, not
 * through String(): the aggregator adds every row of `parse`'s millions.
 * @example addPrinted(998.94, 981.17) // 1980.11
 */
export function addPrinted(a: number, b: number): number {
  const sum = a + b;
  if (Number.isInteger(a) && Number.isInteger(b)) return sum;
  for (let scale = 10; scale <= MAX_PRINTED_SCALE; scale *= 10) {
    if (!isWholeAt(a, scale) || !isWholeAt(b, scale)) continue;
    const scaled = Math.round(sum * scale);
    // a whole number over a power of ten: the double nearest the decimal, as perf printed it
    return Math.abs(scaled) <= Number.MAX_SAFE_INTEGER ? scaled / scale : sum;
  }
  return sum;
}

/** Whether `value` has no more decimals than `scale` (10, 100, …) holds, past a float's error. */
function isWholeAt(value: number, scale: number): boolean {
  const scaled = value * scale;
  return Math.abs(scaled - Math.round(scaled)) <= Math.abs(scaled) * 1e-12;
}
