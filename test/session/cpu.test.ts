import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat } from '../../parsers/proc-stat.ts';
import { buildCpuReport, isWindowTooShort, MIN_OWN_PCT_WALL_S, ownShare } from '../../src/session/cpu.ts';
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
    // 5 ms of wall time is also under MIN_OWN_PCT_WALL_S: the seconds, no percentage.
    expect(report.ownPct).toBeNull();
    expect(report.ownPctWithheld).toBe('window-too-short');
    expect(cpuText(report)).toBe('(cpu 0.001s, too short a window for a %; machine-wide: window too short to measure)');
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

  // proc(5): iowait "is not reliable" and may decrease; a CPU's idle + iowait can then fall while
  // its busy ticks rise by more than its total did
  it('reads a CPU at most 100 % busy where its iowait went backwards', () => {
    const before = parseProcStat('cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 1000 0 100 5000 40 0 0 0 0 0\ncpu1 1000 0 100 5000 0 0 0 0 0 0\n');
    // cpu0: 10 ticks busy over a total of 6 (idle 1 up, iowait 5 down); cpu1: 5 of 10 ticks busy
    const after = parseProcStat('cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 1010 0 100 5001 35 0 0 0 0 0\ncpu1 1005 0 100 5005 0 0 0 0 0 0\n');
    const report = buildCpuReport(before, after, { userS: 0.05, systemS: 0, wallS: 0.1 });
    expect(report.perCpuPct).toEqual([100, 50]);
    expect(report.singleMaxPct).toBe(100);
    expect(report.systemMeanPct).toBe(75);
    expect(cpuText(report)).toBe('(cpu 0.050s = 50% of one cpu; machine-wide mean 75%, busiest cpu 100%)');
  });
});

describe('the own CPU as % of one cpu', () => {
  const ticks = (total: number) => [{ busy: total, total }, { busy: total, total }];
  const report = (userS: number, wallS: number) => buildCpuReport(ticks(0), ticks(100), { userS, systemS: 0, wallS });

  it('has no % for the REPL\'s 1+1: 0.41 ms of CPU in 0.18 ms (a helper thread\'s burst) reads as seconds only', () => {
    // What `1+1` read before: 222% of one cpu.
    const short = report(0.00041, 0.00018);
    expect(short).toMatchObject({ ownPct: null, ownPctWithheld: 'window-too-short', userS: 0.00041 });
    expect(cpuText(short)).toBe('(cpu 410 µs, too short a window for a %; machine-wide mean 100%, busiest cpu 100%)');
  });

  it('gives a % from MIN_OWN_PCT_WALL_S of wall time on, however little the CPU', () => {
    expect(MIN_OWN_PCT_WALL_S).toBe(0.01);
    expect(ownShare(0.0049, MIN_OWN_PCT_WALL_S - 1e-6, 2)).toEqual({ ownPct: null, withheld: 'window-too-short' });
    expect(ownShare(0.005, MIN_OWN_PCT_WALL_S, 2).ownPct).toBeCloseTo(50, 9);
    const idle = report(0.00002, 0.05);
    expect(idle.ownPct).toBeCloseTo(0.04, 9);
    expect(idle).not.toHaveProperty('ownPctWithheld');
    expect(cpuText(idle)).toBe('(cpu 20.0 µs = 0% of one cpu; machine-wide mean 100%, busiest cpu 100%)');
  });

  it('says several threads ran where the CPU time is more than the wall time, up to every CPU of the machine', () => {
    const twoThreads = report(0.59, 0.3);
    expect(twoThreads.ownPct).toBeCloseTo(196.67, 1);
    expect(cpuText(twoThreads)).toBe('(cpu 0.59s = 197% of one cpu, several threads at once; machine-wide mean 100%, busiest cpu 100%)');
    // 100.4 % rounds to 100: one thread and the reads around the window, no talk of threads.
    expect(cpuText(report(0.1004, 0.1))).toBe('(cpu 0.10s = 100% of one cpu; machine-wide mean 100%, busiest cpu 100%)');
  });

  it('reads CPU counted in ticks no more than a tick or two over the wall time as 100 %, not as several threads (attach: a QA pass, 1.53 s in 1.52 s)', () => {
    const ticked = (userS: number, wallS: number) => buildCpuReport(ticks(0), ticks(100), { userS, systemS: 0, wallS, resolutionS: 0.02 });
    expect(cpuText(ticked(1.53, 1.52))).toBe('(cpu 1.53s = 100% of one cpu; machine-wide mean 100%, busiest cpu 100%)');
    expect(cpuText(ticked(1.6, 1.52))).toBe('(cpu 1.60s = 105% of one cpu, several threads at once; machine-wide mean 100%, busiest cpu 100%)');
    // without a resolution (CPU read exactly), as before
    expect(report(1.53, 1.52).ownPct).toBeCloseTo(100.66, 1);
  });

  it('gives no % above what every CPU could give (2 CPUs here: 204 % is the most), a measuring error', () => {
    const impossible = report(0.75, 0.3);
    expect(impossible).toMatchObject({ ownPct: null, ownPctWithheld: 'more-than-every-cpu' });
    expect(cpuText(impossible)).toBe('(cpu 0.75s, more than every cpu could give in the time (no %); machine-wide mean 100%, busiest cpu 100%)');
    expect(ownShare(0.75, 0.3, 4).ownPct).toBeCloseTo(250, 9);
  });
});
