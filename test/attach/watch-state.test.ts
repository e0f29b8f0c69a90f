import { describe, expect, it } from 'vitest';
import type { IntervalRow, ProcPoint } from '../../src/attach/interval-row.ts';
import { buildAttachReport, type AttachEnd } from '../../src/attach/attach-report.ts';
import { createWatchState } from '../../src/attach/watch-state.ts';
import { renderReportText } from '../../src/render/report-text.ts';

const MIB = 1024 * 1024;

function row(index: number, rssMiB: number | null): IntervalRow {
  return {
    timeS: index + 1,
    intervalS: 1,
    rssBytes: rssMiB === null ? null : rssMiB * MIB,
    cpuPct: 100,
    systemCpuPct: 50,
    events: [{ event: 'page-faults', unit: '', status: 'counted', value: index, perSecond: index }],
  };
}

const point = (atS: number, rssMiB: number | null, peakMiB: number | null = rssMiB): ProcPoint => ({
  atS,
  rssBytes: rssMiB === null ? null : rssMiB * MIB,
  peakRssBytes: peakMiB === null ? null : peakMiB * MIB,
  utimeTicks: rssMiB === null ? null : atS * 100,
  stimeTicks: rssMiB === null ? null : 0,
  machineTicks: [{ busy: atS * 100, total: atS * 200 }],
  exited: rssMiB === null,
});

function feed(rssMiB: readonly (number | null)[], options = {}) {
  const state = createWatchState(options);
  rssMiB.forEach((rss, index) => {
    state.addRecord({ time: index + 1, event: 'page-faults', value: index, unit: '', status: 'counted', runningPct: 100 });
    state.addRow(row(index, rss), rss === null ? null : (rss + 1) * MIB);
  });
  return state;
}

describe('createWatchState', () => {
  it('keeps the recent rows in order and a thinned series of the whole watch', () => {
    const state = feed(Array.from({ length: 50 }, (_, index) => index), { recentRows: 5, seriesPoints: 10, maxSamples: 3 });
    expect(state.rowCount).toBe(50);
    expect(state.recentRows().map((kept) => kept.timeS)).toEqual([46, 47, 48, 49, 50]);
    const series = state.series();
    expect(series.timeS.length).toBeLessThanOrEqual(10);
    expect(series.timeS[0]).toBe(1);
    expect(series.events[0]?.event).toBe('page-faults');
    expect(state.aggregates()[0]).toMatchObject({ total: (49 * 50) / 2, min: 0, max: 49 });
    expect(state.aggregates()[0]?.samples.map((sample) => sample.timeS)).toEqual([48, 49, 50]);
    expect(state.maxRssBytes).toBe(50 * MIB); // VmHWM 49 + 1
  });
});

describe('buildAttachReport', () => {
  const base = (overrides: Partial<AttachEnd>): AttachEnd => ({
    pid: 7,
    comm: 'worker',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationS: 3,
    start: point(0, 10),
    end: point(3, 12, 40),
    lastAlive: point(3, 12, 40),
    peakMethod: 'vmhwm-reset',
    exited: false,
    intervalMs: 1000,
    warnings: [],
    ...overrides,
  });

  it('reads used RAM from start to end and the peak from VmHWM reset at attach', () => {
    const report = buildAttachReport(feed([10, 30, 12]), base({}));
    expect(report.label).toBe('pid 7 (worker)');
    expect(report.memory).toMatchObject({ rssBeforeBytes: 10 * MIB, rssAfterBytes: 12 * MIB, usedBytes: 2 * MIB, peakRssBytes: 40 * MIB, peakAboveFinalBytes: 28 * MIB });
    expect(report.cpu.userS).toBe(3);
    expect(report.counters.events[0]).toMatchObject({ event: 'page-faults', total: 3 });
    expect(report.rssSeries?.map((sample) => sample.rssBytes)).toEqual([10 * MIB, 30 * MIB, 12 * MIB]);
    expect(report.warnings).toEqual([]);
  });

  it('after an exit, uses what was last seen alive and says so', () => {
    const report = buildAttachReport(feed([10, 30, null]), base({ end: point(3, null), lastAlive: point(2, 30, 35), exited: true }));
    expect(report.memory).toMatchObject({ rssAfterBytes: 30 * MIB, peakRssBytes: 35 * MIB, peakAboveFinalBytes: 5 * MIB });
    expect(report.warnings).toEqual(['pid 7 exited during the watch; its RAM and CPU time are as last seen alive, at most one interval before it exited']);
  });

  it('after an exit the watch saw within 20 ms: CPU time to its last reading, and no "current RAM" of a gone process', () => {
    const exitedEnd = base({ end: point(3, null), lastAlive: point(2.98, 30, 35), lastTimes: { ...point(2.99, null), utimeTicks: 290, stimeTicks: 5 }, exited: true, lastSeenBeforeExitS: 0.0193 });
    const report = buildAttachReport(feed([10, 30, null]), exitedEnd);
    expect([report.cpu.userS, report.cpu.systemS]).toEqual([2.9, 0.05]);
    expect(report.memory.lastSeenBeforeExitS).toBe(0.0193);
    expect(report.warnings).toEqual(['pid 7 exited during the watch; its RAM and CPU time are as last seen alive, 20 ms or less before it exited']);
    const headline = renderReportText(report).split('\n')[0]!;
    expect(headline).toMatch(/, RAM last seen 30\.0 MiB before it exited$/);
    expect(headline).not.toContain('current RAM');
  });

  it('an event not supported here points nowhere: attach has no --backend (it pointed to --backend cachegrind, which attach refuses)', () => {
    const state = feed([10, 12]);
    state.addRecord({ time: 1, event: 'cycles', value: null, unit: '', status: 'not supported', runningPct: null });
    const report = buildAttachReport(state, base({}));
    expect(report.counters.unsupported).toEqual([{ event: 'cycles', reason: 'not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU)' }]);
  });

  it('ignores a VmHWM that was not reset (a lifetime peak), using sampled RSS', () => {
    const state = createWatchState();
    state.addRow(row(0, 20));
    const report = buildAttachReport(state, base({ peakMethod: 'sampled', end: point(3, 12, 900), lastAlive: point(3, 12, 900) }));
    expect(report.memory.peakRssBytes).toBe(20 * MIB);
  });

  it('has no counter block when perf did not count', () => {
    expect(buildAttachReport(feed([1]), base({ intervalMs: null })).counters.backend).toBe('none');
  });
});
