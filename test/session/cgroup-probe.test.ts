import { describe, expect, it } from 'vitest';
import { probeTreeCgroups } from '../../src/session/cgroup-probe.ts';
import { fakeCgroupFs as fakeFs } from '../support/fake-cgroup-fs.ts';

const v1Mounts = '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';
const v1Files = { '/sys/fs/cgroup/memory': ['memory.max_usage_in_bytes', 'memory.usage_in_bytes'], '/sys/fs/cgroup/cpuacct': ['cpuacct.usage'] };
const v1Own = '2:cpuacct:/\n4:memory:/user/42\n0::/\n';

describe("doctor's probe of the cgroups a run makes", () => {
  it('cgroup v1: a memory and a cpuacct cgroup, both made as a run makes them and both removed', () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': v1Own }, v1Files);
    expect(probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v1', cpu: 'cpuacct-cgroup-v1' });
    expect(fs.madeCount()).toBe(2);
    expect(fs.dirs).toEqual([]);
  });

  it("cgroup v2: the memory cgroup, whose cpu.stat is the CPU one: one made, and removed", () => {
    const fs = fakeFs({ '/proc/self/mountinfo': '41 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n', '/proc/self/cgroup': '0::/user.slice\n' }, { '/sys/fs/cgroup': ['memory.peak', 'cpu.stat'] });
    expect(probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v2', cpu: 'cpu-stat-cgroup-v2' });
    expect(fs.madeCount()).toBe(1);
    expect(fs.dirs).toEqual([]);
  });

  it('none where the kernel refuses every folder (not root, nothing delegated)', () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': v1Own }, v1Files, true);
    expect(probeTreeCgroups(fs)).toEqual({ memory: null, cpu: null });
    expect(fs.dirs).toEqual([]);
  });

  it('a memory cgroup but no CPU one where no cpuacct hierarchy is mounted', () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts.split('\n')[1]!, '/proc/self/cgroup': v1Own }, { '/sys/fs/cgroup/memory': ['memory.max_usage_in_bytes'] });
    expect(probeTreeCgroups(fs)).toEqual({ memory: 'memory-cgroup-v1', cpu: null });
    expect(fs.dirs).toEqual([]);
  });
});
