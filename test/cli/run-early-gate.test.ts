import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { cgroupsOf, memoryMount, processesInCgroupsOf } from '../support/cgroups.ts';

/**
 * `perfcell run` spawns its exec gate first thing and moves it into the run's memory cgroup while
 * the rest of perfcell loads (src/session/early-gate.ts); the program is then forked by the gate,
 * born in that cgroup. Real processes, real cgroups (as root here; elsewhere the peak is sampled).
 */
const MIB = 1024 * 1024;
const fourChildren = join(import.meta.dirname, '..', 'fixtures', 'four-children.sh');

describe('perfcell run: the gate spawned before the options are read', () => {
  it('leaves neither the gate nor its cgroup behind when perfcell stops at a usage error first', async () => {
    const child = execa(process.execPath, [cliPath, 'run', '--interval', 'often', '--', 'true'], { reject: false });
    const result = await child;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/interval/);
    const pid = child.pid!;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesInCgroupsOf(pid)).toEqual([]);
    expect(cgroupsOf(pid)).toEqual([]);
  });

  it("charges the program's whole tree to the run's cgroup: four children of 50 MiB at once peak at 200 MiB or more", async () => {
    const child = execa(process.execPath, [cliPath, 'run', '--json', '--no-perf', '--', 'sh', fourChildren, fixture('peak-then-idle')], { reject: false, timeout: 60_000 });
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { memory: { peakRssBytes: number; peakMethod: string; largestProcessPeakBytes: number } };
    if (memoryMount === null) {
      console.log('no cgroup v1 memory hierarchy here: the tree is sampled, and the early gate has no cgroup to enter');
      expect(report.memory.peakMethod).toBe('sampled-tree');
    } else {
      expect(report.memory.peakMethod).toBe('memory-cgroup-v1');
    }
    expect(report.memory.peakRssBytes / MIB).toBeGreaterThanOrEqual(200);
    expect(report.memory.peakRssBytes / MIB).toBeLessThan(230);
    expect(report.memory.largestProcessPeakBytes / MIB).toBeLessThan(60);
    expect(cgroupsOf(child.pid!)).toEqual([]);
  });
});
