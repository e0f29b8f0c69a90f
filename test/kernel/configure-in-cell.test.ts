import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';
import { createScopeApi } from '../../src/kernel/scope-api.ts';
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
