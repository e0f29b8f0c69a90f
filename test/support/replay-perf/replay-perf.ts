import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The replaying perf (see README.md here): a test double that speaks perf 6.1's
 * `stat -x, -I MS --pid PID -e EVENTS -D -1 --control fd:A,B` protocol as the real one does on
 * this machine, and prints the hardware rows of a scenario instead of counting.
 */
export const replayPerfDir = import.meta.dirname;
export const replayPerfPath = join(replayPerfDir, 'perf');

/** Builds the replay once up front (the wrapper would on its first call), so no test times the compile. */
export function buildReplayPerf(): void {
  execFileSync(replayPerfPath, ['--version'], { stdio: 'ignore' });
}

/** One event's line of a scenario: a rate per second, or perf's <not counted> / <not supported>. */
export type ScenarioValue = number | '<not counted>' | '<not supported>';

export interface Scenario {
  /** event → rate per second (task-clock: msec per second) or a status. */
  readonly events: Readonly<Record<string, ScenarioValue>>;
  /** Multiplexing: the share of the enabled time each hardware counter ran, percent (perf's running column). */
  readonly runningPct?: number;
  /** A hybrid Intel machine: the share of the time the task ran on cpu_core, percent; the rest on cpu_atom. */
  readonly hybridCorePct?: number;
  /** perf's metric-only rows, printed each counted interval when perfcell passes -M (`,,,,,70.1,%  tma_backend_bound`). */
  readonly metrics?: readonly { readonly name: string; readonly value: number; readonly unit?: string }[];
  /**
   * Multiplexing in turns as long as an interval (perf's rotation seen through short ticks): hardware
   * row K (in -e order) runs all of tick T where (K + T) % rotate === 0, and reads `<not counted>` at 0% in the others.
   */
  readonly rotate?: number;
  /** Window K's counts (1-based, by disables; `every`: each window's) come a tick late: its first tick after the disable all `<not counted>`. */
  readonly lateTail?: number | 'every';
}

/** The scenario as the replay reads it from PERFCELL_REPLAY_SCENARIO. */
export function scenarioText(scenario: Scenario): string {
  const lines: string[] = [];
  if (scenario.runningPct !== undefined) lines.push(`running ${scenario.runningPct}`);
  if (scenario.hybridCorePct !== undefined) lines.push(`hybrid ${scenario.hybridCorePct}`);
  if (scenario.rotate !== undefined) lines.push(`rotate ${scenario.rotate}`);
  if (scenario.lateTail !== undefined) lines.push(`late-tail ${scenario.lateTail}`);
  for (const [event, value] of Object.entries(scenario.events)) lines.push(`${event} ${value}`);
  for (const metric of scenario.metrics ?? []) lines.push(`metric ${metric.name} ${metric.value}${metric.unit === undefined ? '' : ` ${metric.unit}`}`);
  return lines.join('\n');
}

/** Environment that makes `perf` on PATH the replay, playing `scenario`. */
export function replayEnv(scenario: Scenario): Record<string, string> {
  return {
    PATH: `${replayPerfDir}:${process.env.PATH ?? ''}`,
    PERFCELL_REPLAY_SCENARIO: scenarioText(scenario),
  };
}

/** A trace file for PERFCELL_REPLAY_TRACE, fresh for each call, and what the replays wrote into it. */
export interface ReplayTrace {
  readonly env: Record<string, string>;
  /**
   * Seconds counted in all, over every replay run that wrote to this trace and counted in
   * intervals (-I): what perfcell measures with. A run without -I is a probe (attach's check of
   * -e runs `perf stat -e EVENTS -- true`), whose counts no report holds.
   */
  countedS(): number;
  /** Every line written (rows, `counted S s`, `enable at T`, `SIGINT at T`). */
  lines(): string[];
  remove(): void;
}

export function replayTrace(): ReplayTrace {
  const dir = mkdtempSync(join(tmpdir(), 'perfcell-replay-trace-'));
  const file = join(dir, 'trace');
  const lines = (): string[] => {
    try {
      return readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    env: { PERFCELL_REPLAY_TRACE: file },
    countedS: () => {
      let measuring = true;
      let sum = 0;
      for (const line of lines()) {
        if (line.startsWith('run ')) measuring = / -I /.test(`${line} `);
        else if (measuring) sum += Number(/^counted (\S+) s$/.exec(line)?.[1] ?? 0);
      }
      return sum;
    },
    lines,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
