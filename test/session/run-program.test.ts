import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProgram } from '../../src/session/run-program.ts';
import { fixture } from '../support/fixtures.ts';
import { perfStatPageFaults, perfUsable } from '../support/perf.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';

const MIB = 1024 * 1024;

function pageFaultsOf(report: Awaited<ReturnType<typeof runProgram>>): number | null {
  return report.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? null;
}

describe.runIf(perfUsable)('runProgram counts exactly (real perf)', () => {
  const perfBefore = perfPidsNow();
  afterAll(async () => expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]));

  it.each([1_000, 25_000, 250_000])('counts the page-faults of touching %i pages as perf stat does, within 1%', async (pages) => {
    const command = [fixture('touch-pages'), String(pages)];
    const reference = perfStatPageFaults(command);
    const report = await runProgram(command, { events: ['page-faults'] });
    const counted = pageFaultsOf(report);
    expect(counted).not.toBeNull();
    expect(reference).toBeGreaterThanOrEqual(pages);
    expect(Math.abs((counted ?? 0) - reference)).toBeLessThanOrEqual(0.01 * reference);
    expect(report.exitCode).toBe(0);
  }, 60_000);

  it('counts page-faults from exec, as perf stat does: `true` within 3 of perf stat\'s count (the gate adds none of its own)', async () => {
    // Medians of 5 on both sides: one run of either may take a fault or two more on a busy machine.
    const median = (values: number[]) => values.sort((a, b) => a - b)[2] ?? NaN;
    const reference = median([0, 1, 2, 3, 4].map(() => perfStatPageFaults(['true'])));
    const counted: number[] = [];
    for (let run = 0; run < 5; run += 1) counted.push(pageFaultsOf(await runProgram(['true'], { events: ['page-faults'] })) ?? NaN);
    expect(Math.abs(median(counted) - reference)).toBeLessThanOrEqual(3);
  }, 60_000);

  it('reports a sample even for a command far shorter than the interval', async () => {
    const report = await runProgram([fixture('touch-pages'), '10'], { events: ['page-faults'], intervalMs: 1000 });
    const event = report.counters.events[0];
    expect(event?.samples.length).toBeGreaterThanOrEqual(1);
    expect(event?.total).toBeGreaterThanOrEqual(10);
    // The wait for perf's last sample is reported apart and never counted into the time.
    expect(report.durationS).toBeLessThan(0.05);
    expect(report.counters.pauseS).toBeGreaterThanOrEqual(0);
  });
});

describe('runProgram memory and time (no perf needed)', () => {
  it('shows the exact peak of 200 MiB freed after 2 ms, every time out of 10', async () => {
    for (let run = 0; run < 10; run += 1) {
      const report = await runProgram([fixture('peak-then-idle'), '200', '2', '100'], { perf: false });
      expect(['memory-cgroup-v1', 'memory-cgroup-v2', 'sampled-tree']).toContain(report.memory.peakMethod);
      const peakMiB = (report.memory.peakRssBytes ?? 0) / MIB;
      expect(Math.abs(peakMiB - 200) / 200).toBeLessThan(0.02);
      // No reading just before exit is exact: a program has no "final" or "used" figure.
      expect(report.memory.rssAfterBytes).toBeNull();
      expect(report.memory.usedBytes).toBeNull();
      expect(report.memory.peakAboveFinalBytes).toBeNull();
    }
  }, 60_000);

  // Against the program's own CLOCK_MONOTONIC: never shorter than it ran, longer only by its exec and
  // exit. How close to 50 ms / 5 ms it reads on a quiet machine is a benchmark (scripts/bench-run.mjs).
  it.each([50, 5])('times a %i ms sleep no shorter than the program\'s own clock, and without perf\'s final wait', async (ms) => {
    const stamps = join(mkdtempSync(join(tmpdir(), 'perfcell-stamps-')), 'stamps');
    const report = await runProgram([fixture('stamped-sleep'), String(ms), stamps], { perf: perfUsable, events: ['page-faults'], intervalMs: 100 });
    const [startNs = 0, endNs = 0] = readFileSync(stamps, 'utf8').trim().split(' ').map(Number);
    rmSync(dirname(stamps), { recursive: true, force: true });
    const ownS = (endNs - startNs) / 1e9;
    expect(ownS).toBeGreaterThanOrEqual(ms / 1000);
    expect(report.durationS).toBeGreaterThanOrEqual(ownS);
    expect(report.durationS - ownS).toBeLessThan(0.05);
    // The wait for perf's last sample is reported apart, never inside the time.
    if (perfUsable) expect(report.counters.events[0]?.countedSeconds).toBeCloseTo(report.durationS, 6);
  }, 30_000);

  it('reports the exit code and the killing signal', async () => {
    expect((await runProgram(['sh', '-c', 'exit 3'], { perf: false })).exitCode).toBe(3);
    const killed = await runProgram(['sh', '-c', 'kill -TERM $$'], { perf: false });
    expect(killed.exitCode).toBeNull();
    expect(killed.signal).toBe('SIGTERM');
  });

  it('names a program that does not exist', async () => {
    await expect(runProgram(['/nonexistent/prog'], { perf: false })).rejects.toThrow(
      'cannot run /nonexistent/prog: no such file or directory (check the name, PATH and permissions)',
    );
  });
});
