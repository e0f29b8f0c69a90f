import type { TimeitResult } from '../session/timeit.ts';
import { renderGcLine } from './gc-line.ts';
import { formatCountPlain } from './report-repl.ts';

const UNITS = ['s', 'ms', 'µs', 'ns'] as const;

/**
 * Seconds as IPython's %timeit prints them: three significant digits in s, ms, µs or ns.
 * @example formatTimeit(1.234e-6) // '1.23 µs'
 */
export function formatTimeit(seconds: number): string {
  let order = seconds > 0 ? Math.min(Math.max(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 0), 3) : 3;
  let rounded = Number((seconds * 1000 ** order).toPrecision(3));
  // 999.6 ns rounds to 1000 ns: 1 µs, in three digits
  if (rounded >= 1000 && order > 0) rounded = Number((seconds * 1000 ** --order).toPrecision(3));
  return `${String(rounded)} ${UNITS[order]}`;
}

/** 0.0123, 4.56, 1,234: three significant digits for small per-call counts, grouping for large. */
export function formatPerCall(value: number): string {
  if (Math.abs(value) >= 1000) return formatCountPlain(value);
  return String(Number(value.toPrecision(3)));
}

const plural = (count: number, word: string): string => `${count === 1 ? word : `${word}s`}`;

/**
 * The IPython %timeit line, then each counter per call, the GC line and the warnings:
 * `1.23 µs ± 0.05 µs per loop (mean ± std. dev. of 7 runs, 100,000 loops each)`
 * `page-faults 0.0012/call   cache-misses <not supported>`
 */
export function renderTimeit(result: TimeitResult): string {
  const { perCallS, runs, loops } = result;
  const mean = perCallS.mean === null ? '?' : formatTimeit(perCallS.mean);
  const spread = perCallS.stdDev === null ? '' : ` ± ${formatTimeit(perCallS.stdDev)}`;
  const lines = [
    `${mean}${spread} per loop (mean${perCallS.stdDev === null ? '' : ' ± std. dev.'} of ${runs} ${plural(runs, 'run')}, ${formatCountPlain(loops)} ${plural(loops, 'loop')} each)`,
  ];
  const counters = [
    ...result.counters.map((counter) => `${counter.event} ${counter.perCall === null ? '<not counted>' : `${formatPerCall(counter.perCall)}${counter.unit === '' ? '' : ` ${counter.unit}`}/call`}`),
    ...result.unsupported.map((event) => `${event} <not supported>`),
  ];
  if (counters.length > 0) lines.push(counters.join('   '));
  const gc = renderGcLine(result.gc);
  if (gc !== null) lines.push(`${gc}  (${formatPerCall(result.gcPerCall)} collections per call)`);
  // why a count is missing (perf would not start: timing only), a run made again after a stop: the REPL shows only this text
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
