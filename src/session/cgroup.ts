import { mkdirSync, readFileSync, readdirSync, rmdirSync, writeFile, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { kernelBytesV2, parseMemoryStat, unmappedFileCacheBytes } from '../../parsers/memory-stat.ts';
import { isPerfcellGone, isPidRunning, readPidNamespace } from '../proc/gone-perfcell.ts';

/** Which cgroup interface gave the tree's peak. */
export type CgroupMethod = 'memory-cgroup-v1' | 'memory-cgroup-v2';

/**
 * A memory cgroup made for one `run`: the gate's pid goes in before it execs, so the program and
 * every descendant are charged to it, and the kernel keeps the whole tree's high-water mark
 * (cgroup v1 memory.max_usage_in_bytes, v2 memory.peak): RSS plus the page cache and kernel
 * memory the tree caused, exact, with no polling. The cache and kernel memory are in no process's
 * RSS: tree-memory.ts takes them off with `outsideRssBytes`.
 */
export interface MemoryCgroup {
  readonly method: CgroupMethod;
  readonly path: string;
  /**
   * Moves a process into the cgroup; false where the kernel refuses. Asynchronous: on cgroup v1 the
   * kernel's move waits out an RCU grace period (10-20 ms measured here, sleeping, not CPU), which
   * then overlaps perf's start-up instead of blocking the event loop.
   */
  add(pid: number): Promise<boolean>;
  /** The tree's peak so far, bytes; null when unreadable. */
  peakBytes(): number | null;
  /** What is charged now, bytes (for the chart series); null when unreadable. */
  usageBytes(): number | null;
  /** The processes in it now (exited ones have left it, zombies too); null when unreadable. */
  pids(): number[] | null;
  /**
   * What is charged now that is in no process's RSS, bytes: the unmapped file page cache (file
   * pages read or written that no process maps) and kernel memory (slab, page tables, stacks);
   * null when memory.stat is unreadable. tree-memory.ts takes what the tree adds to it off the
   * peak, so that the peak is the tree's RSS, as the largest process's and the sampled peak are.
   */
  outsideRssBytes?(): number | null;
  /**
   * Sets the peak to what is charged now, so that one cgroup can give the peaks of many runs, one
   * after the other (compare's served runs); false where the kernel cannot: cgroup v2's memory.peak
   * resets only for the descriptor that wrote it (kernel 6.12 and later).
   */
  resetPeak?(): boolean;
  /**
   * Moves every process in it but `keepPid` back to its parent (evictFromCgroup): what a run left
   * running, which would else be charged to the next runs of a cgroup that serves many (compare's
   * served runs, whose forker is `keepPid`). On cgroup v1 what they were charged before stays
   * charged to this cgroup: the kernel moves no charge with a process (memory.move_charge_at_immigrate,
   * which did, refuses a 1 on recent kernels: EINVAL on 6.18). false where some is still in it after
   * a few tries.
   */
  evict?(keepPid: number): Promise<boolean>;
  /** Removes the cgroup; processes still in it (orphans) are moved to its parent first. */
  remove(): void;
  /** Removes the cgroup if nothing is in it; whether it is gone. */
  removeIfEmpty(): boolean;
}

/** A mounted cgroup hierarchy, from /proc/self/mountinfo. */
export interface CgroupMount {
  readonly mountPoint: string;
  readonly version: 1 | 2;
  /** v1: the controllers of this hierarchy (`memory`); v2: empty. */
  readonly controllers: readonly string[];
}

/**
 * The cgroup hierarchies of a mountinfo text.
 * @example parseCgroupMounts('35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory') // [{ mountPoint: '/sys/fs/cgroup/memory', version: 1, controllers: ['memory'] }]
 */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (before === undefined || after === undefined) continue;
    const mountPoint = before.split(' ')[4];
    const [fsType, , superOptions = ''] = after.split(' ');
    if (mountPoint === undefined) continue;
    if (fsType === 'cgroup2') mounts.push({ mountPoint, version: 2, controllers: [] });
    else if (fsType === 'cgroup') mounts.push({ mountPoint, version: 1, controllers: superOptions.split(',').filter((option) => option !== 'rw' && option !== 'ro') });
  }
  return mounts;
}

/**
 * This process's cgroup path in the v1 hierarchy that holds `controller`, or in the v2 one
 * (controller ''), from /proc/self/cgroup; null when absent.
 * @example ownCgroupPath('4:memory:/user/42\n0::/user.slice\n', 'memory') // '/user/42'
 */
export function ownCgroupPath(procCgroup: string, controller: string): string | null {
  for (const line of procCgroup.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first === -1 || second === -1) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (controller === '' ? line.startsWith('0::') : controllers.split(',').includes(controller)) return path;
  }
  return null;
}

