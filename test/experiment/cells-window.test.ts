import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCellEvaluator, type CellEvaluator } from '../../src/experiment/cell-evaluator.ts';
import { measureCell } from '../../src/experiment/run-cells.ts';
import { runsWithPerf } from '../support/perf.ts';

const MIB = 1024 * 1024;
let evaluator: CellEvaluator;
beforeEach(() => {
  evaluator = createCellEvaluator('/tmp/perfcell-cells-window.js');
});
afterEach(() => evaluator.close());

const cell = (code: string) => evaluator.prepare({ title: 'cell', code, startLine: 1 });
/** The cells' scope is a vm context of its own; `process` is the one object it shares with this file. */
const shared = process as unknown as { perfcellOwnMs?: number };

describe('a cell\'s window (RAM, time and CPU; no perf needed)', () => {
  it('times the cell itself, not the inspector\'s round trip: within 0.3 ms of the cell\'s own clock', async () => {
    const overheadsMs: number[] = [];
    for (let run = 0; run < 7; run += 1) {
      const busy = cell('const t0 = performance.now(); while (performance.now() - t0 < 5); process.perfcellOwnMs = performance.now() - t0;');
      const { report } = await measureCell(evaluator, busy, { perf: false });
      overheadsMs.push(report.durationS * 1000 - (shared.perfcellOwnMs ?? NaN));
    }
    overheadsMs.sort((a, b) => a - b);
    // The median, so that one preemption by another job on the shared cores does not decide it.
    expect(overheadsMs[3]).toBeLessThanOrEqual(0.3);
    expect(overheadsMs[0]).toBeGreaterThanOrEqual(0);
  });

  it('times an empty cell under 0.3 ms', async () => {
    const durations: number[] = [];
    for (let run = 0; run < 5; run += 1) durations.push((await measureCell(evaluator, cell('void 0'), { perf: false })).report.durationS);
    durations.sort((a, b) => a - b);
    expect(durations[2]).toBeLessThan(0.0003);
  });

  it('falls back to the window\'s end for a cell that throws, and reports it', async () => {
    const run = await measureCell(evaluator, cell('throw new Error("no")'), { perf: false });
    expect(run.failure?.message).toBe('Error: no');
    expect(run.report.exitCode).toBe(1);
    expect(run.report.durationS).toBeGreaterThan(0);
  });

  it('reads a dropped 512 MiB temporary as a peak above final of at least 480 MiB and at most 20 MiB used', async () => {
    const temporary = cell('(() => { const t = new Float64Array(2**26).fill(1); return t[5]; })()');
    const { report } = await measureCell(evaluator, temporary, { perf: false });
    expect(report.memory.peakAboveFinalBytes ?? 0).toBeGreaterThanOrEqual(480 * MIB);
    expect(report.memory.usedBytes ?? Infinity).toBeLessThanOrEqual(20 * MIB);
  });
});

describe.runIf(runsWithPerf("a cell's counts (real perf)"))("a cell's counts hold the cell, not perfcell's work around it (real perf)", () => {
  // perf counts all of this process, perfcell's own work too. The shared perfs are switched on by
  // the cell's first statement and off by its last, each ack awaited in a blocking read: the
  // inspector's round trip, the turns of the event loop and the /proc reads fall outside. Switched
  // from outside (enable() before the evaluation, stop() after it), an empty cell read a median of
  // 0.50-0.63 ms of task-clock (55 cells, four runs; 2026-12-02, 2 vCPUs), switched from inside 0.09-0.14 ms.
  it('an empty cell reads under 0.3 ms of task-clock (median of 30) and, as often as not, no page-fault', async () => {
    const empty = cell('void 0');
    const taskClockMs: number[] = [];
    const pageFaults: number[] = [];
    for (let run = 0; run < 33; run += 1) {
      const { report } = await measureCell(evaluator, empty, { events: ['task-clock', 'page-faults'] }, run < 32);
      const total = (name: string) => report.counters.events.find((event) => event.event === name)?.total ?? Number.NaN;
      // the first cells wait for the group's perfs to start
      if (run < 3) continue;
      taskClockMs.push(total('task-clock'));
      pageFaults.push(total('page-faults'));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const said = `task-clock ${taskClockMs.join(' ')}; page-faults ${pageFaults.join(' ')}`;
    expect(median(taskClockMs), said).toBeLessThan(0.3);
    expect(median(pageFaults), said).toBe(0);
  }, 60_000);
});
