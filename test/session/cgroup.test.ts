import { describe, expect, it } from 'vitest';
import { createMemoryCgroup, ownCgroupPath, parseCgroupMounts, type CgroupFs } from '../../src/session/cgroup.ts';

// /proc/self/mountinfo and /proc/self/cgroup as recorded on this project's VM (cgroup v1 with a
// memory hierarchy, the unified v2 hierarchy mounted beside it), and a systemd machine's pure v2.
const V1_MOUNTINFO = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const V1_CGROUP = '9:name=systemd:/\n4:memory:/process_api/60f11e02\n1:cpu:/\n0::/\n';
const V2_MOUNTINFO = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';
const V2_CGROUP = '0::/user.slice/user-1000.slice/session-2.scope\n';

describe('cgroup discovery (recorded /proc files)', () => {
  it('finds the v1 memory hierarchy and the v2 one', () => {
    expect(parseCgroupMounts(V1_MOUNTINFO)).toEqual([
      { mountPoint: '/sys/fs/cgroup/cpu', version: 1, controllers: ['cpu'] },
      { mountPoint: '/sys/fs/cgroup/memory', version: 1, controllers: ['memory'] },
      { mountPoint: '/sys/fs/cgroup/systemd', version: 1, controllers: ['name=systemd'] },
      { mountPoint: '/sys/fs/cgroup/unified', version: 2, controllers: [] },
    ]);
    expect(parseCgroupMounts(V2_MOUNTINFO)).toEqual([{ mountPoint: '/sys/fs/cgroup', version: 2, controllers: [] }]);
  });

  it('reads this process\'s own cgroup per hierarchy', () => {
    expect(ownCgroupPath(V1_CGROUP, 'memory')).toBe('/process_api/60f11e02');
    expect(ownCgroupPath(V1_CGROUP, '')).toBe('/');
    expect(ownCgroupPath(V2_CGROUP, '')).toBe('/user.slice/user-1000.slice/session-2.scope');
    expect(ownCgroupPath(V2_CGROUP, 'memory')).toBeNull();
  });
});

/** A cgroup file system in memory; `refuse` lists directories where mkdir fails (not delegated). */
function fakeFs(files: Record<string, string>, refuse: readonly string[] = []): CgroupFs & { files: Record<string, string> } {
  return {
    files,
    read: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
    write: (path, data) => {
      files[path] = data;
    },
    writeAsync: async (path, data) => {
      files[path] = data;
    },
    mkdir: (path) => {
      if (refuse.some((parent) => path.startsWith(`${parent}/`))) throw new Error('EACCES');
      files[`${path}/memory.peak`] = '0';
    },
    rmdir: (path) => {
      for (const key of Object.keys(files)) if (key.startsWith(`${path}/`)) delete files[key];
    },
    exists: (path) => path in files,
  };
}

describe('createMemoryCgroup (a file system in memory: making cgroups needs root)', () => {
  it('makes a v2 cgroup under its own where allowed, puts the pid in, reads memory.peak and removes it', async () => {
    const fs = fakeFs({ '/proc/self/mountinfo': V2_MOUNTINFO, '/proc/self/cgroup': V2_CGROUP });
    const cgroup = createMemoryCgroup(fs);
    expect(cgroup?.method).toBe('memory-cgroup-v2');
    expect(cgroup?.path).toMatch(/^\/sys\/fs\/cgroup\/user\.slice\/user-1000\.slice\/session-2\.scope\/perfcell-\d+-\d+$/);
    expect(await cgroup?.add(4242)).toBe(true);
    expect(fs.files[`${cgroup?.path}/cgroup.procs`]).toBe('4242');
    fs.files[`${cgroup?.path}/memory.peak`] = '209715200\n';
    expect(cgroup?.peakBytes()).toBe(200 * 1024 * 1024);
    cgroup?.remove();
    expect(Object.keys(fs.files).some((path) => path.includes('perfcell-'))).toBe(false);
  });

  // A task's note: a pid names a perfcell only in its pid namespace, so the cgroups carry it
  // (perfcell-NS-PID-N) and only this namespace's are known to be gone; one named the old way
  // (perfcell-PID-N) may be another namespace's, and is kept (test/session/stale-cgroups.test.ts: real ones)
  it('removes the empty cgroups of a perfcell of this pid namespace that died mid-run, and leaves a living one\'s, another namespace\'s and the old names', () => {
    const root = '/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope';
    const names = ['perfcell-11-7-1', 'perfcell-11-8-1', 'perfcell-12-7-1', 'perfcell-7-1', 'other'];
    const fs = fakeFs({ '/proc/self/mountinfo': V2_MOUNTINFO, '/proc/self/cgroup': V2_CGROUP, ...Object.fromEntries(names.map((name) => [`${root}/${name}/memory.peak`, '0'])) });
    const removed: string[] = [];
    const cgroup = createMemoryCgroup({
      ...fs,
      list: (path) => (path === root ? names : []),
      isAlive: (pid) => pid === 8,
      pidNamespace: () => '11',
      rmdir: (path) => {
        removed.push(path);
        fs.rmdir(path);
      },
    });
    expect(cgroup?.path).toMatch(new RegExp(`^${root}/perfcell-11-${process.pid}-\\d+$`));
    expect(removed).toEqual([`${root}/perfcell-11-7-1`]);
  });

  it('removes none where its pid namespace is unknown, and names its cgroup perfcell-PID-N then', () => {
    const root = '/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope';
    const fs = fakeFs({ '/proc/self/mountinfo': V2_MOUNTINFO, '/proc/self/cgroup': V2_CGROUP, [`${root}/perfcell-11-7-1/memory.peak`]: '0' });
    const removed: string[] = [];
    const cgroup = createMemoryCgroup({ ...fs, list: () => ['perfcell-11-7-1'], isAlive: () => false, pidNamespace: () => null, rmdir: (path) => removed.push(path) });
    expect(cgroup?.path).toMatch(new RegExp(`^${root}/perfcell-${process.pid}-\\d+$`));
    expect(removed).toEqual([]);
  });

  it('falls back to the hierarchy\'s root, and gives up (null) where no cgroup can be made', () => {
    const fs = fakeFs({ '/proc/self/mountinfo': V2_MOUNTINFO, '/proc/self/cgroup': V2_CGROUP }, ['/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope']);
    expect(createMemoryCgroup(fs)?.path).toMatch(/^\/sys\/fs\/cgroup\/perfcell-/);
    expect(createMemoryCgroup(fakeFs({ '/proc/self/mountinfo': V2_MOUNTINFO, '/proc/self/cgroup': V2_CGROUP }, ['/sys/fs/cgroup']))).toBeNull();
    expect(createMemoryCgroup(fakeFs({}))).toBeNull();
  });
});
