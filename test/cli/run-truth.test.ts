import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { perfStatPageFaults, perfUsable } from '../support/perf.ts';

/**
 * `perfcell run --json`'s numbers against ground truth a user can check by other means: the
 * program's own CPU clock, the pages it touches, plain `perf stat`, the fixture's own monotonic clock.
 */
const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'perfcell-run-truth-'));
const perfBefore = perfPidsNow();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]);
});

interface RunJson {
  durationS: number;
  exitCode: number | null;
  memory: { peakRssBytes: number | null; largestProcessPeakBytes: number | null; peakMethod: string };
  cpu: { userS: number | null; systemS: number | null; singleMaxPct: number | null; systemMeanPct: number | null; perCpuPct: number[]; ownPct: number | null; machineWindowTooShort: boolean };
  counters: {
    events: { event: string; status: string; total: number | null; countedSeconds: number | null; perSecond: number | null }[];
    unsupported: { event: string; reason: string }[];
    pauseS: number;
  };
  warnings: string[];
}

async function runJson(args: readonly string[]): Promise<RunJson> {
  const result = await execa(process.execPath, [cliPath, 'run', '--json', ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RunJson;
}

const eventOf = (report: RunJson, name: string) => report.counters.events.find((event) => event.event === name || event.event.startsWith(`${name}:`));

describe('perfcell run --json against ground truth (no perf needed)', () => {
  it("reads a spinner that uses 0.5 s of its own CPU as 0.5 s ± 0.1 s of user+system, and finds that CPU time in the CPUs' busy time", async () => {
    // `spin 0.5 cpu` spins until its own CPU clock says 0.5 s, however loaded the machine is.
    const report = await runJson(['--no-perf', '--', fixture('spin'), '0.5', 'cpu']);
    const ownS = (report.cpu.userS ?? NaN) + (report.cpu.systemS ?? NaN);
    expect(Math.abs(ownS - 0.5)).toBeLessThan(0.1);
    expect(report.cpu.machineWindowTooShort).toBe(false);
    expect(report.cpu.ownPct).toBeCloseTo((100 * ownS) / report.durationS, 6);
    // The machine's figures (/proc/stat, in ticks of 10 ms) hold the spinner's CPU time: the CPUs
    // were busy at least that long in all, and one of them at least its share. Which CPU, and how
    // much of it, is the scheduler's: under other load it moves the spinner between them (a
    // "busiest CPU ≥ 80 %" bound read 66 % in CI).
    const perCpuPct = report.cpu.perCpuPct;
    expect(perCpuPct.length).toBeGreaterThan(0);
    const busyS = (perCpuPct.reduce((sum, pct) => sum + pct, 0) / 100) * report.durationS;
    const tickSlackS = 0.02 * perCpuPct.length;
    expect(busyS).toBeGreaterThanOrEqual(ownS - tickSlackS);
    expect(report.cpu.singleMaxPct).toBe(Math.max(...perCpuPct));
    expect(report.cpu.systemMeanPct).toBeCloseTo(perCpuPct.reduce((sum, pct) => sum + pct, 0) / perCpuPct.length, 6);
    expect(report.cpu.singleMaxPct ?? 0).toBeGreaterThanOrEqual((100 * (ownS - tickSlackS)) / (perCpuPct.length * report.durationS));
  });

  it('reads the peak of a program that touches 100 MiB as 100 MiB plus its ~1 MiB of start-up (not perfcell\'s own RSS)', async () => {
    const report = await runJson(['--no-perf', '--', fixture('touch-pages'), String(25_600)]);
    const peakMiB = (report.memory.peakRssBytes ?? 0) / MIB;
    expect(peakMiB).toBeGreaterThanOrEqual(100);
    expect(peakMiB).toBeLessThan(104);
    expect((report.memory.largestProcessPeakBytes ?? 0) / MIB).toBeGreaterThanOrEqual(100);
  });

  it("times a program no shorter than its own clock says it ran, nor longer than by the start-up and exit it cannot see", async () => {
    const stamps = join(dir, 'stamps');
    const report = await runJson(['--no-perf', '--', fixture('stamped-sleep'), '50', stamps]);
    const [startNs = 0, endNs = 0] = readFileSync(stamps, 'utf8').trim().split(' ').map(Number);
    const ownS = (endNs - startNs) / 1e9;
    expect(ownS).toBeGreaterThanOrEqual(0.05);
    expect(report.durationS).toBeGreaterThanOrEqual(ownS);
    // exec, the dynamic loader and the exit: a few ms, generous for a loaded 2-core machine
    expect(report.durationS - ownS).toBeLessThan(0.05);
  });
});

if (!perfUsable) console.warn('run-truth: perf cannot count here, so the page-fault and rate checks against perf stat are skipped');
describe.runIf(perfUsable)('perfcell run --json against perf stat (real perf)', () => {
  it("counts a shell's children: sh running two page-touchers ≈ perf stat's page-faults of the same command, within 1 %", async () => {
    const command = ['sh', '-c', `${fixture('touch-pages')} 8192; ${fixture('touch-pages')} 8192`];
    const reference = perfStatPageFaults(command);
    expect(reference).toBeGreaterThanOrEqual(16_384);
    const report = await runJson(['-e', 'page-faults', '--', ...command]);
    const total = eventOf(report, 'page-faults')?.total ?? NaN;
    // both counts, and what the run said, where they differ (412 apart once in a run of the suite beside a busy loop)
    expect(Math.abs(total - reference), JSON.stringify({ total, reference, warnings: report.warnings, status: eventOf(report, 'page-faults')?.status })).toBeLessThanOrEqual(0.01 * reference);
  });

  it('gives each rate as the total over the counted seconds, and the counted seconds are the command\'s own (perf\'s final wait not counted in)', async () => {
    const stamps = join(dir, 'rate-stamps');
    const report = await runJson(['-e', 'page-faults,context-switches', '-I', '50', '--', fixture('stamped-sleep'), '200', stamps]);
    const [startNs = 0, endNs = 0] = readFileSync(stamps, 'utf8').trim().split(' ').map(Number);
    for (const name of ['page-faults', 'context-switches']) {
      const event = eventOf(report, name);
      expect(event?.status, name).toBe('counted');
      const countedS = event?.countedSeconds ?? NaN;
      expect(countedS, name).toBeGreaterThanOrEqual((endNs - startNs) / 1e9);
      expect(Math.abs(countedS - report.durationS), name).toBeLessThan(1e-6);
      expect(event?.perSecond, name).toBeCloseTo((event?.total ?? NaN) / countedS, 6);
    }
  });
});

/** What perf itself says of `event` here: counted, or the <status> it printed. */
async function perfSays(event: string): Promise<string> {
  const result = await execa('perf', ['stat', '-x,', '-e', event, '--', 'true'], { reject: false, env: { LC_ALL: 'C' } });
  const line = result.stderr.split('\n').find((text) => text.includes(`,${event},`)) ?? '';
  return /^\d/.test(line) ? 'counted' : (/^<([^>]+)>/.exec(line)?.[1] ?? 'no row');
}

describe.runIf(perfUsable)('perfcell run names an event perf cannot count, as perf says', () => {
  it('cycles: named once as not supported where perf says so (no PMU, as on this VM), else counted with a total', async () => {
    const says = await perfSays('cycles');
    const result = await execa(process.execPath, [cliPath, 'run', '-e', 'page-faults,cycles', '--', fixture('spin'), '0.05'], { reject: false, env: { NO_COLOR: '1' }, timeout: 30_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => /\bcycles\b/.test(line) && !line.startsWith('warning:'));
    if (says === 'not supported') {
      expect(lines).toEqual([expect.stringMatching(/^\s*cycles: not supported on this machine/)]);
    } else {
      expect(says).toBe('counted');
      expect(lines).toEqual([expect.stringMatching(/^\s*cycles\s+[\d,.]+\/s\s+total [\d,]+/)]);
    }
  });
});
