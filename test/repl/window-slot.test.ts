import { describe, expect, it } from 'vitest';
import { createWindowSlot } from '../../src/repl/window-slot.ts';
import type { MeasureOptions } from '../../src/session/options.ts';
import type { CommandReport, CountersReport } from '../../src/session/report.ts';
import type { MeasurementWindow } from '../../src/session/window.ts';
import { resolvePerfOptions } from '../../src/session/options.ts';

/** A prepareWindow that records what it was asked for; its windows only count cancels. */
function fakePrepare(): { prepare: (pid: number, options?: MeasureOptions) => MeasurementWindow; asked: MeasureOptions[]; cancelled: () => number } {
  const asked: MeasureOptions[] = [];
  let cancelled = 0;
  const prepare = (_pid: number, options: MeasureOptions = {}): MeasurementWindow => {
    asked.push(options);
    return { begin: async () => null, end: async () => { throw new Error('not used'); }, cancel: () => void cancelled++ };
  };
  return { prepare, asked, cancelled: () => cancelled };
}

function reportWith(counters: Partial<CountersReport>): CommandReport {
  return {
    label: 'In [1]', startedAt: '', durationS: 0.001, exitCode: 0, signal: null,
    memory: { rssBeforeBytes: 0, rssAfterBytes: 0, usedBytes: 0, peakRssBytes: 0, peakAboveFinalBytes: 0, peakMethod: 'vmhwm-reset' },
    cpu: { systemMeanPct: null, singleMaxPct: null, perCpuPct: [], userS: null, systemS: null },
    counters: {
      backend: 'perf', simulated: false, intervalMs: 100, events: [], unsupported: [],
      derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null }, pauseS: 0, ...counters,
    },
    warnings: [],
  };
}
const notSupported = (event: string) => ({ event, reason: 'not supported on this machine (no PMU)' });

describe('createWindowSlot', () => {
  it('prepares one window ahead and hands it to the next command', () => {
    const fake = fakePrepare();
    const slot = createWindowSlot(42, { intervalMs: 50 }, fake.prepare);
    slot.fill('In [1]');
    slot.fill('In [1]');
    expect(fake.asked).toEqual([{ intervalMs: 50, label: 'In [1]' }]);
    slot.take('In [1]');
    slot.take('In [2]');
    expect(fake.asked).toHaveLength(2);
  });

  it('stops asking perf for events it cannot count, and still names them in every report', () => {
    const fake = fakePrepare();
    const slot = createWindowSlot(42, {}, fake.prepare);
    const first = slot.learn(reportWith({ unsupported: [notSupported('cache-misses'), notSupported('cycles:u')] }));
    expect(first.counters.unsupported.map((event) => event.event)).toEqual(['cache-misses', 'cycles:u']);
    slot.fill('In [2]');
    // the default set is this machine's (perf/default-events.ts), less what perf said it cannot count
    const machineDefault = resolvePerfOptions({}).events;
    expect(fake.asked.at(-1)?.events).toEqual(machineDefault.filter((event) => event !== 'cache-misses' && event !== 'cycles'));
    const later = slot.learn(reportWith({}));
    expect(later.counters.unsupported.map((event) => event.event)).toEqual(['cache-misses', 'cycles:u']);
  });

  it('turns perf off when nothing asked for can be counted, or perf could not count at all', () => {
    const fake = fakePrepare();
    const slot = createWindowSlot(42, { events: ['cycles'] }, fake.prepare);
    slot.learn(reportWith({ unsupported: [notSupported('cycles')] }));
    slot.fill('In [2]');
    expect(fake.asked.at(-1)).toMatchObject({ events: ['cycles'], perf: false });

    const failing = createWindowSlot(42, {}, fake.prepare);
    failing.learn(reportWith({ backend: 'none' }));
    expect(failing.measure.perf).toBe(false);
  });

  it('configure() starts over: new set-up, unsupported events forgotten, waiting perf dropped', () => {
    const fake = fakePrepare();
    const slot = createWindowSlot(42, {}, fake.prepare);
    slot.learn(reportWith({ unsupported: [notSupported('cycles')] }));
    slot.fill('In [2]');
    slot.configure({ events: ['cycles', 'page-faults'] });
    expect(fake.cancelled()).toBe(1);
    slot.fill('In [2]');
    expect(fake.asked.at(-1)?.events).toEqual(['cycles', 'page-faults']);
  });
});
