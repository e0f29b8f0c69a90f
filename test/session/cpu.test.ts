import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat } from '../../parsers/proc-stat.ts';
import { buildCpuReport, isWindowTooShort } from '../../src/session/cpu.ts';
import { cpuText } from '../../src/render/cpu-text.ts';

// /proc/stat recorded on this project's 2-CPU VM (USER_HZ 100) around `spin 0.3` (both CPUs
// busy with other jobs too) and around a 5 ms sleep.
const recorded = (name: string) => parseProcStat(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'proc-stat', `${name}.txt`), 'utf8'));

describe('buildCpuReport on recorded /proc/stat', () => {
  it('reads a 0.3 s window: per-CPU busy % from the cpuN lines (not the cpu sum), the own CPU as % of one CPU', () => {
    const before = recorded('spin-before');
    const after = recorded('spin-after');
    expect(before).toEqual([
      { busy: 34874 + 4870 + 9 + 57, total: 34874 + 4870 + 22966 + 20 + 9 + 57 },
      { busy: 36149 + 5441 + 55 + 57, total: 36149 + 5441 + 20676 + 357 + 55 + 57 },
    ]);
    const report = buildCpuReport(before, after, { userS: 0.29, systemS: 0.01, wallS: 0.3 });
    expect(report.machineWindowTooShort).toBe(false);
    expect(report.perCpuPct).toEqual([100, 100]);
    expect(report.systemMeanPct).toBe(100);
    expect(report.singleMaxPct).toBe(100);
    expect(report.ownPct).toBeCloseTo(100, 6);
    expect(cpuText(report)).toBe('(cpu 0.30s = 100% of one cpu; machine-wide mean 100%, busiest cpu 100%)');
  });

  it('calls a window of 1-2 ticks too short instead of printing a quantised 0 % or 100 %', () => {
    const before = recorded('short-before');
    const after = recorded('short-after');
    expect(isWindowTooShort(before, after)).toBe(true);
    const report = buildCpuReport(before, after, { userS: 0.001, systemS: 0, wallS: 0.005 });
    expect(report).toMatchObject({ systemMeanPct: null, singleMaxPct: null, perCpuPct: [], machineWindowTooShort: true });
    expect(report.ownPct).toBeCloseTo(20, 6);
    expect(cpuText(report)).toBe('(cpu 0.001s = 20% of one cpu; machine-wide: window too short to measure)');
  });

  it('needs 3 ticks on every CPU, and says too short when nothing was read', () => {
    const at = (total: number) => [{ busy: 0, total }, { busy: 0, total }];
    expect(isWindowTooShort(at(100), at(103))).toBe(false);
    expect(isWindowTooShort(at(100), [{ busy: 0, total: 103 }, { busy: 0, total: 102 }])).toBe(true);
    expect(isWindowTooShort([], [])).toBe(true);
  });

  it('leaves the own figures out where they are unknown (cachegrind)', () => {
    const report = buildCpuReport([], [], { userS: null, systemS: null });
    expect(report.ownPct).toBeNull();
    expect(cpuText(report)).toBe('(machine-wide: window too short to measure)');
  });
});
