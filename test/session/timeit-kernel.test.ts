import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';
import type { TimeitResult } from '../../src/session/timeit.ts';
import { createScopeApi } from '../../src/kernel/scope-api.ts';
import { perfUsable } from '../support/perf.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

if (!perfUsable) console.warn("perf cannot count here: the test of perfcell.events asking perf first is skipped");

// The notebook kernel's engine in this process, perf off (timing and GC need no perf).
describe('the notebook kernel has perfcell.timeit and the GC per cell', () => {
  it('a cell can await perfcell.timeit, and a cell that makes garbage reports its collections', { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const timed = await engine.run('await perfcell.timeit(() => Math.sqrt(2), { runs: 3, minTime: 0.01 })');
    expect(timed.outcome.kind).toBe('value');
    const result = timed.outcome.value as TimeitResult;
    expect(result.runs).toBe(3);
    expect(result.perCallS.mean).toBeGreaterThan(0);

    const garbage = await engine.run('{ const ring = new Array(1024); for (let i = 0; i < 3e6; i++) ring[i & 1023] = { i } }');
    expect(garbage.report?.report.gc?.collections).toBeGreaterThanOrEqual(1);
    const last = await engine.run('perfcell.last.gc.collections');
    expect(last.outcome.value).toBe(garbage.report?.report.gc?.collections);
  });

  // A QA pass: an interrupted cell that awaited perfcell.timeit ended, and its timing went on
  // after it, batch after batch, as in the REPL (node:repl's interruption of an await)
  it("an interrupt stops the timeit a cell awaits, with the cell, in the engine's perfcell and the kernel's", { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const kernelApi = createScopeApi(engine.measurement, undefined, engine.interrupts);
    Object.defineProperty(engine.server.context, 'kernelApi', { value: kernelApi, configurable: true });
    await engine.run('globalThis.calls = 0; function slow() { calls++; const end = Date.now() + 50; while (Date.now() < end); }');
    for (const api of ['perfcell', 'kernelApi']) {
      await engine.run('calls = 0');
      // 40 runs of one 50 ms call: some 2 s, interrupted at 0.3 s
      const running = engine.run(`await ${api}.timeit(slow, { loops: 1, runs: 40, warmup: 0 })`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(engine.interruptAwait()).toBe(true);
      expect((await running).outcome.kind).toBe('thrown');
      const atEnd = (await engine.run('calls')).outcome.value as number;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([api, (await engine.run('calls')).outcome.value]).toEqual([api, atEnd]);
      expect(atEnd).toBeLessThan(40);
    }
  });

  it("the kernel's perfcell takes the caller's signal beside its interrupts, and refuses one that is none by timeit's rule", { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const api = createScopeApi(engine.measurement, undefined, engine.interrupts);
    const stopped = await api.timeit(() => 1, { runs: 5, loops: 10, warmup: 0, signal: AbortSignal.abort() });
    expect([stopped.runs, stopped.warnings]).toEqual([1, ['interrupted after 1 of 5 runs: the figures are of those']]);
    await expect(api.timeit(() => 1, { signal: 'stop' as never })).rejects.toThrow(/^signal must be an AbortSignal, e\.g\. new AbortController\(\)\.signal, not /);
    await expect(api.compare({ a: () => 1, b: () => 2 }, { signal: 'stop' as never })).rejects.toThrow(/^signal must be an AbortSignal/);
    const caller = new AbortController();
    caller.abort(new Error('caller stopped it'));
    await expect(api.compare({ a: () => 1, b: () => 2 }, { loops: 10, signal: caller.signal })).rejects.toThrow('caller stopped it');
  });

  it('the kernel\'s own perfcell object (scope-api) has timeit and compare too', { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const api = createScopeApi(engine.measurement);
    const result = await api.timeit(() => Math.sqrt(2), { runs: 2, minTime: 0.01 });
    expect(result.runs).toBe(2);
    const compared = await api.compare({ a: () => 1, b: () => 2 }, { runs: 3, loops: 1000 });
    expect(compared.alternatives.map((alternative) => alternative.name)).toEqual(['a', 'b']);
  });

  it("the kernel's perfcell.events refuses perf's tool events and keeps the events it had (src/perf/tool-events.ts)", () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const api = createScopeApi(engine.measurement);
    api.events('page-faults');
    expect(() => api.events('duration_time', 'task-clock')).toThrow(/^duration_time is perf's own wall clock, not a counter/);
    expect(() => api.events('{page-faults', 'task-clock')).toThrow(/^unbalanced \{ \} in '\{page-faults,task-clock'/);
    expect(api.events()).toEqual(['page-faults']);
  });

  // real perf: the probe is `perf stat -e LIST -- true`, as the REPL's .events runs it
  it.runIf(perfUsable)("the kernel's perfcell.events asks perf first: a list it refuses throws perf's reason and keeps the events it had", () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const api = createScopeApi(engine.measurement);
    expect(() => api.events('page-faults', 'no-such-event-xyz')).toThrow(/^unknown perf event 'no-such-event-xyz'.*; perf stays off$/);
    expect(engine.measurement.measure.perf).toBe(false);
    expect(api.events('page-faults')).toEqual(['page-faults']);
    expect(() => api.events('task-clock,no-such-event-xyz')).toThrow(/^unknown perf event 'no-such-event-xyz' \(see perf list, or drop it from the list\); events stay page-faults$/);
    expect(api.events()).toEqual(['page-faults']);
    expect(engine.measurement.measure.perf).toBe(true);
  });
});
