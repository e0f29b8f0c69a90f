/**
 * Drivers of the in-process front ends (the REPL through a pty, `perfcell cells`, the library's
 * measure(fn)) against the replaying perf, shared by the tests in test/hw.
 * A REPLAY: see hw-scenarios.ts for the captures its rows follow.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';
import { replayEnv, replayPerfPath, replayTrace, scenarioText, type Scenario } from '../support/replay-perf/replay-perf.ts';
import { EVENT_LIST, EVENTS, RATES, expectNear, perfcellOnReplay, printedNumber, type CountersJson } from './hw-scenarios.ts';

export const BUSY_HALF_SECOND = '{ const end = performance.now() + 500; while (performance.now() < end); }';

const repls = new Set<PtyRepl>();
/** Kills every REPL started by replReport (call in afterEach). */
export function killRepls(): void {
  for (const repl of repls) repl.kill();
  repls.clear();
}

/**
 * Types the 0.5 s loop into a fresh REPL and returns its printed report and the command's duration
 * as perfcell.history holds it. `pauseMs`: how long a person takes to type after the prompt (the
 * REPL's next perf is attached and ticking meanwhile).
 */
export async function replReport(scenario: Scenario, pauseMs: number, extraArgs: readonly string[] = []): Promise<{ report: string; durationS: number; countedS: number }> {
  const trace = replayTrace();
  const repl = await startPtyRepl(['repl', '-e', EVENT_LIST, ...extraArgs], { ...replayEnv(scenario), ...trace.env });
  repls.add(repl);
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const report = await repl.send(BUSY_HALF_SECOND, 20_000);
  // Read before the next command, whose own window would add to it.
  const countedS = trace.countedS();
  trace.remove();
  const durationText = await repl.send('perfcell.history[0].durationS', 20_000);
  const durationS = Number(/(\d+\.\d+)/.exec(durationText)?.[1]);
  expect(durationS).toBeGreaterThanOrEqual(0.5);
  return { report, durationS, countedS };
}

/** `cache-misses 513,391 (1,004,839/s, scaled from 50% of the time)` → total, rate and the notes. */
export function counterOnReplLine(report: string, event: string): { total: number; perSecond: number; notes: string } {
  const match = new RegExp(`${event} ([\\d,]+) \\(([\\d,]+)/s([^)]*)\\)`).exec(report);
  expect(match, `${event} on the counters line of:\n${report}`).not.toBeNull();
  return { total: printedNumber(match?.[1] ?? ''), perSecond: printedNumber(match?.[2] ?? ''), notes: match?.[3] ?? '' };
}

/** Each counter's total and rate on the REPL's line within `tolerance` of the truth, and the derived metrics. */
export function expectTrueReplLine(report: string, durationS: number, tolerance: number): void {
  for (const event of EVENTS) {
    const { total, perSecond } = counterOnReplLine(report, event);
    expectNear(perSecond, RATES[event], `${event} per second`, tolerance);
    expectNear(total, RATES[event] * durationS, `${event} total`, tolerance);
  }
  expect(report).toMatch(/miss ratio 25\.0%\s+IPC 2\.00\s+MPKI 0\.50/);
}

interface CellsJson {
  readonly cells: ReadonlyArray<{ readonly title: string; readonly report: { readonly durationS: number; readonly counters: CountersJson } }>;
}

/** `perfcell cells --json` of one 0.5 s busy cell; the cell's report. */
export async function busyCell(scenario: Scenario, extraArgs: readonly string[] = []): Promise<{ durationS: number; counters: CountersJson; countedS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'perfcell-hw-cells-'));
  try {
    const file = join(dir, 'busy.js');
    writeFileSync(file, `// %% busy\n${BUSY_HALF_SECOND}\n`);
    const result = await perfcellOnReplay(['cells', '--json', '-e', EVENT_LIST, ...extraArgs, file], scenario);
    expect(result.exitCode, result.stderr).toBe(0);
    const cell = (JSON.parse(result.stdout) as CellsJson).cells[0];
    expect(cell?.title).toBe('busy');
    return { durationS: cell?.report.durationS ?? 0, counters: cell?.report.counters ?? { events: [], derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null } }, countedS: result.countedS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The library's measure() with the replay as its perf (the perfPath option), this process's
 * environment carrying the scenario for the time of the call.
 */
export async function measureOnReplay(target: (() => unknown) | readonly string[], scenario: Scenario): Promise<{ durationS: number; counters: CountersJson; warnings: readonly string[]; countedS: number }> {
  const { measure } = await import('../../src/index.ts');
  const trace = replayTrace();
  const saved = { scenario: process.env.PERFCELL_REPLAY_SCENARIO, trace: process.env.PERFCELL_REPLAY_TRACE };
  process.env.PERFCELL_REPLAY_SCENARIO = scenarioText(scenario);
  process.env.PERFCELL_REPLAY_TRACE = trace.env.PERFCELL_REPLAY_TRACE;
  try {
    const report = await measure(target, { events: EVENTS, perfPath: replayPerfPath });
    return { durationS: report.durationS, counters: report.counters as unknown as CountersJson, warnings: report.warnings, countedS: trace.countedS() };
  } finally {
    for (const [key, value] of [['PERFCELL_REPLAY_SCENARIO', saved.scenario], ['PERFCELL_REPLAY_TRACE', saved.trace]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    trace.remove();
  }
}

/** A JavaScript busy loop of 0.5 s, as measure(fn) gets it. */
export function busyHalfSecond(): void {
  const end = performance.now() + 500;
  while (performance.now() < end) { /* busy */ }
}
