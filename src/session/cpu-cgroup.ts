import { join } from 'node:path';
import { parseMemoryStat as parseCgroupStat } from '../../parsers/memory-stat.ts';
import { addToCgroup, candidateParents, cgroupName, evictFromCgroup, ownCgroupPath, readCgroupNumber, readOwnCgroups, realCgroupFs, removeCgroup, tryMake, type CgroupFs } from './cgroup.ts';

/** Which cgroup interface gave the tree's CPU time. */
export type CpuCgroupMethod = 'cpuacct-cgroup-v1' | 'cpu-stat-cgroup-v2';

/**
 * The CPU time charged to a cgroup so far, ns. `usageNs` is the scheduler's exact sum (v1
 * cpuacct.usage, v2 cpu.stat usage_usec); the user/system split is the kernel's tick-sampled one
 * (null where the kernel has none).
 */
export interface CpuUsage {
  readonly usageNs: number;
  readonly userNs: number | null;
  readonly systemNs: number | null;
}

/**
 * The cgroup whose CPU time is a run's process tree's: every descendant of the program is charged
 * to it, waited for or not (a child left to init, a daemon), which wait4()'s rusage leaves out.
 */
export interface CpuCgroup {
  readonly method: CpuCgroupMethod;
  readonly path: string;
  /** Moves a process in; false where the kernel refuses. A cgroup shared with the memory one needs no move (true). */
  add(pid: number): Promise<boolean>;
  /** What is charged now; null when unreadable. */
  read(): CpuUsage | null;
  /**
   * Moves every process in it but `keepPid` back to its parent: what a run left running, which
   * would else be charged to the next runs of a cgroup that serves many (compare's served runs,
   * whose forker is `keepPid`), as MemoryCgroup.evict. false where nothing can be moved (a cgroup
   * shared with the memory one: that one's evict moves them out of both) or some is still in it
   * after a few tries.
   */
  evict(keepPid: number): Promise<boolean>;
  /** Removes a cgroup made for the run (processes still in it go to its parent first); a shared one is left to its owner. */
  remove(): void;
}

let made = 0;

/**
 * The run's CPU cgroup. `memoryPath`, the run's memory cgroup: where it counts CPU too (cgroup v2,
 * whose cpu.stat every cgroup has; v1 with cpuacct mounted beside memory) it is that one, and
 * nothing more is made or moved. Otherwise a cgroup v1 `cpuacct` hierarchy of its own gets one,
 * below this process's own cgroup where allowed, else below its root, as the memory cgroup is
 * made. null where neither is there (not root, no delegation, no cpuacct): the caller keeps
 * wait4()'s figures, which cover the children the program waited for.
 */
export function createCpuCgroup(memoryPath: string | null, fs: CgroupFs = realCgroupFs): CpuCgroup | null {
  if (memoryPath !== null) {
    if (fs.exists(join(memoryPath, 'cpuacct.usage'))) return handle(fs, 'cpuacct-cgroup-v1', null, memoryPath);
    if (fs.exists(join(memoryPath, 'cpu.stat')) && !fs.exists(join(memoryPath, 'memory.max_usage_in_bytes'))) return handle(fs, 'cpu-stat-cgroup-v2', null, memoryPath);
  }
  const cgroups = readOwnCgroups(fs);
  if (cgroups === null) return null;
  // A hierarchy that holds memory too would move the program out of its memory cgroup: that one
  // (memoryPath) counts CPU itself, above, or it is not the run's (no memory cgroup was made).
  const v1 = cgroups.mounts.find((mount) => mount.version === 1 && mount.controllers.includes('cpuacct') && !mount.controllers.includes('memory'));
  if (v1 === undefined) return null;
  const name = cgroupName(fs.pidNamespace?.() ?? null, ++made);
  for (const parent of candidateParents(v1.mountPoint, ownCgroupPath(cgroups.procCgroup, 'cpuacct'))) {
    const path = tryMake(fs, parent, name, 'cpuacct.usage');
    if (path !== null) return handle(fs, 'cpuacct-cgroup-v1', parent, path);
  }
  return null;
}

/** `parent`: where a cgroup made for the run goes back to; null for the memory cgroup's, shared. */
function handle(fs: CgroupFs, method: CpuCgroupMethod, parent: string | null, path: string): CpuCgroup {
  const readNs = (file: string): number | null => readCgroupNumber(fs, join(path, file));
  let removed = parent === null;
  return {
    method,
    path,
    add: async (pid) => (parent === null ? true : addToCgroup(fs, path, pid)),
    evict: async (keepPid) => (parent === null ? false : evictFromCgroup(fs, parent, path, keepPid)),
    read() {
      if (method === 'cpuacct-cgroup-v1') {
        const usageNs = readNs('cpuacct.usage');
        // usage_user and usage_sys: kernel 4.7 and later
        return usageNs === null ? null : { usageNs, userNs: readNs('cpuacct.usage_user'), systemNs: readNs('cpuacct.usage_sys') };
      }
      let stat: Record<string, number>;
      try {
        // one `name value` pair a line, as memory.stat
        stat = parseCgroupStat(fs.read(join(path, 'cpu.stat')));
      } catch {
        return null;
      }
      const micros = (key: string): number | null => (stat[key] === undefined ? null : stat[key] * 1000);
      const usageNs = micros('usage_usec');
      return usageNs === null ? null : { usageNs, userNs: micros('user_usec'), systemNs: micros('system_usec') };
    },
    remove() {
      if (removed || parent === null) return;
      removed = true;
      removeCgroup(fs, parent, path);
    },
  };
}
