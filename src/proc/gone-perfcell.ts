import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Whether what a perfcell left (a cgroup perfcell-NS-PID-N, a cachegrind folder
 * perfcell-cachegrind-NS-PID-XXXXXX, a hidden .NAME.perfcell-NS-PID-XXXXXX beside an output file)
 * may be removed: its perfcell is gone. A pid names a process only in its pid namespace, so only a
 * leftover of this perfcell's namespace can be known to be gone, and only where /proc is that
 * namespace's (`ownNamespace` null: nothing is); one of another namespace is a container's perfcell
 * sharing the cgroup tree or the folder, whose pid this /proc cannot see, and is kept.
 * @example isPerfcellGone({ namespace: '4026531836', pid: 7 }, '4026531836', (pid) => pid === 8) // true
 */
export function isPerfcellGone(owner: { readonly namespace: string; readonly pid: number }, ownNamespace: string | null, isRunning: (pid: number) => boolean = isPidRunning): boolean {
  return ownNamespace !== null && owner.namespace === ownNamespace && !isRunning(owner.pid);
}

/**
 * Whether `pid` runs in this process's pid namespace: kill(pid, 0), which another user's process
 * answers EPERM. Not /proc/PID, which a /proc mounted hidepid=2 hides from other users: a perfcell
 * took another user's running one for gone and removed its temporary, whose rename then failed (ENOENT).
 */
export function isPidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * This process's pid namespace as leftovers' names carry it, the inode of /proc/self/ns/pid (its
 * link text, `link`), where /proc is that namespace's: where /proc/self/status's NSpid line has
 * this pid alone. null otherwise: a /proc of an outer namespace (`unshare --pid --fork` without
 * --mount-proc) lists that namespace's pids, in which a pid of this one names another process or none.
 * @example parsePidNamespace('pid:[4026531836]', 'Name:\tnode\nNSpid:\t8041\n', 8041) // '4026531836'
 * @example parsePidNamespace('pid:[4026532174]', 'NSpid:\t9156\t3\n', 3) // null
 */
export function parsePidNamespace(link: string, status: string, pid: number): string | null {
  const namespace = /^pid:\[(\d+)\]$/.exec(link.trim())?.[1];
  const nsPids = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/);
  if (namespace === undefined || nsPids === undefined || nsPids.length !== 1 || nsPids[0] !== String(pid)) return null;
  return namespace;
}

/**
 * This process's pid namespace (parsePidNamespace), read from /proc/self once: it is the same for
 * the process's life, and a run asked it four times (its cgroups' names and their stale ones), a
 * write of an output twice. null where it cannot be read or /proc is not its namespace's.
 */
export function readPidNamespace(): string | null {
  if (ownNamespace === undefined) {
    try {
      ownNamespace = parsePidNamespace(readlinkSync('/proc/self/ns/pid'), readFileSync('/proc/self/status', 'utf8'), process.pid);
    } catch {
      ownNamespace = null;
    }
  }
  return ownNamespace;
}

let ownNamespace: string | null | undefined;
