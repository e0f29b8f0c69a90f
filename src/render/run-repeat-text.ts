import type { RepeatStat } from '../session/run-repeat.ts';
import type { DerivedMetrics, UnsupportedEvent } from '../session/report.ts';
import { unsupportedText } from './report-text.ts';
import { derivedWithPmusText, pmuSplitText, scaledFromText, scaledRatiosText } from './running-pct.ts';
import { lowestOfBaseName, ratiosScaledPct } from '../session/counters.ts';
import { formatCount, formatMiB, formatSeconds } from './units.ts';

/**
 * `value` in `unit`; seconds and MiB with as many decimals as `precise` (the σ) needs to show two
 * significant digits: `0.002s ± 0.000s (± 20.6%)` read as no spread at all (a QA pass).
 */
function formatValue(value: number, unit: string, precise = value): string {
  const decimalsFor = (scaled: number, least: number): number =>
    scaled <= 0 || !Number.isFinite(scaled) ? least : Math.min(6, Math.max(least, Math.ceil(-Math.log10(scaled)) + 1));
  if (unit === 's') return precise >= 0.01 ? formatSeconds(value) : `${value.toFixed(decimalsFor(precise, 3))}s`;
  if (unit === 'bytes') return precise / MIB >= 0.1 ? formatMiB(value) : `${(value / MIB).toFixed(decimalsFor(precise / MIB, 1))} MiB`;
  return `${formatCount(value)}${unit === '' ? '' : ` ${unit}`}`;
}

const MIB = 1024 * 1024;

/**
 * σ as a share of the mean, in %: one decimal, or two significant digits where that reads 0.0 and
 * σ is not 0: `0.050970s ± 0.000015s (± 0.0%)` read as no spread (a QA pass), perf stat -r prints 0.03%.
 * Never in exponent notation: toPrecision wrote a cachegrind count's 1,200,128,092 ± 6 `(± 5.0e-7%)`.
 * @example sharePercent(0.000294) // '0.029'
 */
function sharePercent(share: number): string {
  const percent = share * 100;
  if (!(percent > 0 && percent < 0.05)) return percent.toFixed(1);
  // two significant digits as decimals (0.00000050, not 5.0e-7); toPrecision's rounding decides
  // where 0.0999… rounds up a place
  const twoDigits = Number(percent.toPrecision(2));
  return twoDigits.toFixed(Math.min(100, 1 - Math.floor(Math.log10(twoDigits))));
}

/**
 * `run -r N`'s text: one line per metric, mean ± σ and σ as a share of the mean, as perf stat -r;
 * `interrupted` (the runs asked for and the signal) when a signal ended the series early;
 * `unsupported`, the -e events perf could not count, named once as `run` names them. A counter's
 * line says what each run's event line says beside its count, over the runs: a hybrid event's
 * split (`cpu_core 75%, cpu_atom 25%`, of the summed counts) and `scaled from N% of the time`
 * where perf multiplexed it in any run (the lowest share). `derived`: miss ratio, IPC and MPKI of
 * the mean counts (session/counters.ts deriveMetricsOverRuns), on a line after the counters as
 * `run` prints them after its events, said to be ratios of the means.
 * @example renderRepeatText('true', 5, { time: { mean: 0.001, stddev: 0.0001, n: 5, min: 0.0009, max: 0.0012, unit: 's' } })
 *   // 'true: 5 runs (mean ± sample standard deviation)\n  time  0.001s ± 0.000s  (± 10.0%)'
 */
export function renderRepeatText(
  label: string,
  runs: number,
  metrics: Readonly<Record<string, RepeatStat>>,
  interrupted: { readonly requested?: number; readonly signal?: string } = {},
  failures: readonly string[] = [],
  unsupported: readonly UnsupportedEvent[] = [],
  derived: DerivedMetrics | null = null,
): string {
  const names = Object.keys(metrics);
  const width = Math.max(0, ...names.map((name) => name.length));
  const lines = names.map((name) => {
    const stat = metrics[name]!;
    // a metric perf did not count in every run is summarised over the runs that have it: said
    const over = stat.n < runs ? `  (over ${stat.n} of ${runs} runs)` : '';
    // a hybrid count folded from two PMUs, and one perf estimated from part of the time, said as `run` says them
    const detail = [pmuSplitText(stat), scaledFromText(stat.lowestRunningPct ?? null)].filter((text) => text !== null).join('; ');
    const note = `${over}${detail === '' ? '' : `  (${detail})`}`;
    // one value has no spread to show: `± 0.000s (± 0.0%)` read as a perfectly steady series
    if (stat.n < 2) return `  ${name.padEnd(width)}  ${formatValue(stat.mean, stat.unit)}  (${stat.n} run: no σ)${note}`;
    const share = stat.mean === 0 ? '' : `  (± ${sharePercent(stat.stddev / Math.abs(stat.mean))}%)`;
    const precise = stat.stddev > 0 ? Math.min(stat.stddev, Math.abs(stat.mean)) : Math.abs(stat.mean);
    return `  ${name.padEnd(width)}  ${formatValue(stat.mean, stat.unit, precise)} ± ${formatValue(stat.stddev, stat.unit, precise)}${share}${note}`;
  });
  // An interrupted series says how many of the runs asked for finished: the statistics hold only those.
  const count = interrupted.signal === undefined ? `${runs} runs` : `${runs} complete run${runs === 1 ? '' : 's'} of ${interrupted.requested ?? '?'}, interrupted by ${interrupted.signal}`;
  // Failed runs are in the figures, as perf stat -r keeps them: said, so they are not taken for a clean series.
  const failed = failures.length === 0 ? [] : [`  ${failures.length} of ${runs} runs failed (${countedOutcomes(failures)}): the figures above include them`];
  // an event asked for with -e and not counted has no line of figures: without this it went unnamed
  const notCounted = unsupportedText(unsupported);
  // run's `miss ratio 25.0%  IPC 2.00  MPKI 0.50`, of the means (perf stat -r prints insn per cycle beside its means)
  const ratios = derived === null ? null : derivedWithPmusText(derived);
  // of means perf scaled up from part of the time (multiplexing): estimates, as the counters' lines say
  const shares = Object.fromEntries(Object.entries(metrics).map(([name, stat]) => [name, stat.lowestRunningPct]));
  const scaled = derived === null ? '' : scaledRatiosText(ratiosScaledPct(derived, (event) => lowestOfBaseName(shares, event)));
  const ratioLine = ratios === null ? [] : [`  ratios of the means: ${ratios}${scaled}`];
  return [`${label}: ${count} (mean ± sample standard deviation)`, ...lines, ...ratioLine, ...(notCounted === null ? [] : [`  ${notCounted}`]), ...failed].join('\n');
}

/** `['exit code 1', 'exit code 1', 'killed by SIGSEGV']` → `exit code 1 ×2, killed by SIGSEGV`. */
function countedOutcomes(outcomes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => (count === 1 ? outcome : `${outcome} ×${count}`)).join(', ');
}
