/**
 * A window's counts that reach perf a tick late (src/perf/late-tail.ts). Real perf did it under
 * load only: about 1 `void 0` notebook cell in 100, beside two busy loops, read `<not counted>` for
 * task-clock and page-faults on its first tick after the disable, and its counts came with perf's
 * next tick, in the next cell's window (BENCHMARKS.md, Pace notes, 2026-12-06 19:30). That cannot be
 * had on demand here, so it is injected: the replaying perf (test/support/replay-perf, `late-tail`)
 * prints a window's first tick after its disable all `<not counted>` (0 run, 100.00, as real perf
 * printed it) and its counts with the next tick.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PerfRecord } from '../../parsers/perf-stat.ts';
import { countsNotFoldedYet } from '../../src/perf/late-tail.ts';
import { cliPath } from '../support/fixtures.ts';
import { buildReplayPerf, replayEnv, replayTrace } from '../support/replay-perf/replay-perf.ts';

const row = (event: string, status: PerfRecord['status'], value: number | null = null): PerfRecord => ({ time: 0.1, event, value, unit: '', status, runningPct: status === 'counted' ? 100 : null });

describe('countsNotFoldedYet: a tail that says its counts are still to come', () => {
  it('every row <not counted>, a software event among them', () => {
    expect(countsNotFoldedYet([row('task-clock', 'not counted'), row('page-faults', 'not counted')])).toBe(true);
    expect(countsNotFoldedYet([row('cycles', 'not counted'), row('context-switches', 'not counted')])).toBe(true);
    // an event this machine cannot count (a VM's cache-misses) beside them changes nothing
    expect(countsNotFoldedYet([row('cache-misses', 'not supported'), row('page-faults', 'not counted')])).toBe(true);
  });

  it('not where a row counted, where only hardware events are left out (a PMU that gave them no counter), nor an empty tail', () => {
    expect(countsNotFoldedYet([row('task-clock', 'counted', 0.05), row('page-faults', 'not counted')])).toBe(false);
    expect(countsNotFoldedYet([row('cycles', 'not counted'), row('instructions', 'not counted')])).toBe(false);
    expect(countsNotFoldedYet([row('page-faults', 'not supported')])).toBe(false);
    expect(countsNotFoldedYet([row('cache-misses', 'not supported'), row('page-faults', 'counted', 3)])).toBe(false);
    expect(countsNotFoldedYet([])).toBe(false);
  });
});

describe('cells on a perf whose tails come a tick late (replayed perf: the case is injected)', () => {
  beforeAll(() => buildReplayPerf());

  it('each cell gets its own counts, none reads <not counted>: the seconds the replay counted from its enable to the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-late-tail-'));
    const trace = replayTrace();
    try {
      const file = join(dir, 'cells.js');
      const busy = (ms: number): string => `const end = performance.now() + ${ms}; while (performance.now() < end) { /* busy */ }`;
      // busy cells, and cells of nothing, whose whole window is in the tail (as the notebook's were)
      const spans = [40, 0, 20, 0, 30, 0];
      writeFileSync(file, spans.map((ms, index) => `// %% cell ${index + 1}\n${ms === 0 ? 'void 0' : busy(ms)}\n`).join(''));
      const rates = { 'task-clock': 1000, 'page-faults': 20_000 };
      // and an event this machine cannot count, as a VM's cache-misses: its rows say nothing of the others'
      const scenario = { events: { ...rates, 'cache-misses': '<not supported>' as const }, lateTail: 'every' as const };
      const result = await execa(process.execPath, [cliPath, 'cells', '--json', '-e', 'task-clock,page-faults,cache-misses', file], { reject: false, env: { NO_COLOR: '1', ...replayEnv(scenario), ...trace.env }, timeout: 60_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      const cells = (JSON.parse(result.stdout) as { cells: { title: string; report: { warnings: string[]; counters: { events: { event: string; status: string; total: number | null }[] } } }[] }).cells;
      expect(cells.map((cell) => cell.title)).toEqual(spans.map((_, index) => `cell ${index + 1}`));
      // what the replay counted in each window, from its enable to the next: nothing counts while disabled
      const windowsS: number[] = [];
      for (const line of trace.lines()) {
        if (line.startsWith('enable at ')) windowsS.push(0);
        const counted = /^counted (\S+) s$/.exec(line);
        if (counted !== null && windowsS.length > 0) windowsS[windowsS.length - 1]! += Number(counted[1]);
      }
      expect(windowsS).toHaveLength(cells.length);
      for (const [index, cell] of cells.entries()) {
        for (const [event, rate] of Object.entries(rates)) {
          const counted = cell.report.counters.events.find((candidate) => candidate.event === event);
          expect(counted?.status, `${cell.title} ${event}: ${cell.report.warnings.join('; ')}`).toBe('counted');
          // within 2%, or perf's rounding of a tiny count (a msec to 2 decimals, a count to a whole) on each of a few rows
          const expected = rate * (windowsS[index] ?? 0);
          const allowed = Math.max(0.02 * expected, event === 'task-clock' ? 0.03 : 2);
          expect(Math.abs((counted?.total ?? Number.NaN) - expected), `${cell.title} ${event}: ${counted?.total} against ${expected}`).toBeLessThanOrEqual(allowed);
        }
      }
    } finally {
      trace.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
