import { describe, expect, it } from 'vitest';
import { createCpuCgroup } from '../../src/session/cpu-cgroup.ts';
import { createMemoryCgroup } from '../../src/session/cgroup.ts';
import type { CgroupFs } from '../../src/session/cgroup.ts';
import { withUnwaitedCpu } from '../../src/session/tree-cpu.ts';
import { fakeCgroupFs as fakeFs } from '../support/fake-cgroup-fs.ts';

/** mkdir anywhere below /sys/fs/cgroup makes a cpuacct cgroup. */
const cpuacctFiles = { '/sys/fs/cgroup': ['cpuacct.usage'] };
const v1Mounts = '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';

describe('the CPU cgroup of a run', () => {
  it('makes one in the cgroup v1 cpuacct hierarchy, below its own cgroup, where memory is mounted apart', () => {
    const fs = fakeFs({ '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': '2:cpuacct:/mine\n4:memory:/m\n' }, cpuacctFiles);
    const cgroup = createCpuCgroup('/sys/fs/cgroup/memory/m/perfcell-1-1', fs);
    expect(cgroup?.method).toBe('cpuacct-cgroup-v1');
    expect(cgroup?.path).toMatch(/^\/sys\/fs\/cgroup\/cpuacct\/mine\/perfcell-\d+-\d+$/);
    cgroup?.remove();
    expect(fs.dirs).toEqual([]);
  });

  it('is the memory cgroup itself on cgroup v2 (cpu.stat in every cgroup): nothing made, nothing moved, µs read as ns', async () => {
    const fs = fakeFs({ '/m/cpu.stat': 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\n', '/m/memory.peak': '0' });
    const cgroup = createCpuCgroup('/m', fs);
    expect(cgroup?.method).toBe('cpu-stat-cgroup-v2');
    expect(await cgroup?.add(42)).toBe(true);
    expect(cgroup?.read()).toEqual({ usageNs: 1_500_000, userNs: 1_000_000, systemNs: 500_000 });
    cgroup?.remove();
    expect(fs.dirs).toEqual([]);
  });

  // cpuacct mounted with memory (a cgroup v1 'memory,cpuacct' hierarchy; the kernel refuses to
  // mount that here, EBUSY, where both are mounted apart already): the run's memory cgroup counts its CPU
  it("is the memory cgroup itself where cpuacct is mounted with memory (cgroup v1 'memory,cpuacct'): its cpuacct.usage read, nothing more made or moved, removed with it", async () => {
    const mountinfo = '35 31 0:32 / /sys/fs/cgroup/memory,cpuacct rw,relatime - cgroup cgroup rw,memory,cpuacct\n';
    const fs = fakeFs(
      { '/proc/self/mountinfo': mountinfo, '/proc/self/cgroup': '4:memory,cpuacct:/mine\n0::/\n' },
      { '/sys/fs/cgroup/memory,cpuacct': ['memory.max_usage_in_bytes', 'memory.usage_in_bytes', 'cpuacct.usage', 'cpuacct.usage_user', 'cpuacct.usage_sys'] },
    );
    const memory = createMemoryCgroup(fs)!;
    expect(memory.method).toBe('memory-cgroup-v1');
    expect(memory.path).toMatch(/^\/sys\/fs\/cgroup\/memory,cpuacct\/mine\/perfcell-\d+-\d+$/);
    const cpu = createCpuCgroup(memory.path, fs)!;
    expect(cpu.method).toBe('cpuacct-cgroup-v1');
    expect(cpu.path).toBe(memory.path);
    expect(fs.madeCount()).toBe(1);
    expect(await memory.add(42)).toBe(true);
    expect(await cpu.add(42)).toBe(true);
    expect(fs.moves).toEqual([`${memory.path}/cgroup.procs 42`]);
    Object.assign(fs.files, { [`${memory.path}/cpuacct.usage`]: '2500000\n', [`${memory.path}/cpuacct.usage_user`]: '2000000\n', [`${memory.path}/cpuacct.usage_sys`]: '500000\n' });
    expect(cpu.read()).toEqual({ usageNs: 2_500_000, userNs: 2_000_000, systemNs: 500_000 });
    cpu.remove();
    expect(fs.dirs).toEqual([memory.path]);
    memory.remove();
    expect(fs.dirs).toEqual([]);
  });

  it('is none where there is no cpuacct hierarchy, or it holds memory too (a move there would take the program out of its memory cgroup)', () => {
    expect(createCpuCgroup(null, fakeFs({ '/proc/self/mountinfo': '35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n', '/proc/self/cgroup': '' }, cpuacctFiles))).toBeNull();
    expect(createCpuCgroup(null, fakeFs({ '/proc/self/mountinfo': '35 31 0:32 / /sys/fs/cgroup/x rw - cgroup cgroup rw,memory,cpuacct\n', '/proc/self/cgroup': '' }, cpuacctFiles))).toBeNull();
  });

  it("moves what a run left running back to the parent, the forker staying (compare's served runs); a cgroup shared with the memory one moves nothing", async () => {
    const files: Record<string, string> = { '/proc/self/mountinfo': v1Mounts, '/proc/self/cgroup': '2:cpuacct:/mine\n4:memory:/m\n' };
    let procsFile = '';
    const moved: string[] = [];
    const fs: CgroupFs = {
      ...fakeFs(files, cpuacctFiles),
      // the kernel's move: the pid leaves the cgroup's list
      writeAsync: async (path, pid) => {
        moved.push(`${path} ${pid}`);
        files[procsFile] = (files[procsFile] ?? '').split('\n').filter((line) => line !== pid).join('\n');
      },
    };
    const cgroup = createCpuCgroup('/sys/fs/cgroup/memory/m/perfcell-1-1', fs)!;
    procsFile = `${cgroup.path}/cgroup.procs`;
    files[procsFile] = '10\n11\n12\n';
    expect(await cgroup.evict(11)).toBe(true);
    expect(moved).toEqual(['/sys/fs/cgroup/cpuacct/mine/cgroup.procs 10', '/sys/fs/cgroup/cpuacct/mine/cgroup.procs 12']);
    expect(files[procsFile]).toBe('11\n');

    const shared = createCpuCgroup('/m', fakeFs({ '/m/cpuacct.usage': '0', '/m/cgroup.procs': '10\n11\n' }))!;
    expect(await shared.evict(11)).toBe(false);
  });
});

describe("a run's CPU with what nobody waited for", () => {
  it("keeps wait4()'s figures where the tree used less than 1 ms more (the two agree to µs for a program that waits)", () => {
    expect(withUnwaitedCpu({ userS: 0.3, systemS: 0.01 }, { usageNs: 310_500_000, userNs: 300e6, systemNs: 10e6 })).toEqual({ userS: 0.3, systemS: 0.01 });
    expect(withUnwaitedCpu({ userS: 0.3, systemS: 0.01 }, null)).toEqual({ userS: 0.3, systemS: 0.01 });
  });

  it("adds the rest, split as the tree's ticks were; as wait4's split where no tick fell", () => {
    const ticks = withUnwaitedCpu({ userS: 0.002, systemS: 0.001 }, { usageNs: 303e6, userNs: 300e6, systemNs: 0 });
    expect(ticks.userS).toBeCloseTo(0.302, 9);
    expect(ticks.systemS).toBeCloseTo(0.001, 9);
    const noTicks = withUnwaitedCpu({ userS: 0.002, systemS: 0.002 }, { usageNs: 8e6, userNs: 0, systemNs: 0 });
    expect(noTicks.userS).toBeCloseTo(0.004, 9);
    expect(noTicks.systemS).toBeCloseTo(0.004, 9);
  });

  // A review: a waited spin (0.4 s, all user) beside an orphaned dd (0.4 s, two thirds system)
  // read user 0.64-0.65 s, system 0.15-0.16 s: the orphan's part was split as the whole tree's ticks were,
  // the spin's user ticks among them, where the tree's ticks less wait4()'s are the orphan's own.
  it("splits the rest as the tree's ticks beyond wait4()'s split, not as all the tree's", () => {
    const split = withUnwaitedCpu({ userS: 0.4, systemS: 0.001 }, { usageNs: 800e6, userNs: 530e6, systemNs: 270e6 });
    expect(split.userS).toBeCloseTo(0.53, 3);
    expect(split.systemS).toBeCloseTo(0.27, 3);
  });
});
