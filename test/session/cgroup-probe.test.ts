import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeTreeCgroups } from '../../src/session/cgroup-probe.ts';
import { fakeCgroupFs as fakeFs } from '../support/fake-cgroup-fs.ts';

const v1Mounts = '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';
const v1Files = { '/sys/fs/cgroup/memory': ['memory.max_usage_in_bytes', 'memory.usage_in_bytes'], '/sys/fs/cgroup/cpuacct': ['cpuacct.usage'] };
const v1Own = '2:cpuacct:/\n4:memory:/user/42\n0::/\n';

describe("doctor's probe of the cgroups a run makes", () => {
  it('cgroup v1: a memory and a cpuacct cgroup, both made as a run makes them, a child moved into the memory one then the CPU one, and both removed', async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': v1Own }, v1Files);
    expect(await probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: [] });
    expect(fs.madeCount()).toBe(2);
    expect(fs.dirs).toEqual([]);
    const [memoryMove = '', cpuMove = '', ...more] = fs.moves;
    expect(memoryMove).toMatch(new RegExp(`^/sys/fs/cgroup/memory/user/42/perfcell-${process.pid}-\\d+/cgroup\\.procs (\\d+)$`));
    const child = Number(memoryMove.split(' ')[1]);
    expect(child).not.toBe(process.pid);
    expect(cpuMove).toMatch(new RegExp(`^/sys/fs/cgroup/cpuacct/perfcell-${process.pid}-\\d+/cgroup\\.procs ${child}$`));
    expect(more).toEqual([]);
    // the child moved is ended before the probe returns
    expect(existsSync(`/proc/${child}`)).toBe(false);
  });

  // A QA pass: the probe made the cgroups and moved nothing into them, so a kernel that refused
  // the move (cgroup v2 without the common ancestor's cgroup.procs, a security module) read `ok`
  // while run fell back to sampled peaks and wait4()'s CPU
  it('cgroup v1: the memory cgroup made but the move into it refused: said, the CPU one still tried, both removed', async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': v1Own }, v1Files, false, (path) => path.startsWith('/sys/fs/cgroup/memory/'));
    expect(await probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1', moveRefused: ['memory'] });
    expect(fs.moves).toEqual([expect.stringMatching(/^\/sys\/fs\/cgroup\/cpuacct\/perfcell-\d+-\d+\/cgroup\.procs \d+$/)]);
    expect(fs.dirs).toEqual([]);
  });

  it('cgroup v2: the memory cgroup, whose cpu.stat is the CPU one, made but every move refused: both said', async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': '41 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n', '/proc/self/cgroup': '0::/user.slice\n' }, { '/sys/fs/cgroup': ['memory.peak', 'cpu.stat'] }, false, () => true);
    expect(await probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v2', cpu: 'cpu-stat-cgroup-v2', moveRefused: ['memory', 'cpu'] });
    expect(fs.dirs).toEqual([]);
  });

  it("cgroup v2: the memory cgroup, whose cpu.stat is the CPU one: one made, one move, and removed", async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': '41 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n', '/proc/self/cgroup': '0::/user.slice\n' }, { '/sys/fs/cgroup': ['memory.peak', 'cpu.stat'] });
    expect(await probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v2', cpu: 'cpu-stat-cgroup-v2', moveRefused: [] });
    expect(fs.madeCount()).toBe(1);
    expect(fs.moves).toEqual([expect.stringMatching(/^\/sys\/fs\/cgroup\/user\.slice\/perfcell-\d+-\d+\/cgroup\.procs \d+$/)]);
    expect(fs.dirs).toEqual([]);
  });

  it('none where the kernel refuses every folder (not root, nothing delegated): nothing to move into', async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': v1Own }, v1Files, true);
    expect(await probeTreeCgroups(fs)).toEqual({ memory: null, cpu: null, moveRefused: [] });
    expect(fs.moves).toEqual([]);
    expect(fs.dirs).toEqual([]);
  });

  it('a memory cgroup but no CPU one where no cpuacct hierarchy is mounted', async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts.split('\n')[1]!, '/proc/self/cgroup': v1Own }, { '/sys/fs/cgroup/memory': ['memory.max_usage_in_bytes'] });
    expect(await probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v1', cpu: null, moveRefused: [] });
    expect(fs.dirs).toEqual([]);
  });
});
