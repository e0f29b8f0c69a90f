import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCgroup } from '../../src/session/cgroup.ts';
import { runProgram } from '../../src/session/run-program.ts';
import { cliPath, fixture } from '../support/fixtures.ts';

// The tree's peak from a memory cgroup is the tree's RSS: the page cache a program reads or writes
// (charged to its cgroup, in no RSS) and the kernel memory kept for it are not counted, while
// file pages a program maps are. /usr/bin/time -v gave maxrss 1.6 MiB for cat of a 150 MiB file,
// 2.8 MiB for dd writing 200 MiB; perfcell said 150.5 and 207.0 MiB before.

const MIB = 1024 * 1024;
const probe = createMemoryCgroup();
const cgroupUsable = probe?.method === 'memory-cgroup-v1' || probe?.method === 'memory-cgroup-v2';
probe?.remove();
const folder = mkdtempSync(join(tmpdir(), 'perfcell-cache-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A file of `mib` MiB that is in no page cache: written with O_DIRECT (else dropped with fadvise), so a reader's cgroup is charged for it. */
function uncachedFile(name: string, mib: number): string {
  const path = join(folder, name);
  try {
    execFileSync('dd', ['if=/dev/urandom', `of=${path}`, 'bs=1M', `count=${mib}`, 'oflag=direct', 'status=none']);
  } catch {
    execFileSync('dd', ['if=/dev/urandom', `of=${path}`, 'bs=1M', `count=${mib}`, 'conv=fsync', 'status=none']);
    execFileSync('dd', [`of=${path}`, 'oflag=nocache', 'conv=notrunc,fdatasync', 'count=0', 'status=none']);
  }
  return path;
}

describe.runIf(cgroupUsable)('run: the tree peak leaves out page cache and kernel memory (memory cgroup)', () => {
  it('cat of a 100 MiB file peaks at about cat\'s own RSS, not 100 MiB', async () => {
    const report = await runProgram(['cat', uncachedFile('read', 100)], { perf: false, quiet: true });
    const { peakRssBytes, largestProcessPeakBytes } = report.memory;
    expect(largestProcessPeakBytes ?? Infinity).toBeLessThan(8 * MIB);
    expect(peakRssBytes ?? Infinity, String(peakRssBytes)).toBeLessThan((largestProcessPeakBytes ?? 0) + 4 * MIB);
  }, 30_000);

  it('dd writing 150 MiB peaks at about dd\'s own RSS (its dirty pages and file system structures left out)', async () => {
    const report = await runProgram(['dd', 'if=/dev/zero', `of=${join(folder, 'written')}`, 'bs=1M', 'count=150', 'status=none'], { perf: false, quiet: true });
    const { peakRssBytes, largestProcessPeakBytes } = report.memory;
    expect(largestProcessPeakBytes ?? Infinity).toBeLessThan(8 * MIB);
    expect(peakRssBytes ?? Infinity, String(peakRssBytes)).toBeLessThan((largestProcessPeakBytes ?? 0) + 4 * MIB);
  }, 30_000);

  it('a 64 MiB file mapped and read is in RSS, so in the peak', async () => {
    const report = await runProgram([fixture('map-file'), uncachedFile('mapped', 64), '300'], { perf: false, quiet: true });
    expect(report.memory.largestProcessPeakBytes ?? 0).toBeGreaterThanOrEqual(64 * MIB);
    expect(report.memory.peakRssBytes ?? 0).toBeGreaterThanOrEqual(64 * MIB);
    expect(report.memory.peakRssBytes ?? Infinity).toBeLessThan(72 * MIB);
  }, 30_000);

  it('four processes each mapping a 32 MiB file at once: the tree\'s peak (~128 MiB), above the largest process', async () => {
    const files = [1, 2, 3, 4].map((index) => uncachedFile(`tree${index}`, 32));
    // held from when all four have read theirs (a barrier): a loaded machine may start one late
    const barrier = mkdtempSync(join(folder, 'barrier-'));
    const script = `for f in ${files.join(' ')}; do "${fixture('map-file')}" "$f" 500 "${barrier}" 4 & done; wait`;
    const report = await runProgram(['sh', '-c', script], { perf: false, quiet: true });
    expect(report.memory.largestProcessPeakBytes ?? Infinity).toBeLessThan(36 * MIB);
    expect(report.memory.peakRssBytes ?? 0).toBeGreaterThanOrEqual(124 * MIB);
    expect(report.memory.peakRssBytes ?? Infinity).toBeLessThan(140 * MIB);
  }, 30_000);

  it('a program touching 25,600 fresh pages peaks at 100 MiB and a bit', async () => {
    const report = await runProgram([fixture('touch-pages'), '25600'], { perf: false, quiet: true });
    expect(report.memory.peakRssBytes ?? 0).toBeGreaterThanOrEqual(100 * MIB);
    expect(report.memory.peakRssBytes ?? Infinity).toBeLessThan(106 * MIB);
  }, 30_000);

  it('compare (runs served from one cgroup): a program writing a new 100 MiB file each run peaks at its own RSS, four children holding 50 MiB at ~200 MiB', async () => {
    const writer = `sh -c 'dd if=/dev/zero of=${folder}/compare.$$ bs=1M count=100 status=none'`;
    const children = `sh ${join(import.meta.dirname, '..', 'fixtures', 'four-children.sh')} ${fixture('peak-then-idle')}`;
    const result = await execa(process.execPath, [cliPath, 'compare', '--no-perf', '--runs', '2', '--json', writer, children], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { alternatives: { runs: { peakRssBytes: number }[] }[] };
    const [written, tree] = document.alternatives.map((alternative) => alternative.runs.map((run) => run.peakRssBytes));
    for (const peak of written ?? []) expect(peak).toBeLessThan(8 * MIB);
    for (const peak of tree ?? []) expect(peak).toBeGreaterThanOrEqual(190 * MIB);
    expect(tree?.length).toBe(2);
  }, 90_000);
});
