/**
 * Hybrid CPUs (Intel Alder Lake and later, ARM big.LITTLE): perf prints a generic event once per
 * core PMU, `cpu_core/cache-misses/` and `cpu_atom/cache-misses/`, each extrapolated by perf to
 * the whole enabled time from the share of it that the PMU ran (its running percentage). For one
 * task the two shares are the times it spent on each core type, so adding the printed values
 * counts it about twice; the count a PMU actually took is `value × running% / 100`.
 *
 * Precision: perf 6.1 computes the percentage as `100 * run / enabled` in integers and prints it
 * as a whole number (`75.00`), so each PMU's share is cut down by up to one point. The fold
 * divides by the summed shares (99 instead of 100), which gives most of that back; a PMU that
 * ran under 1% of the time prints 0 and its few counts are lost.
 */

/** The PMU and the generic event of a per-PMU name; undefined for anything else. */
export interface PmuEventName {
  /** `cpu_core`, `cpu_atom`, `armv8_cortex_a53`. */
  readonly pmu: string;
  /** The generic event with perf's modifiers kept: `cycles`, `cache-misses:u`. */
  readonly event: string;
}

const HARDWARE = new Set([
  'cpu-cycles', 'cycles', 'instructions', 'cache-references', 'cache-misses', 'branch-instructions', 'branches',
  'branch-misses', 'bus-cycles', 'stalled-cycles-frontend', 'idle-cycles-frontend', 'stalled-cycles-backend',
  'idle-cycles-backend', 'ref-cycles',
]);
// perf's generic cache events: L1-dcache-loads, LLC-load-misses, dTLB-loads, branch-load-misses, ...
const HARDWARE_CACHE = /^(?:L1-dcache|L1-icache|LLC|dTLB|iTLB|branch|node)-(?:loads?|stores?|prefetch(?:es)?|load-misses|store-misses|prefetch-misses|misses)$/;
// PMU/EV/ with perf's modifiers either inside (`cpu_core/cycles:u/`) or after (`cpu_core/cycles/u`)
const PER_PMU = /^([A-Za-z][\w.-]*)\/([A-Za-z][\w-]*)(?::([ukhHGIpPSDW]+))?\/([ukhHGIpPSDW]*)$/;

/** Whether `name` is one of perf's generic hardware (or hardware cache) events. */
export function isGenericEvent(name: string): boolean {
  return HARDWARE.has(name) || HARDWARE_CACHE.test(name);
}

/**
 * Splits a per-PMU name of a generic event; `power/energy-pkg/` and `cpu/event=0x3c/` are not.
 * @example
 * splitPmuEvent('cpu_atom/cache-misses/') // → { pmu: 'cpu_atom', event: 'cache-misses' }
 * splitPmuEvent('cpu_core/cycles/u')      // → { pmu: 'cpu_core', event: 'cycles:u' }
 * splitPmuEvent('msr/tsc/')               // → undefined
 */
export function splitPmuEvent(printed: string): PmuEventName | undefined {
  if (printed.charCodeAt(printed.length - 1) !== 47 && !printed.includes('/')) return undefined;
  const match = PER_PMU.exec(printed);
  if (match === null) return undefined;
  const [, pmu = '', event = '', inner = '', outer = ''] = match;
  if (!isGenericEvent(event)) return undefined;
  const modifiers = inner + outer;
  return { pmu, event: modifiers === '' ? event : `${event}:${modifiers}` };
}

/** What one PMU printed for one event in one interval (or in the totals), rows summed. */
export interface PmuPart {
  readonly pmu: string;
  /** Sum of the printed (extrapolated) values of its counted rows. */
  value: number;
  /** Sum of value × running% / 100 over its counted rows (a missing percentage reads as 100). */
  taken: number;
  /** Highest running percentage of its counted rows; null until one counted. */
  runningPct: number | null;
  counted: boolean;
  supported: boolean;
}

export function emptyPart(pmu: string): PmuPart {
  return { pmu, value: 0, taken: 0, runningPct: null, counted: false, supported: false };
}

/** Adds one row of the PMU to its part. */
export function addToPart(part: PmuPart, value: number | null, runningPct: number | null, status: 'counted' | 'not counted' | 'not supported'): void {
  if (status !== 'not supported') part.supported = true;
  if (status !== 'counted' || value === null) return;
  const pct = runningPct ?? 100;
  part.counted = true;
  part.value += value;
  part.taken += (value * pct) / 100;
  if (part.runningPct === null || pct > part.runningPct) part.runningPct = pct;
}

/** One event's parts folded into one count. */
export interface FoldedCount {
  /** The whole count; null when no PMU counted. */
  readonly value: number | null;
  /**
   * The share of the enabled time the fold rests on, when it is below 100 (the pair itself was
   * multiplexed, or a lone PMU was): the value is extrapolated from it. null at full coverage.
   */
  readonly runningPct: number | null;
  /** Each part's contribution to `value`, in the parts' order; null for a part that never counted. */
  readonly contributions: readonly (number | null)[];
}

/**
 * Folds the per-PMU parts of one interval. For one task the running percentages of its PMUs add
 * up to 100 (it is on one core type at a time): the count is what each PMU took, scaled by
 * 100 / their sum (their sum is under 100 only when the task's counters were also multiplexed, or
 * from perf 6.1's whole-number percentages). Percentages that add up to more than 100 mean the
 * PMUs counted at the same time on different CPUs (`-a`, `-C`): their values simply add.
 * @example
 * // a task on P-cores 75% and E-cores 25% of the time, perf printing each extrapolated to all of it
 * foldParts([{ pmu: 'cpu_core', value: 1e6, taken: 7.5e5, runningPct: 75, counted: true, supported: true },
 *            { pmu: 'cpu_atom', value: 1e6, taken: 2.5e5, runningPct: 25, counted: true, supported: true }])
 * // → { value: 1e6, runningPct: null, contributions: [7.5e5, 2.5e5] }
 */
export function foldParts(parts: readonly PmuPart[]): FoldedCount {
  const counted = parts.filter((part) => part.counted);
  if (counted.length === 0) {
    const supported = parts.some((part) => part.supported);
    return { value: supported ? 0 : null, runningPct: null, contributions: parts.map(() => null) };
  }
  const coverage = counted.reduce((sum, part) => sum + sharePct(part), 0);
  const wholeNumbers = counted.every((part) => Number.isInteger(part.runningPct));
  // perf 6.1 truncates each percentage to a whole number: n of them may add up to 100 - (n - 1)
  const slack = wholeNumbers ? counted.length - 1 : 0.01 * counted.length;
  if (coverage > 100 + slack) {
    const lowest = Math.min(...counted.map((part) => part.runningPct ?? 100));
    return {
      value: counted.reduce((sum, part) => sum + part.value, 0),
      runningPct: lowest < 100 ? lowest : null,
      contributions: parts.map((part) => (part.counted ? part.value : null)),
    };
  }
  if (coverage <= 0) {
    return { value: 0, runningPct: null, contributions: parts.map((part) => (part.counted ? 0 : null)) };
  }
  const scale = 100 / Math.min(100, coverage);
  return {
    value: counted.reduce((sum, part) => sum + part.taken, 0) * scale,
    runningPct: coverage >= 100 - slack ? null : coverage,
    contributions: parts.map((part) => (part.counted ? part.taken * scale : null)),
  };
}

/** The part's share of the enabled time in %, weighted by value when it summed several rows. */
function sharePct(part: PmuPart): number {
  return part.value > 0 ? (100 * part.taken) / part.value : (part.runningPct ?? 100);
}
