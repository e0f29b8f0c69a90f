/**
 * The hardware scenarios of issue 9's checks, played by the replaying perf
 * (test/support/replay-perf: a replay, nothing is counted), and the checks every front end shares.
 * Row layouts follow the captures in samples/perf: gh-loop-unroll-multiplexed.csv.txt (a hardware
 * row scaled from part of the time), lkml-2023-kanliang-adl-hybrid-default.human.txt and
 * kernel-doc-intel-hybrid-thread-mode.human.txt (cpu_core/EV/ + cpu_atom/EV/ rows),
 * lkml-2024-jclark-hybrid-not-counted-before.json.txt (the idle PMU's <not counted>),
 * local-perf61-vm-pid-interval-comma.csv.txt (perf 6.1's -x, interval rows on this VM).
 */
import { expect } from 'vitest';
import { execa } from 'execa';
import { cliPath } from '../support/fixtures.ts';
import { replayEnv, type Scenario } from '../support/replay-perf/replay-perf.ts';

/** Counts per second of the 0.5 s program. */
export const RATES = { 'cache-misses': 1e6, 'cache-references': 4e6, instructions: 2e9, cycles: 1e9 } as const;
export type HardwareEvent = keyof typeof RATES;
export const EVENTS = Object.keys(RATES) as HardwareEvent[];
export const EVENT_LIST = EVENTS.join(',');

export const PLAIN: Scenario = { events: RATES };
/** More events than counters: each ran half of the enabled time. */
export const MULTIPLEXED_50: Scenario = { runningPct: 50, events: RATES };
/** Hybrid Intel: the task ran 75% of the time on P-cores (cpu_core), 25% on E-cores (cpu_atom). */
export const HYBRID_75_25: Scenario = { hybridCorePct: 75, events: RATES };
/** Hybrid Intel, the task pinned to P-cores: cpu_atom rows are <not counted>. */
export const HYBRID_CORE_ONLY: Scenario = { hybridCorePct: 100, events: RATES };
/** One event perf could not schedule: <not counted> beside three counted ones. */
export const ONE_NOT_COUNTED: Scenario = { events: { ...RATES, 'cache-references': '<not counted>' } };

/** Relative tolerance of counts and rates (issue 9: within 2%). */
export const TOLERANCE = 0.02;

export function expectNear(actual: number | null | undefined, expected: number, label: string): void {
  expect(actual, label).not.toBeNull();
  expect(actual, label).toBeDefined();
  const relative = Math.abs((actual ?? Number.NaN) - expected) / expected;
  expect(relative, `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(TOLERANCE);
}

/** The JSON form of one counted event, as reports carry it (fields perfcell may add are ignored). */
export interface EventJson {
  readonly event: string;
  readonly status: string;
  readonly total: number | null;
  readonly perSecond: number | null;
  readonly lowestRunningPct: number | null;
  readonly pmus?: ReadonlyArray<{ readonly pmu: string; readonly event: string; readonly status: string; readonly total: number | null; readonly share?: number | null }>;
}

export interface CountersJson {
  readonly events: readonly EventJson[];
  readonly derived: { readonly missRatio: number | null; readonly ipc: number | null; readonly missesPerKiloInstruction: number | null; readonly byPmu?: Record<string, { missRatio: number | null; ipc: number | null; missesPerKiloInstruction: number | null }> };
}

/** Every event of RATES counted, per second and in total within 2% over `durationS`. */
export function expectTrueRates(counters: CountersJson, durationS: number, events: readonly HardwareEvent[] = EVENTS): void {
  for (const name of events) {
    const event = counters.events.find((candidate) => candidate.event === name);
    expect(event?.status, name).toBe('counted');
    expectNear(event?.perSecond, RATES[name], `${name} per second`);
    expectNear(event?.total, RATES[name] * durationS, `${name} total over ${durationS} s`);
  }
}

/** miss ratio 0.25, IPC 2.00, MPKI 0.5. */
export function expectTrueDerived(derived: CountersJson['derived']): void {
  expect(derived.missRatio).toBeCloseTo(0.25, 3);
  expect(derived.ipc).toBeCloseTo(2, 3);
  expect(derived.missesPerKiloInstruction).toBeCloseTo(0.5, 3);
}

/** The built CLI with `perf` on PATH being the replay of `scenario`. */
export function perfcellOnReplay(args: readonly string[], scenario: Scenario, options: { timeoutMs?: number } = {}) {
  return execa(process.execPath, [cliPath, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...replayEnv(scenario) },
    timeout: options.timeoutMs ?? 60_000,
  });
}

/** The text report's line of one event, e.g. `cache-misses  1,000,000/s  total 500,000 ...`. */
export function eventLine(text: string, event: string): string {
  const line = text.split('\n').find((candidate) => new RegExp(`^\\s*${event.replace(/[/-]/g, '\\$&')}\\s`).test(candidate));
  expect(line, `a line for ${event} in:\n${text}`).toBeDefined();
  return line ?? '';
}

/** Reads a number printed with thousands separators (1,000,000) or a plain one. */
export function printedNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/** The per-second rate and total a text line prints: `1,000,000/s  total 500,000`. */
export function lineRateAndTotal(line: string): { perSecond: number; total: number } {
  const match = /([\d,.]+)\/s\s+total\s+([\d,.]+)/.exec(line);
  expect(match, `rate and total in ${JSON.stringify(line)}`).not.toBeNull();
  return { perSecond: printedNumber(match?.[1] ?? ''), total: printedNumber(match?.[2] ?? '') };
}
