import type { CommandReport } from '../session/report.ts';
import type { MetricResolution, MetricRole } from './statistics.ts';
import type { MetricWording } from './verdict.ts';
import { shownRate } from '../render/metric-units.ts';
import { TOOL_EVENT } from '../perf/tool-events.ts';

/**
 * The unit a metric's values are in; renderers pick the display scale from it. `ms`: milliseconds,
 * as perf gives its clock events (task-clock, cpu-clock: time spent on a CPU); `ms-per-s`: such a
 * clock's milliseconds per second of time, i.e. 1000 × the CPUs used. `ns`: nanoseconds, as perf
 * gives its tool events (duration_time, user_time, system_time); `ns-per-s`: their rate.
 */
export type MetricUnit = 's' | 'ms' | 'ns' | 'bytes' | 'count' | 'per-s' | 'ms-per-s' | 'ns-per-s' | 'ratio';

/** What a metric is called and how a verdict speaks of it. */
export interface MetricInfo {
  /** Key in a run's values: `durationS`, `peakRssBytes`, an event name (`D1 misses`), `page-faults/s`. */
  readonly key: string;
  /** For people: `time`, `peak RSS`, `D1 misses`, `page-faults per s`. */
  readonly label: string;
  readonly unit: MetricUnit;
  readonly wording: MetricWording;
  /** How it enters a comparison's verdicts: time is primary, a rate mirrors time (see MetricRole). */
  readonly role: MetricRole;
  /** The smallest difference of means its measurement can tell; absent where any difference can be real. */
  readonly resolution?: MetricResolution;
}

/** One run's values, metric key → value in the metric's unit; unknown metrics are absent, never null. */
export type RunValues = Readonly<Record<string, number>>;

const FIXED: readonly MetricInfo[] = [
  { key: 'durationS', label: 'time', unit: 's', wording: { kind: 'time' }, role: 'primary' },
  { key: 'peakRssBytes', label: 'peak RSS', unit: 'bytes', wording: { kind: 'amount', noun: 'peak RSS' }, role: 'secondary' },
  { key: 'usedBytes', label: 'RAM used', unit: 'bytes', wording: { kind: 'amount', noun: 'RAM used' }, role: 'secondary' },
  { key: 'peakAboveFinalBytes', label: 'peak above final', unit: 'bytes', wording: { kind: 'amount', noun: 'peak above final RAM' }, role: 'secondary' },
];
const DERIVED: readonly MetricInfo[] = [
  { key: 'missRatio', label: 'miss ratio', unit: 'ratio', wording: { kind: 'level', noun: 'miss ratio' }, role: 'secondary' },
  { key: 'ipc', label: 'IPC', unit: 'ratio', wording: { kind: 'level', noun: 'IPC' }, role: 'secondary' },
  { key: 'missesPerKiloInstruction', label: 'MPKI', unit: 'ratio', wording: { kind: 'level', noun: 'MPKI (misses per 1000 instructions)' }, role: 'secondary' },
];
/**
 * How finely a program's user and system CPU time can be told apart, in seconds. The kernel counts
 * a task's CPU time exactly, but splits it into user and system by where its scheduler ticks land
 * (cputime_adjust in kernel/sched/cputime.c): a program that ran for less than a tick has all of it
 * on one side or the other by chance (`sleep 0.01` read 3.3 ms user, 0 system in one run and the
 * reverse in the next). A tick is 1/CONFIG_HZ, 10 ms at the coarsest (HZ=100; Debian's 250 gives
 * 4 ms): a difference of mean user (or system) time under it can come from that split alone.
 */
const CPU_SPLIT_RESOLUTION_S = 0.01;
const CPU_SPLIT_REASON = `${CPU_SPLIT_RESOLUTION_S * 1000} ms tick that splits CPU time into user and system`;
const CPU: readonly MetricInfo[] = [
  { key: 'userCpuS', label: 'user CPU', unit: 's', wording: { kind: 'amount', noun: 'user CPU time' }, role: 'secondary', resolution: { amount: CPU_SPLIT_RESOLUTION_S, reason: CPU_SPLIT_REASON } },
  { key: 'systemCpuS', label: 'system CPU', unit: 's', wording: { kind: 'amount', noun: 'system CPU time' }, role: 'secondary', resolution: { amount: CPU_SPLIT_RESOLUTION_S, reason: CPU_SPLIT_REASON } },
];
const RATE_SUFFIX = '/s';
/** perf's own metrics from -M (`counters.metrics`): `perf:tma_backend_bound`. */
const PERF_METRIC_PREFIX = 'perf:';
/**
 * perf's clock events, which it counts in ns and prints in msec (evsel__is_clock in perf's
 * stat-display.c: exactly the software task-clock and cpu-clock), with any modifier (`task-clock:u`).
 * Known by name because a run's values keep only numbers, and a saved document must read back the same.
 */
const CLOCK_EVENT = /^(?:task-clock|cpu-clock)(?::[a-zA-Z]+)?$/;
/*
 * perf's tool events (TOOL_EVENT, perf/tool-events.ts) are times it counts in ns and prints with
 * the unit `ns` (perf 6.1: `1830655,ns,duration_time,…`): the wall time perf counted, and the user
 * and system CPU time of the command (rusage). Known by name for the same reason as the clocks:
 * perfcell no longer counts them, but saved documents and `parse` hold them.
 */

