import { describe, expect, it } from 'vitest';
import { formatCountPlain, renderReplReport } from '../../src/render/report-repl.ts';
import { formatCount } from '../../src/render/units.ts';
import { formatDurationS, formatMetricValue } from '../../src/render/metric-units.ts';
import type { CommandReport } from '../../src/session/report.ts';

const MIB = 1024 * 1024;
const sample = (event: string, value: number, unit = '') => ({
  event, unit, status: 'counted' as const, total: value, countedSeconds: 0.09, perSecond: value / 0.09,
  samples: [{ timeS: 0.09, value }], min: value, max: value, lowestRunningPct: 100,
});

const report: CommandReport = {
  label: 'In [3]',
  startedAt: '2026-11-26T00:00:00.000Z',
  durationS: 0.09,
  exitCode: 0,
  signal: null,
  memory: {
    rssBeforeBytes: 48.3 * MIB, rssAfterBytes: 176.4 * MIB, usedBytes: 128.1 * MIB, peakRssBytes: 176.4 * MIB,
    peakAboveFinalBytes: 0, peakMethod: 'vmhwm-reset',
    heap: { heapUsedDeltaBytes: 0, externalDeltaBytes: 128 * MIB, arrayBuffersDeltaBytes: 128 * MIB, heapUsedAfterBytes: 4 * MIB },
  },
  cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [0, 100], userS: 0.08, systemS: 0.01, ownPct: 100, machineWindowTooShort: false },
  counters: {
    backend: 'perf', simulated: false, intervalMs: 100,
    events: [sample('page-faults', 32_817), sample('task-clock', 88.5, 'msec')],
    unsupported: [
      { event: 'cache-misses', reason: 'not supported on this machine (no PMU)' },
      { event: 'cache-references', reason: 'not supported on this machine (no PMU)' },
    ],
    derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
    pauseS: 0.001,
  },
  warnings: [],
};

describe('renderReplReport', () => {
  it('prints RAM, heap and all counters in the asked order, unsupported ones named in place', () => {
    expect(renderReplReport(report, { eventOrder: ['cache-misses', 'cache-references', 'page-faults', 'task-clock'], notes: ['a note'] })).toBe(
      [
        'In [3] used 128.1 MiB RAM in 0.090s (cpu 0.090s = 100% of one cpu; machine-wide mean 50%, busiest cpu 100%), peaked 0.0 MiB above final usage, current RAM usage now 176.4 MiB',
        '       heap used +0.0 MiB, external +128.0 MiB, array buffers +128.0 MiB',
        '       cache-misses, cache-references <not supported on this machine>   page-faults 32,817 (364,633/s)   task-clock 88.5 msec (983 msec/s)',
        '       a note',
      ].join('\n'),
    );
  });

  it('says when settling the final memory was cut short, and when the window was too short for machine-wide CPU', () => {
    const cut = { ...report, memory: { ...report.memory, settle: { status: 'cut-short' as const, durationMs: 51 } } };
    expect(renderReplReport(cut).split('\n')[1]).toBe('       RAM was still falling when settling stopped after 51 ms: final usage may read high');
    const short = { ...report, cpu: { ...report.cpu, systemMeanPct: null, singleMaxPct: null, perCpuPct: [], machineWindowTooShort: true } };
    expect(renderReplReport(short).split('\n')[0]).toContain('(cpu 0.090s = 100% of one cpu; machine-wide: window too short to measure)');
  });

  it('gives a time under a millisecond in µs as the summary tables do, not as 0.000s (an empty line takes a few µs)', () => {
    const empty = { ...report, durationS: 3.612e-6, cpu: { ...report.cpu, userS: 0, systemS: 0.00001 } };
    expect(renderReplReport(empty).split('\n')[0]).toMatch(/^In \[3\] used 128\.1 MiB RAM in 3\.61 µs \(cpu 10\.0 µs/);
    // the same digits as a cells summary's time column (formatMetricValue), trailing zeros kept
    for (const seconds of [2.735e-6, 6.1e-6, 15e-6, 0.000_25, 0.000_999]) expect(formatDurationS(seconds)).toBe(formatMetricValue(seconds, 's'));
    expect(formatDurationS(6.1e-6)).toBe('6.10 µs');
    // from what would round to 1000 µs on, seconds as before
    expect(formatDurationS(0.000_999_51)).toBe('0.001s');
    expect(formatDurationS(0.0012)).toBe('0.001s');
    expect(formatDurationS(0)).toBe('0.000s');
  });

  it('puts counted events first when no order is given, and prints no counter line without counters', () => {
    const bare = { ...report, counters: { ...report.counters, events: [], unsupported: [] } };
    expect(renderReplReport(bare).split('\n')).toHaveLength(2);
  });
});

describe('formatCountPlain', () => {
  it('formats as units.formatCount does, without Intl', () => {
    for (const value of [0, 7, 99.5, 1.8, 7.25, 0.125, 100, 999.5, 1000, 32_817, 364_633.3, 1_234_567_890, -4, -1500.5, 12.3456]) {
      expect(formatCountPlain(value), String(value)).toBe(formatCount(value));
    }
  });
});
