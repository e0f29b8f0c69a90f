import type { DerivedMetrics } from '../session/report.ts';

/**
 * A running percentage as reports print it, rounded down so that 99.57% never reads as 100%:
 * 50%, 54%, 0.43%. (perf 6.1 prints it as a whole number anyway.)
 * @example formatRunningPct(54.18) // '54%'
 */
export function formatRunningPct(pct: number): string {
  const decimals = pct < 1 ? 2 : 0;
  const factor = 10 ** decimals;
  return `${Math.floor(pct * factor + 1e-9) / factor}%`;
}

/**
 * What an event line adds when perf counted the event only part of the time and extrapolated
 * (multiplexing): `scaled from 50% of the time`; null at 100% or when perf printed no percentage.
 * @example scaledFromText(50) // 'scaled from 50% of the time'
 */
export function scaledFromText(lowestRunningPct: number | null): string | null {
  return lowestRunningPct === null || lowestRunningPct >= 100 ? null : `scaled from ${formatRunningPct(lowestRunningPct)} of the time`;
}

/**
 * What the miss ratio, IPC and MPKI line adds when perf scaled their counts up from part of the
 * time: `  (of counts scaled from 49% of the time)`, each count from its own time slices unless
 * grouped; '' when none was (null).
 * @example scaledRatiosText(49) // '  (of counts scaled from 49% of the time)'
 */
export function scaledRatiosText(lowestRunningPct: number | null): string {
  const scaled = scaledFromText(lowestRunningPct);
  return scaled === null ? '' : `  (of counts ${scaled})`;
}

/** Miss ratio, IPC and MPKI as one phrase (`miss ratio 25.0%  IPC 2.00  MPKI 0.50`); null when none is known. */
export function derivedText(metrics: { missRatio: number | null; ipc: number | null; missesPerKiloInstruction: number | null }): string | null {
  const parts: string[] = [];
  if (metrics.missRatio !== null) parts.push(`miss ratio ${(100 * metrics.missRatio).toFixed(1)}%`);
  if (metrics.ipc !== null) parts.push(`IPC ${metrics.ipc.toFixed(2)}`);
  if (metrics.missesPerKiloInstruction !== null) parts.push(`MPKI ${metrics.missesPerKiloInstruction.toFixed(2)}`);
  return parts.length === 0 ? null : parts.join('  ');
}

/**
 * The derived metrics line of a report, and on a hybrid CPU each core PMU's after it:
 * `miss ratio 25.0%  IPC 2.00  MPKI 0.50  (cpu_core: miss ratio 25.0%  IPC 2.00  MPKI 0.50; cpu_atom: …)`;
 * null when none is known.
 */
export function derivedWithPmusText(derived: DerivedMetrics): string | null {
  const overall = derivedText(derived);
  if (overall === null) return null;
  const perPmu = Object.entries(derived.byPmu ?? {}).map(([pmu, metrics]) => `${pmu}: ${derivedText(metrics) ?? '-'}`);
  return perPmu.length === 0 ? overall : `${overall}  (${perPmu.join('; ')})`;
}

/**
 * A folded hybrid event's split over core PMUs: `cpu_core 90%, cpu_atom 10%`, or `cpu_core only`
 * when the task never ran on the others; null for an event perf printed once.
 * @example pmuSplitText({ pmus: [{ pmu: 'cpu_core', share: 0.9, ... }, { pmu: 'cpu_atom', share: 0.1, ... }] }) // 'cpu_core 90%, cpu_atom 10%'
 */
export function pmuSplitText(event: { readonly pmus?: readonly { pmu: string; status: string; share: number | null }[] }): string | null {
  const pmus = event.pmus;
  if (pmus === undefined || pmus.length === 0) return null;
  const counted = pmus.filter((share) => share.status === 'counted');
  if (counted.length === 0) return null;
  if (counted.length === 1 && pmus.length > 1) return `${counted[0]?.pmu} only`;
  if (counted.length === 1) return null;
  return counted.map((share) => `${share.pmu} ${share.share === null ? '?' : `${Math.round(100 * share.share)}%`}`).join(', ');
}

/**
 * perf's own metric of an event as the text report shows it (`perf: 2.00 insn per cycle`); null
 * when perf printed none, or for the per-second and CPUs-utilized metrics of software events,
 * which the report's own rate and CPU figures already give.
 */
export function perfMetricText(event: { readonly perfMetric?: { readonly value: number; readonly unit: string } }): string | null {
  const metric = event.perfMetric;
  if (metric === undefined || metric.unit === '/sec' || metric.unit === 'CPUs utilized') return null;
  return `perf: ${metricValueText(metric.value)} ${metric.unit}`;
}

function metricValueText(value: number): string {
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toFixed(2);
}

/**
 * perf's own metrics from `-M` (its metric-only rows) in one phrase; null when there are none.
 * @example perfMetricsText([{ name: 'tma_backend_bound', value: 70.1, unit: '%' }, { name: 'IPC', value: 2, unit: '' }]) // 'perf metrics: tma_backend_bound 70.10%, IPC 2.00'
 */
export function perfMetricsText(metrics: readonly { readonly name: string; readonly value: number; readonly unit: string }[] | undefined): string | null {
  if (metrics === undefined || metrics.length === 0) return null;
  const unitText = (unit: string): string => (unit === '' ? '' : unit === '%' ? '%' : ` ${unit}`);
  return `perf metrics: ${metrics.map((metric) => `${metric.name} ${metricValueText(metric.value)}${unitText(metric.unit)}`).join(', ')}`;
}
