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
import { beforeAll, describe, expect, it } from 'vitest';
import type { PerfRecord } from '../../parsers/perf-stat.ts';
import { countsNotFoldedYet } from '../../src/perf/late-tail.ts';
import { buildReplayPerf } from '../support/replay-perf/replay-perf.ts';
import { expectNear, LOAD_BAND, perfcellOnReplay } from '../hw/hw-scenarios.ts';

const row = (event: string, status: PerfRecord['status'], value: number | null = null): PerfRecord => ({ time: 0.1, event, value, unit: '', status, runningPct: status === 'counted' ? 100 : null });

describe('countsNotFoldedYet: a tail that says its counts are still to come', () => {
  it('every row <not counted>, a software event among them', () => {
    expect(countsNotFoldedYet([row('task-clock', 'not counted'), row('page-faults', 'not counted')])).toBe(true);
    expect(countsNotFoldedYet([row('cycles', 'not counted'), row('context-switches', 'not counted')])).toBe(true);
  });

  it('not where a row counted, where only hardware events are left out (a PMU that gave them no counter), nor an empty tail', () => {
    expect(countsNotFoldedYet([row('task-clock', 'counted', 0.05), row('page-faults', 'not counted')])).toBe(false);
    expect(countsNotFoldedYet([row('cycles', 'not counted'), row('instructions', 'not counted')])).toBe(false);
    expect(countsNotFoldedYet([row('page-faults', 'not supported')])).toBe(false);
    expect(countsNotFoldedYet([])).toBe(false);
  });
});

describe('cells on a perf whose tails come a tick late (replayed perf: the case is injected)', () => {
  beforeAll(() => buildReplayPerf());

  it("each cell gets its own counts, none reads <not counted>, and their sum is what perf counted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-late-tail-'));
    try {
      const file = join(dir, 'cells.js');
      const busy = (ms: number): string => `const end = performance.now() + ${ms}; while (performance.now() < end) { /* busy */ }`;
      // busy cells, and cells of nothing, whose whole window is in the tail (as the notebook's were)
      const spans = [40, 0, 20, 0, 30, 0];
      writeFileSync(file, spans.map((ms, index) => `// %% cell ${index + 1}\n${ms === 0 ? 'void 0' : busy(ms)}\n`).join(''));
      const rates = { 'task-clock': 1000, 'page-faults': 20_000 };
      const result = await perfcellOnReplay(['cells', '--json', '-e', 'task-clock,page-faults', file], { events: rates, lateTail: 'every' });
      expect(result.exitCode, result.stderr).toBe(0);
      const cells = (JSON.parse(result.stdout) as { cells: { title: string; report: { durationS: number; warnings: string[]; counters: { events: { event: string; status: string; total: number | null }[] } } }[] }).cells;
      expect(cells.map((cell) => cell.title)).toEqual(spans.map((_, index) => `cell ${index + 1}`));
      let taskClockMs = 0;
      for (const [index, cell] of cells.entries()) {
        for (const [event, rate] of Object.entries(rates)) {
          const counted = cell.report.counters.events.find((candidate) => candidate.event === event);
          expect(counted?.status, `${cell.title} ${event}: ${cell.report.warnings.join('; ')}`).toBe('counted');
          // the replay counts enabled wall time: the cell's span and its switches' few µs
          if (spans[index] !== 0) expectNear(counted?.total, rate * cell.report.durationS, `${cell.title} ${event}`, LOAD_BAND);
          if (event === 'task-clock') taskClockMs += counted?.total ?? 0;
        }
      }
      // nothing counted was left out of the cells, nor counted twice
      expectNear(taskClockMs, rates['task-clock'] * result.countedS, 'the cells\' task-clock against what the replay counted', 0.02);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
