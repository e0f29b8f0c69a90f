import { describe, expect, it } from 'vitest';
import { renderCompareText } from '../../src/render/compare-text.ts';
import { lowestRunningPcts } from '../../src/session/counters.ts';
import { rowColDocument } from './compare-fixture.ts';

describe('compare text: events perf multiplexed', () => {
  it('marks their totals and rates with * and says from how much of the time, only where they are shown', () => {
    const document = rowColDocument();
    const verbose = renderCompareText(document, { width: 100, verbose: true, runningPct: { 'page-faults': 50 } });
    expect(verbose).toMatch(/^page-faults\* +mean/m);
    expect(verbose.trimEnd().split('\n\n').at(-1)?.replace(/\s+/g, ' ')).toBe('* scaled from 50% of the time in some runs (page-faults): perf multiplexed more events than the PMU has counters');
    expect(renderCompareText(document, { width: 100, verbose: true })).not.toContain('*');
    // the short summary names page-faults in a verdict by its noun, not its label: no footnote without a mark on screen
    const summary = renderCompareText(document, { width: 100, runningPct: { 'page-faults': 50 } });
    expect(summary).not.toContain('scaled from');
  });

  it('lowestRunningPcts takes the lowest share per event over all runs, ignoring full-time ones', () => {
    const event = (name: string, pct: number | null) => ({
      event: name, unit: '', status: 'counted' as const, total: 1, countedSeconds: 1, perSecond: 1, samples: [], min: 1, max: 1, lowestRunningPct: pct,
    });
    const report = (events: ReturnType<typeof event>[]) => ({
      counters: { backend: 'perf' as const, simulated: false, intervalMs: 100, events, unsupported: [], derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null }, pauseS: 0 },
    });
    expect(lowestRunningPcts([report([event('cycles', 60), event('page-faults', 100)]), report([event('cycles', 48), event('instructions', null)])])).toEqual({ cycles: 48 });
  });
});
