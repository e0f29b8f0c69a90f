import { execa } from 'execa';
import { basename, dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { perfStatPageFaultsRange, perfUsable } from '../support/perf.ts';

/**
 * perf is started on `run`'s held child only once that child has set itself up (its PATH search,
 * its stack touched): a perf enabled sooner counted the child's own copies on write, some 20-33
 * page-faults, as the program's. A static program that touches nothing counts 26-28 here, so
 * those runs read 45-60, about twice perf stat's; 4 of 120 `run -r 10` runs of it did, and about
 * one run in six where a long PATH makes the child's search outlast perf's start.
 */
const perfBefore = perfPidsNow();
afterAll(async () => {
  expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]);
});

describe.runIf(perfUsable)("run's page-faults leave out the held child's set-up (real perf)", () => {
  it('counts a tiny static program found on a 14,000-entry PATH as perf stat does, in each of 30 runs', async () => {
    const program = fixture('touch-pages', ['-static']);
    const reference = perfStatPageFaultsRange([program, '0']);
    // 14,000 directories that are not there before the program's: the child's search takes some ms
    const longPath = [...Array.from({ length: 14_000 }, (_, index) => `/n/d${index}`), dirname(program), '/usr/bin', '/bin'].join(':');
    const result = await execa(process.execPath, [cliPath, 'run', '-r', '30', '--json', '-e', 'page-faults', '--', basename(program), '0'], {
      reject: false,
      env: { NO_COLOR: '1', PATH: longPath },
      timeout: 120_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { runs: { counters: { events: { event: string; total: number | null }[] } }[] };
    const counts = document.runs.map((run) => run.counters.events.find((event) => event.event === 'page-faults')?.total ?? NaN);
    expect(counts).toHaveLength(30);
    // perf stat's own spread, and a few faults more: the extra set-up was 19 or more
    expect(counts.filter((count) => !(count <= reference.max + 5)), JSON.stringify({ counts, reference })).toEqual([]);
  }, 150_000);
});
