import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';
import { createScopeApi } from '../../src/kernel/scope-api.ts';
import { noteConfiguredEvents } from '../../src/events-source.ts';
import { touchFreshPages } from '../support/fresh-pages.ts';
import { perfUsable } from '../support/perf.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

if (!perfUsable) console.warn('perf cannot count here: the tests of a cell that changes the set-up are skipped');

/** The page-faults the cell's report counted, or null where it has none. */
async function pageFaultsOf(code: string): Promise<number | null> {
  const run = await engine!.run(code);
  expect(run.outcome.kind).toBe('value');
  return run.report?.report.counters.events.find((event) => event.event === 'page-faults')?.total ?? null;
}

// A QA pass: perfcell.interval(), .events() and .stop() take effect from the next cell on, but the
// cell that called them lost its own counts: the set-up's change closed the session's one perf,
// which was counting that cell (`page-faults <not counted>`, or no counter row at all).
describe.runIf(perfUsable)("a cell that changes perfcell's set-up keeps its own counts", () => {
  it('a cell that calls perfcell.interval(), .events() or .stop() and then touches 5,000 pages counts them', { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { events: ['page-faults', 'context-switches'] }, onProblem: (message) => console.warn(message) });
    const api = createScopeApi(engine.measurement, undefined, engine.interrupts);
    Object.defineProperty(engine.server.context, 'perfcell', { value: api, configurable: true, writable: true });
    const calls = ['perfcell.interval(30)', "perfcell.events('page-faults', 'task-clock')", "perfcell.events('default')", 'perfcell.interval(100)', 'perfcell.stop()'];
    const counted: [string, number | null][] = [];
    for (const [index, call] of calls.entries()) counted.push([call, await pageFaultsOf(`${call}; ${touchFreshPages(`pages${index}`, 5000)}`)]);
    // at least the pages (perfcell.events() asks perf first: a spawnSync of its own faults some 1,200 more)
    expect(counted.filter(([, total]) => total === null || total < 4950)).toEqual([]);
    // stop() took effect from the next cell on
    expect((await engine.run('1')).report).toBeNull();
  });
});

// A QA pass: a kernel started with --no-perf took PERFCELL_PERF_ACK_TIMEOUT_S=abc for 5 s once
// perfcell.events() switched perf on; every command refuses it before it starts
describe('perfcell.events() in a kernel started without perf', () => {
  it('refuses a PERFCELL_PERF_ACK_TIMEOUT_S perf cannot wait by, and perf stays off', { timeout: 60_000 }, async () => {
    const saved = process.env['PERFCELL_PERF_ACK_TIMEOUT_S'];
    process.env['PERFCELL_PERF_ACK_TIMEOUT_S'] = 'abc';
    try {
      engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
      const api = createScopeApi(engine.measurement, undefined, engine.interrupts);
      const refusal = "PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ 2147483, e.g. 10 (or unset it for 5 s), not 'abc'; perf stays off";
      expect(() => api.events('page-faults')).toThrow(refusal);
      expect(() => api.events('default')).toThrow(refusal);
      expect(engine.measurement.measure.perf).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['PERFCELL_PERF_ACK_TIMEOUT_S'];
      else process.env['PERFCELL_PERF_ACK_TIMEOUT_S'] = saved;
    }
  });
});

// A QA pass: perfcell.events('default') went back to perfcell's own events, where the kernel had
// started with those PERFCELL_EVENTS (or a config file) sets, which main notes (events-source.ts)
describe.runIf(perfUsable)("perfcell.events('default') in a kernel with PERFCELL_EVENTS", () => {
  it('goes back to the events PERFCELL_EVENTS sets, and says perf\'s refusal of them in its words', { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { events: ['page-faults'] }, onProblem: (message) => console.warn(message) });
    const api = createScopeApi(engine.measurement, undefined, engine.interrupts);
    try {
      noteConfiguredEvents({ value: 'task-clock', source: 'PERFCELL_EVENTS' });
      expect(api.events('default')).toEqual(['task-clock']);
      expect(engine.measurement.measure.events).toEqual(['task-clock']);
      noteConfiguredEvents({ value: 'page-faults,bogus', source: 'PERFCELL_EVENTS' });
      expect(() => api.events('default')).toThrow("unknown perf event 'bogus' (see perf list, or drop it from PERFCELL_EVENTS); events stay task-clock");
      noteConfiguredEvents(undefined);
      // none set: perfcell's own (no -e)
      expect(api.events('default')).toEqual(api.events());
      expect(engine.measurement.measure.events).toBeUndefined();
    } finally {
      noteConfiguredEvents(undefined);
    }
  });
});
