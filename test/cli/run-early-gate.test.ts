import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCgroupMounts } from '../../src/session/cgroup.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { pidsWhose } from '../support/proc-scan.ts';

/**
 * `perfcell run` spawns its exec gate first thing and moves it into the run's memory cgroup while
 * the rest of perfcell loads (src/session/early-gate.ts); the program is then forked by the gate,
 * born in that cgroup. Real processes, real cgroups (as root here; elsewhere the peak is sampled).
 */
const MIB = 1024 * 1024;
const fourChildren = join(import.meta.dirname, '..', 'fixtures', 'four-children.sh');
const memoryMount = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')).find((mount) => mount.version === 1 && mount.controllers.includes('memory'))?.mountPoint ?? null;

/** Every cgroup folder named for perfcell process `pid` under the v1 memory hierarchy (walked to depth 4). */
function cgroupsOf(pid: number): string[] {
  if (memoryMount === null) return [];
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith(`perfcell-${pid}-`)) found.push(join(dir, entry));
      else if (depth < 4 && !entry.includes('.') && existsSync(join(dir, entry, 'cgroup.procs'))) walk(join(dir, entry), depth + 1);
    }
  };
  walk(memoryMount, 0);
  return found;
}

/** Processes still in a cgroup named for perfcell process `pid` (its gate, had it been left behind). */
function processesInCgroupsOf(pid: number): number[] {
  return pidsWhose('cgroup', (text) => text.includes(`/perfcell-${pid}-`));
}

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