/**
 * The metrics of one report, in their units: time, RAM, every counted event's total and (when
 * perf timed it) its rate per second, the derived ratios and CPU time. Unknown values are left out.
 * @example metricsOfReport(report) // { durationS: 0.0121, peakRssBytes: 9650176, 'page-faults': 2112, 'page-faults/s': 174545, … }
 */
export function metricsOfReport(report: CommandReport): RunValues {
  const values: Record<string, number> = { durationS: report.durationS };
  const put = (key: string, value: number | null | undefined): void => {
    if (value !== null && value !== undefined && Number.isFinite(value)) values[key] = value;
  };
  put('peakRssBytes', report.memory.peakRssBytes);
  put('usedBytes', report.memory.usedBytes);
  put('peakAboveFinalBytes', report.memory.peakAboveFinalBytes);
  for (const event of report.counters.events) {
    if (event.status !== 'counted') continue;
    put(event.event, event.total);
    // over less than a millisecond of counting a rate is noise (a µs cell read 2.9M page-faults/s): left out, as the reports leave it out
    put(`${event.event}${RATE_SUFFIX}`, shownRate(event));
  }
  put('missRatio', report.counters.derived.missRatio);
  put('ipc', report.counters.derived.ipc);
  put('missesPerKiloInstruction', report.counters.derived.missesPerKiloInstruction);
  for (const metric of report.counters.metrics ?? []) put(`${PERF_METRIC_PREFIX}${metric.name}`, metric.value);
  put('userCpuS', report.cpu.userS);
  put('systemCpuS', report.cpu.systemS);
  return values;
}

/** The description of a metric key; any key that is not a fixed one is an event total or rate. */
export function describeMetric(key: string): MetricInfo {
  const fixed = [...FIXED, ...DERIVED, ...CPU].find((metric) => metric.key === key);
  if (fixed !== undefined) return fixed;
  if (key.startsWith(PERF_METRIC_PREFIX)) {
    // perf's value as printed (a percentage, a ratio): compared as a level, in its own unit
    const name = key.slice(PERF_METRIC_PREFIX.length);
    return { key, label: `${name} (perf)`, unit: 'ratio', wording: { kind: 'level', noun: `perf's ${name}` }, role: 'secondary' };
  }
  if (key.endsWith(RATE_SUFFIX)) {
    const event = key.slice(0, -RATE_SUFFIX.length);
    if (CLOCK_EVENT.test(event)) return { key, label: `${event} utilization`, unit: 'ms-per-s', wording: { kind: 'usage', noun: `${event} per second` }, role: 'rate' };
    if (TOOL_EVENT.test(event)) return { key, label: `${event} per s`, unit: 'ns-per-s', wording: { kind: 'usage', noun: `${event} per second` }, role: 'rate' };
    return { key, label: `${event} per s`, unit: 'per-s', wording: { kind: 'count', noun: `${event} per second` }, role: 'rate' };
  }
  if (CLOCK_EVENT.test(key)) return { key, label: key, unit: 'ms', wording: { kind: 'usage', noun: key }, role: 'secondary' };
  // duration_time is elapsed time: "b is 1.7× slower", as time says it; user and system time are used, as the clocks
  if (TOOL_EVENT.test(key)) {
    if (key.startsWith('duration_time')) return { key, label: key, unit: 'ns', wording: { kind: 'time' }, role: 'secondary' };
    // perf's user_time and system_time are the same rusage split as userCpuS and systemCpuS
    return { key, label: key, unit: 'ns', wording: { kind: 'usage', noun: key }, role: 'secondary', resolution: { amount: CPU_SPLIT_RESOLUTION_S * 1e9, reason: CPU_SPLIT_REASON } };
  }
  return { key, label: key, unit: 'count', wording: { kind: 'count', noun: key }, role: 'secondary' };
}

/**
 * Every key seen in any run, in reading order: time, RAM, event totals (in the order the events
 * were first seen, cache misses first as perf was asked), their rates, derived ratios, CPU time.
 */
export function orderMetricKeys(runs: readonly RunValues[]): string[] {
  const seen: string[] = [];
  for (const run of runs) for (const key of Object.keys(run)) if (!seen.includes(key)) seen.push(key);
  const fixedKeys = new Set([...FIXED, ...DERIVED, ...CPU].map((metric) => metric.key));
  const perfMetrics = seen.filter((key) => key.startsWith(PERF_METRIC_PREFIX));
  const events = seen.filter((key) => !fixedKeys.has(key) && !key.endsWith(RATE_SUFFIX) && !key.startsWith(PERF_METRIC_PREFIX));
  const rates = seen.filter((key) => !fixedKeys.has(key) && key.endsWith(RATE_SUFFIX) && !key.startsWith(PERF_METRIC_PREFIX));
  const pick = (list: readonly MetricInfo[]): string[] => list.map((metric) => metric.key).filter((key) => seen.includes(key));
  return [...pick(FIXED), ...events, ...rates, ...pick(DERIVED), ...perfMetrics, ...pick(CPU)];
}
