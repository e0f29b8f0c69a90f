import { describe, expect, it } from 'vitest';
import { fitToWidth, renderReplReport } from '../../src/render/report-repl.ts';
import { renderReportText } from '../../src/render/report-text.ts';
import type { CommandReport } from '../../src/session/report.ts';

const MIB = 1024 * 1024;
const event = (name: string, values: number[], unit = '') => ({
  event: name, unit, status: 'counted' as const, total: values.reduce((a, b) => a + b, 0), countedSeconds: 0.4, perSecond: values.reduce((a, b) => a + b, 0) / 0.4,
  samples: values.map((value, index) => ({ timeS: 0.1 * (index + 1), value })), min: Math.min(...values), max: Math.max(...values), lowestRunningPct: 100,
});
const report = (label: string): CommandReport => ({
  label,
  startedAt: '2026-12-01T00:00:00.000Z',
  durationS: 0.41,
  exitCode: 0,
  signal: null,
  memory: {
    rssBeforeBytes: 48.3 * MIB, rssAfterBytes: 176.4 * MIB, usedBytes: 128.1 * MIB, peakRssBytes: 176.4 * MIB, peakAboveFinalBytes: 0, peakMethod: 'vmhwm-reset',
    heap: { heapUsedDeltaBytes: 0, externalDeltaBytes: 128 * MIB, arrayBuffersDeltaBytes: 128 * MIB, heapUsedAfterBytes: 4 * MIB },
  },
  cpu: { systemMeanPct: 50, singleMaxPct: 100, perCpuPct: [0, 100], userS: 0.38, systemS: 0.02, ownPct: 98, machineWindowTooShort: false },
  counters: {
    backend: 'perf', simulated: false, intervalMs: 100,
    events: [event('page-faults', [8_871, 449, 12_004, 3_310]), event('context-switches', [169, 14, 40, 2])],
    unsupported: [{ event: 'cache-misses', reason: 'not supported on this machine (no PMU)' }],
    derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
    pauseS: 0.001,
  },
  warnings: [],
});
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('reports fit the width (issue 13)', () => {
  for (const width of [60, 120]) {
    it(`the REPL's report at ${width} columns: every line fits, wrapped at spaces only (the words are the unwrapped report's)`, () => {
      const whole = renderReplReport(report('In [12]'), { eventOrder: ['cache-misses', 'page-faults'] });
      const fitted = renderReplReport(report('In [12]'), { eventOrder: ['cache-misses', 'page-faults'], width });
      expect(whole.split('\n')[0]!.length).toBeGreaterThan(120);
      for (const line of fitted.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      expect(words(fitted)).toEqual(words(whole));
      expect(fitted.split('\n').slice(1).every((line) => line.startsWith(' '))).toBe(true);
    });

    it(`run's report at ${width} columns: every line fits, a long label does not indent the rest, sparklines on their own line when narrow`, () => {
      const label = 'node -e let a=[];for(let i=0;i<3e5;i++)a.push({i})';
      const whole = renderReportText(report(label));
      const fitted = renderReportText(report(label), { width });
      for (const line of fitted.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      expect(words(fitted)).toEqual(words(whole));
      const sparkLines = fitted.split('\n').filter((line) => /[▁▂▃▄▅▆▇█]/.test(line));
      expect(sparkLines).toHaveLength(2);
      if (width === 60) for (const line of sparkLines) expect(line).toMatch(/^ +[▁▂▃▄▅▆▇█]+$/);
      else for (const line of sparkLines) expect(line).toMatch(/total .*[▁▂▃▄▅▆▇█]+$/);
    });
  }

  it('with no width (a pipe, a file) lines stay whole, and a long label indents the rest 2 columns, a short one under itself', () => {
    const long = renderReportText(report(`sh -c true ${'x'.repeat(150)}`)).split('\n');
    expect(long[0]!.length).toBeGreaterThan(160);
    expect(long.slice(1).every((line) => line.startsWith('  ') && !line.startsWith('   '))).toBe(true);
    const short = renderReportText(report('true')).split('\n');
    expect(short.slice(1).every((line) => line.startsWith('     ') && !line.startsWith('      '))).toBe(true);
  });

  it('--compact is one line per command, as ipython-memory-usage prints it', () => {
    expect(renderReplReport(report('In [3]'), { compact: true, width: 60 })).toBe('In [3] used 128.1 MiB RAM in 0.41s, peaked 0.0 MiB above final usage, current RAM usage now 176.4 MiB');
  });

  it('keeps a figure with its unit', () => {
    expect(fitToWidth('peaked 12.8 MiB RAM in 0.01s', 12, 2)).toBe('peaked\n  12.8 MiB\n  RAM in\n  0.01s');
    expect(fitToWidth('(largest process 12.8 MiB) in 8.37 msec', 20, 0)).toBe('(largest process\n12.8 MiB) in\n8.37 msec');
  });

  it('a word longer than the line is cut at the width, as fold cuts it, each piece under the indent', () => {
    expect(fitToWidth('a verylongwordthatdoesnotfit b', 10, 2)).toBe('a\n  verylong\n  wordthat\n  doesnotf\n  it b');
  });

  it("run's report of a label that is one word longer than the line: every line fits, under its indent (the terminal had wrapped it at column 0)", () => {
    const word = 'x'.repeat(40);
    const fitted = renderReportText(report(`printf ${word}`), { width: 40 }).split('\n');
    for (const line of fitted) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(fitted.slice(0, 3)).toEqual(['printf', `  ${'x'.repeat(38)}`, '  xx used 128.1 MiB RAM in 0.41s (cpu']);
    expect(fitted.slice(1).every((line) => line.startsWith('  '))).toBe(true);
  });
});
