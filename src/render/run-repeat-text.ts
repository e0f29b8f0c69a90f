import type { RepeatStat } from '../session/run-repeat.ts';
import { formatCount, formatMiB, formatSeconds } from './units.ts';

function formatValue(value: number, unit: string): string {
  if (unit === 's') return formatSeconds(value);
  if (unit === 'bytes') return formatMiB(value);
  return `${formatCount(value)}${unit === '' ? '' : ` ${unit}`}`;
}

/**
 * `run -r N`'s text: one line per metric, mean ± σ and σ as a share of the mean, as perf stat -r;
 * `interrupted` (the runs asked for and the signal) when a signal ended the series early.
 * @example renderRepeatText('true', 5, { time: { mean: 0.001, stddev: 0.0001, n: 5, min: 0.0009, max: 0.0012, unit: 's' } })
 *   // 'true: 5 runs (mean ± sample standard deviation)\n  time  0.001s ± 0.000s  (± 10.0%)'
 */
export function renderRepeatText(label: string, runs: number, metrics: Readonly<Record<string, RepeatStat>>, interrupted: { readonly requested?: number; readonly signal?: string } = {}): string {
  const names = Object.keys(metrics);
  const width = Math.max(0, ...names.map((name) => name.length));
  const lines = names.map((name) => {
    const stat = metrics[name]!;
    const share = stat.mean === 0 ? '' : `  (± ${((stat.stddev / Math.abs(stat.mean)) * 100).toFixed(1)}%)`;
    return `  ${name.padEnd(width)}  ${formatValue(stat.mean, stat.unit)} ± ${formatValue(stat.stddev, stat.unit)}${share}`;
  });
  // An interrupted series says how many of the runs asked for finished: the statistics hold only those.
  const count = interrupted.signal === undefined ? `${runs} runs` : `${runs} complete run${runs === 1 ? '' : 's'} of ${interrupted.requested ?? '?'}, interrupted by ${interrupted.signal}`;
  return [`${label}: ${count} (mean ± sample standard deviation)`, ...lines].join('\n');
}
