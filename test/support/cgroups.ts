import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPidNamespace } from '../../src/proc/gone-perfcell.ts';
import { parseCgroupMounts } from '../../src/session/cgroup.ts';
import { pidsWhose } from './proc-scan.ts';

/** Where the cgroup v1 memory hierarchy is mounted here; null where there is none. */
export const memoryMount: string | null = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')).find((mount) => mount.version === 1 && mount.controllers.includes('memory'))?.mountPoint ?? null;

/** Where the cgroup v1 cpuacct hierarchy is mounted apart from memory (a run's CPU cgroup: cpu-cgroup.ts); null where there is none. */
export const cpuacctMount: string | null = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')).find((mount) => mount.version === 1 && mount.controllers.includes('cpuacct') && !mount.controllers.includes('memory'))?.mountPoint ?? null;

/** The start of the names of the cgroups a perfcell `pid` of pid namespace `namespace` (this one's unless given) makes (cgroup.ts, cgroupName). */
export function cgroupPrefix(pid: number, namespace = readPidNamespace()): string {
  return `perfcell-${namespace}-${pid}-`;
}

/** Every cgroup folder named for perfcell process `pid` (of pid namespace `namespace`, this one's unless given) under the v1 memory and cpuacct hierarchies (walked to depth 4). */
export function cgroupsOf(pid: number, namespace = readPidNamespace()): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith(cgroupPrefix(pid, namespace))) found.push(join(dir, entry));
      else if (depth < 4 && !entry.includes('.') && existsSync(join(dir, entry, 'cgroup.procs'))) walk(join(dir, entry), depth + 1);
    }
  };
  for (const mount of [memoryMount, cpuacctMount]) if (mount !== null) walk(mount, 0);
  return found;
}

/** Processes still in a cgroup named for perfcell process `pid` (its gate, had it been left behind). */
export function processesInCgroupsOf(pid: number): number[] {
  return pidsWhose('cgroup', (text) => text.includes(`/${cgroupPrefix(pid)}`));
}
