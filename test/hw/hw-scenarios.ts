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
import { leakedPerfPids } from '../support/leaked-perf.ts';
import { isRunning } from '../support/pty-repl.ts';
import { replayEnv, replayTrace, type Scenario } from '../support/replay-perf/replay-perf.ts';

/** Counts per second of the 0.5 s program. */
export const RATES = { 'cache-misses': 1e6, 'cache-references': 4e6, instructions: 2e9, cycles: 1e9 } as const;
export type HardwareEvent = keyof typeof RATES;
export const EVENTS = Object.keys(RATES) as HardwareEvent[];
export const EVENT_LIST = EVENTS.join(',');

export const PLAIN: Scenario = { events: RATES };
/** More events than counters: each ran half of the enabled time. */
export const MULTIPLEXED_50: Scenario = { runningPct: 50, events: RATES };
/**
 * Multiplexing whose turns are as long as perf's ticks (compare's 4 ms ones, a window's last few ms):
 * each counter runs every other tick, whole, and reads `<not counted>` at 0% in the others.
 */
export const ROTATED_2: Scenario = { rotate: 2, events: RATES };
/** Hybrid Intel: the task ran 75% of the time on P-cores (cpu_core), 25% on E-cores (cpu_atom). */
export const HYBRID_75_25: Scenario = { hybridCorePct: 75, events: RATES };
/** Hybrid Intel, the task pinned to P-cores: cpu_atom rows are <not counted>. */
export const HYBRID_CORE_ONLY: Scenario = { hybridCorePct: 100, events: RATES };
/** One event perf could not schedule: <not counted> beside three counted ones. */
export const ONE_NOT_COUNTED: Scenario = { events: { ...RATES, 'cache-references': '<not counted>' } };

/**
 * Relative tolerance of counts and rates (issue 9: within 2%), against what the replay counted:
 * RATE x the seconds it counted, read from its trace (PERFCELL_REPLAY_TRACE).
 */
export const TOLERANCE = 0.02;

/**
 * Against the scenario's nominal rates: the seconds the replay counted differ from perfcell's
 * window by this machine's scheduling delays (exec, wake-ups; up to ~3% of 0.5 s at load 15 on
 * these 2 shared cores, 5.8% once in a fresh-clone suite run, 2026-12-06: the replay, for one, sees the
 * program's exit only when it next runs, where a real PMU stops at the exit). The counts themselves
 * are held within TOLERANCE of what the replay counted, over perfcell's own span; this band only
 * has to catch a rate off by a factor (a hybrid pair added up, an unscaled multiplexed count).
 */
export const LOAD_BAND = 0.1;

/**
 * In-process windows (the REPL, cells, measure(fn)): perf counts from the enable to the SIGINT,
 * which on a loaded machine is some ms longer than the command's own duration (the enable ack
 * waits for the event loop). The 2% checks are in in-process.test.ts; the hybrid, multiplexed and
 * <not counted> in-process cases use this band: narrow enough to catch a hybrid pair added up (2x)
 * or an unscaled multiplexed count (0.5x).
 */
export const IN_PROCESS_BAND = 0.25;

export function expectNear(actual: number | null | undefined, expected: number, label: string, tolerance = TOLERANCE): void {
  expect(actual, label).not.toBeNull();
  expect(actual, label).toBeDefined();
  const relative = Math.abs((actual ?? Number.NaN) - expected) / expected;
  expect(relative, `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** The JSON form of one counted event, as reports carry it (fields perfcell may add are ignored). */
export interface EventJson {
  readonly event: string;
  readonly status: string;
  readonly total: number | null;
  readonly perSecond: number | null;
  readonly countedSeconds?: number | null;
  readonly lowestRunningPct: number | null;
  readonly pmus?: ReadonlyArray<{ readonly pmu: string; readonly event: string; readonly status: string; readonly total: number | null; readonly share?: number | null }>;
}

export interface CountersJson {
  readonly events: readonly EventJson[];
  readonly derived: { readonly missRatio: number | null; readonly ipc: number | null; readonly missesPerKiloInstruction: number | null; readonly byPmu?: Record<string, { missRatio: number | null; ipc: number | null; missesPerKiloInstruction: number | null }> };
}

/**
 * Every event of RATES counted: its total within 2% of what the replay counted (RATE x
 * `countedS`), its per-second average within 2% of that over the report's own span, and within
 * `band` of the nominal rate.
 */
export function expectTrueCounts(counters: CountersJson, durationS: number, countedS: number, options: { events?: readonly HardwareEvent[]; band?: number } = {}): void {
  expect(countedS, 'seconds the replay counted').toBeGreaterThan(0.3);
  for (const name of options.events ?? EVENTS) {
    const event = counters.events.find((candidate) => candidate.event === name);
    expect(event?.status, name).toBe('counted');
    expectNear(event?.total, RATES[name] * countedS, `${name} total against the ${countedS.toFixed(4)} s the replay counted`);
    const spanS = event?.countedSeconds ?? durationS;
    expectNear(event?.perSecond, (RATES[name] * countedS) / spanS, `${name} per second over ${spanS} s`);
    expectNear(event?.perSecond, RATES[name], `${name} per second against the nominal rate`, options.band ?? LOAD_BAND);
  }
}

/** Every event of RATES counted, per second and in total within `band` of the nominal rate over `durationS`. */
export function expectNominalRates(counters: CountersJson, durationS: number, band: number, events: readonly HardwareEvent[] = EVENTS): void {
  for (const name of events) {
    const event = counters.events.find((candidate) => candidate.event === name);
    expect(event?.status, name).toBe('counted');
    expectNear(event?.perSecond, RATES[name], `${name} per second`, band);
    expectNear(event?.total, RATES[name] * durationS, `${name} total over ${durationS} s`, band);
  }
}

/** miss ratio 0.25, IPC 2.00, MPKI 0.5. */
export function expectTrueDerived(derived: CountersJson['derived']): void {
  expect(derived.missRatio).toBeCloseTo(0.25, 3);
  expect(derived.ipc).toBeCloseTo(2, 3);
  expect(derived.missesPerKiloInstruction).toBeCloseTo(0.5, 3);
}

/** The built CLI with `perf` on PATH being the replay of `scenario`; also the seconds the replay counted. */
export async function perfcellOnReplay(args: readonly string[], scenario: Scenario, options: { timeoutMs?: number } = {}) {
  const trace = replayTrace();
  try {
    const result = await execa(process.execPath, [cliPath, ...args], {
      reject: false,
      env: { NO_COLOR: '1', ...replayEnv(scenario), ...trace.env },
      timeout: options.timeoutMs ?? 60_000,
    });
    return Object.assign(result, { countedS: trace.countedS() });
  } finally {
    trace.remove();
  }
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

/**
 * perf processes (replays included) this test file left running: leakedPerfPids, less zombies (a
 * detached perf that exited after its perfcell is reaped by init a moment later), after giving
 * them a second to go.
 */
export async function leftRunningPerf(before: ReadonlySet<number>): Promise<number[]> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const running = leakedPerfPids(before).filter(isRunning);
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
