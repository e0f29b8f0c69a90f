import { describe, expect, it } from 'vitest';
import { renderCompareText } from '../../src/render/compare-text.ts';
import type { EventAggregate } from '../../parsers/aggregate.ts';
import { runningPctsOf } from '../../src/session/counters.ts';
import { rowColDocument } from './compare-fixture.ts';

describe('compare text: events perf multiplexed', () => {
  it('marks their totals and rates with * and says from how much of the time, only where they are shown', () => {
    const document = rowColDocument();
    const verbose = renderCompareText(document, { width: 100, verbose: true, runningPct: { 'page-faults': 50 } });
    expect(verbose).toMatch(/^page-faults\* +mean/m);
    expect(verbose.trimEnd().split('\n\n').at(-1)?.replace(/\s+/g, ' ')).toBe('* scaled from 50% of the time in some runs (page-faults): perf multiplexed more events than the PMU has counters');
    expect(renderCompareText(document, { width: 100, verbose: true })).not.toContain('*');
    // the short summary names page-faults in a verdict by its noun, not its label: the verdict says it, and the footnote follows
    const summary = renderCompareText(document, { runningPct: { 'page-faults': 50 } });
    expect(summary).toMatch(/^ {2}\.\/rowcol col 1024 20 has 1\.500× ± 0\.004 more page-faults; p < 0\.001 \(scaled from 50% of the time\*\)$/m);
    expect(summary.trimEnd().split('\n').at(-1)).toBe('* scaled from 50% of the time in some runs (page-faults): perf multiplexed more events than the PMU has counters');
    // none scaled: neither
    expect(renderCompareText(document)).not.toMatch(/scaled|\*/);
  });

  it('a verdict on counts perf scaled says from the lower share of the two alternatives it compares, as the document keeps them', () => {
    // Before: compare's summary said `col has 1.5× more page-faults` with no word of the scaling, and
    // its JSON held no running share, so a reader could not tell which counts were estimates.
    const base = rowColDocument();
    const withShares = (row: Record<string, number>, col: Record<string, number>) => ({
      ...base,
      alternatives: [{ ...base.alternatives[0]!, lowestRunningPct: row }, { ...base.alternatives[1]!, lowestRunningPct: col }],
    });
    const summary = renderCompareText(withShares({ 'page-faults': 100, cycles: 100 }, { 'page-faults': 40, cycles: 100 }));
    expect(summary).toMatch(/more page-faults; p < 0\.001 \(scaled from 40% of the time\*\)$/m);
    expect(summary.trimEnd().split('\n').at(-1)).toBe('* scaled from 40% of the time in some runs (page-faults): perf multiplexed more events than the PMU has counters');
    // counted all of the time by both: no mark, no footnote
    const exact = renderCompareText(withShares({ 'page-faults': 100 }, { 'page-faults': 100 }));
    expect(exact).toMatch(/more page-faults; p < 0\.001$/m);
    expect(exact).not.toContain('*');
    // --verbose marks the tables from the same shares
    expect(renderCompareText(withShares({ 'page-faults': 100 }, { 'page-faults': 40 }), { width: 100, verbose: true })).toMatch(/^page-faults\* +mean/m);
  });

  it('runningPctsOf takes the lowest share per counted event over all runs, 100 for full-time ones, none where perf printed none', () => {
    const event = (name: string, pct: number | null) => ({
      event: name, unit: '', status: 'counted' as const, total: 1, countedSeconds: 1, perSecond: 1, samples: [], min: 1, max: 1, lowestRunningPct: pct,
    });
    const report = (events: EventAggregate[]) => ({
      counters: { backend: 'perf' as const, simulated: false, intervalMs: 100, events, unsupported: [], derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null }, pauseS: 0 },
    });
    expect(runningPctsOf([report([event('cycles', 60), event('page-faults', 100)]), report([event('cycles', 48), event('instructions', null)])])).toEqual({ cycles: 48, 'page-faults': 100 });
    // a hybrid event folded from PMUs that together ran all of the time has no share of its own (null): counted all of the time
    const pmus = [{ pmu: 'cpu_core', event: 'cpu_core/cycles/', status: 'counted' as const, total: 0.75, share: 0.75 }, { pmu: 'cpu_atom', event: 'cpu_atom/cycles/', status: 'counted' as const, total: 0.25, share: 0.25 }];
    expect(runningPctsOf([report([{ ...event('cycles', null), pmus }])])).toEqual({ cycles: 100 });
  });
});