/** The file system calls cgroup handling makes; replaceable in tests. */
export interface CgroupFs {
  readonly read: (path: string) => string;
  readonly write: (path: string, data: string) => void;
  /** The same write off the event loop (libuv's thread pool). */
  readonly writeAsync: (path: string, data: string) => Promise<void>;
  readonly mkdir: (path: string) => void;
  readonly rmdir: (path: string) => void;
  readonly exists: (path: string) => boolean;
  /** Names in a folder; [] where it cannot be listed. */
  readonly list?: (path: string) => string[];
  /** Whether a pid runs. */
  readonly isAlive?: (pid: number) => boolean;
  /** This process's pid namespace (gone-perfcell.ts's readPidNamespace); absent or null: none known, no cgroup is stale. */
  readonly pidNamespace?: () => string | null;
}

/** The real file system under /sys/fs/cgroup and /proc. */
export const realCgroupFs: CgroupFs = {
  read: (path) => readFileSync(path, 'utf8'),
  write: (path, data) => writeFileSync(path, data),
  // node:fs's callback form: fs.promises would load node:fs/promises first, some 2 ms of this process's CPU
  writeAsync: (path, data) => new Promise((resolve, reject) => writeFile(path, data, (error) => (error === null ? resolve() : reject(error)))),
  mkdir: (path) => mkdirSync(path),
  rmdir: (path) => rmdirSync(path),
  exists: (path) => existsSync(path),
  list: (path) => {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  isAlive: isPidRunning,
  pidNamespace: readPidNamespace,
};

/**
 * The name of a cgroup made for a run: perfcell-NS-PID-N, this perfcell's pid namespace and pid in
 * it, so that a later perfcell of the same namespace can tell it gone (removeStale) and one of
 * another namespace leaves it be. Where the namespace is unknown, perfcell-PID-N, the name before
 * namespaces, which no perfcell removes.
 * @example cgroupName('4026531836', 812, 1) // 'perfcell-4026531836-812-1'
 */
export function cgroupName(namespace: string | null, sequence: number, pid = process.pid): string {
  return namespace === null ? `perfcell-${pid}-${sequence}` : `perfcell-${namespace}-${pid}-${sequence}`;
}

let made = 0;

/**
 * Makes a memory cgroup for one run, below this process's own cgroup where allowed, else below
 * the hierarchy's root: cgroup v1 with the memory controller, or cgroup v2 where memory.peak
 * exists (kernel ≥ 5.19) and the memory controller is enabled for children. null where neither
 * works (not root, no delegation, no memory controller): the caller samples the tree instead.
 */
export function createMemoryCgroup(fs: CgroupFs = realCgroupFs): MemoryCgroup | null {
  const cgroups = readOwnCgroups(fs);
  if (cgroups === null) return null;
  const { mounts, procCgroup } = cgroups;
  const name = cgroupName(fs.pidNamespace?.() ?? null, ++made);
  const v1 = mounts.find((mount) => mount.version === 1 && mount.controllers.includes('memory'));
  if (v1 !== undefined) {
    const own = ownCgroupPath(procCgroup, 'memory');
    for (const parent of candidateParents(v1.mountPoint, own)) {
      const made = tryMake(fs, parent, name, 'memory.max_usage_in_bytes');
      if (made !== null) return handle(fs, 'memory-cgroup-v1', parent, made, 'memory.max_usage_in_bytes', 'memory.usage_in_bytes');
    }
  }
  const v2 = mounts.find((mount) => mount.version === 2);
  if (v2 !== undefined) {
    const own = ownCgroupPath(procCgroup, '');
    for (const parent of candidateParents(v2.mountPoint, own)) {
      const made = tryMake(fs, parent, name, 'memory.peak');
      if (made !== null) return handle(fs, 'memory-cgroup-v2', parent, made, 'memory.peak', 'memory.current');
    }
  }
  return null;
}

/** The cgroup hierarchies mounted here and this process's /proc/self/cgroup, where a cgroup for a run is made; null where either cannot be read. */
export function readOwnCgroups(fs: CgroupFs): { readonly mounts: CgroupMount[]; readonly procCgroup: string } | null {
  try {
    return { mounts: parseCgroupMounts(fs.read('/proc/self/mountinfo')), procCgroup: fs.read('/proc/self/cgroup') };
  } catch {
    return null;
  }
}

/** Where a cgroup for a run may go: below this process's own cgroup (`own`), else below the hierarchy's root. */
export function candidateParents(mountPoint: string, own: string | null): string[] {
  const parents = own !== null && own !== '/' ? [join(mountPoint, own)] : [];
  parents.push(mountPoint);
  return parents;
}

/**
 * Removes empty cgroups left by a perfcell that was killed mid-run: perfcell-NS-PID-N of this pid
 * namespace NS whose PID is gone. One of another namespace is kept: a container's perfcell sharing
 * the cgroup tree, whose pid this /proc cannot see, and whose cgroup is empty until its program
 * moves in and once it has ended, until its peak is read. So is one named perfcell-PID-N (by a
 * perfcell before namespaces were named), whose namespace is not known: it may be such a
 * container's too (rmdir it by hand).
 */
function removeStale(fs: CgroupFs, parent: string): void {
  const namespace = fs.pidNamespace?.() ?? null;
  if (namespace === null) return;
  const isRunning = fs.isAlive ?? (() => true);
  for (const entry of fs.list?.(parent) ?? []) {
    const match = /^perfcell-(\d+)-(\d+)-\d+$/.exec(entry);
    if (match === null || !isPerfcellGone({ namespace: match[1]!, pid: Number(match[2]) }, namespace, isRunning)) continue;
    try {
      fs.rmdir(join(parent, entry));
    } catch {
      // still busy (an orphan lives on in it) or gone meanwhile
    }
  }
}

/** Makes `parent/name` (stale perfcell-NS-PID-N cgroups there removed first) and keeps it where `probeFile` is in it; its path, or null. */
export function tryMake(fs: CgroupFs, parent: string, name: string, probeFile: string): string | null {
  removeStale(fs, parent);
  const path = join(parent, name);
  try {
    fs.mkdir(path);
  } catch {
    return null;
  }
  if (fs.exists(join(path, probeFile))) return path;
  try {
    fs.rmdir(path);
  } catch {
    // left behind empty; nothing is charged to it
  }
  return null;
}

/** The number a cgroup file holds (memory.peak, cpuacct.usage); null when unreadable or not a number. */
export function readCgroupNumber(fs: CgroupFs, path: string): number | null {
  try {
    const value = Number(fs.read(path).trim());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** The pids in cgroup `path` (its cgroup.procs, one a line), as written; throws where it cannot be read. */
function readCgroupPids(fs: CgroupFs, path: string): string[] {
  return fs.read(join(path, 'cgroup.procs')).split('\n').filter(Boolean);
}

/** Moves process `pid` into cgroup `path`, off the event loop; false where the kernel refuses. */
export async function addToCgroup(fs: CgroupFs, path: string, pid: number): Promise<boolean> {
  try {
    await fs.writeAsync(join(path, 'cgroup.procs'), String(pid));
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes a cgroup made for a run. Busy, a descendant outlived the program: its processes go back
 * to `parent` first, then the cgroup goes; where that fails too it is left, named perfcell-NS-PID-N.
 */
export function removeCgroup(fs: CgroupFs, parent: string, path: string): void {
  try {
    fs.rmdir(path);
    return;
  } catch {
    // busy
  }
  try {
    for (const pid of readCgroupPids(fs, path)) {
      try {
        fs.write(join(parent, 'cgroup.procs'), pid);
      } catch {
        // exited meanwhile
      }
    }
    fs.rmdir(path);
  } catch {
    // left behind; harmless, and named perfcell-NS-PID-N so it can be found
  }
}

/**
 * Moves every process in cgroup `path` but `keepPid` to `parent`, off the event loop (a cgroup v1
 * move may wait out an RCU grace period); whether none is left in it. Listed again while some is
 * left: a process may fork between the listing and its move.
 */
export async function evictFromCgroup(fs: CgroupFs, parent: string, path: string, keepPid: number): Promise<boolean> {
  const others = (): string[] => readCgroupPids(fs, path).filter((pid) => pid !== String(keepPid));
  for (let tries = 0; tries < 3; tries++) {
    let pids: string[];
    try {
      pids = others();
    } catch {
      return false;
    }
    if (pids.length === 0) return true;
    for (const pid of pids) {
      try {
        await fs.writeAsync(join(parent, 'cgroup.procs'), pid);
      } catch {
        // exited meanwhile
      }
    }
  }
  try {
    return others().length === 0;
  } catch {
    return false;
  }
}

function handle(fs: CgroupFs, method: CgroupMethod, parent: string, path: string, peakFile: string, usageFile: string): MemoryCgroup {
  const readBytes = (file: string): number | null => readCgroupNumber(fs, join(path, file));
  let removed = false;
  return {
    method,
    path,
    add: (pid) => addToCgroup(fs, path, pid),
    removeIfEmpty() {
      if (removed) return true;
      try {
        fs.rmdir(path);
        removed = true;
      } catch {
        // still populated
      }
      return removed;
    },
    peakBytes: () => readBytes(peakFile),
    usageBytes: () => readBytes(usageFile),
    pids() {
      try {
        return readCgroupPids(fs, path).map(Number);
      } catch {
        return null;
      }
    },
    outsideRssBytes() {
      let stat: Record<string, number>;
      try {
        stat = parseMemoryStat(fs.read(join(path, 'memory.stat')));
      } catch {
        return null;
      }
      if (method === 'memory-cgroup-v2') {
        const cache = unmappedFileCacheBytes(stat, 2);
        return cache === null ? null : cache + kernelBytesV2(stat);
      }
      const cache = unmappedFileCacheBytes(stat, 1);
      // absent where the kernel does not account kernel memory (cgroup.memory=nokmem): none is charged then
      return cache === null ? null : cache + (readBytes('memory.kmem.usage_in_bytes') ?? 0);
    },
    resetPeak() {
      if (method !== 'memory-cgroup-v1') return false;
      try {
        // v1: any write to memory.max_usage_in_bytes sets it to memory.usage_in_bytes
        fs.write(join(path, peakFile), '0');
        return true;
      } catch {
        return false;
      }
    },
    evict: (keepPid) => evictFromCgroup(fs, parent, path, keepPid),
    remove() {
      if (removed) return;
      removed = true;
      removeCgroup(fs, parent, path);
    },
  };
}
