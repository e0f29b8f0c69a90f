import { createMemoryCgroup, realCgroupFs, type CgroupFs, type CgroupMethod } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroupMethod } from './cpu-cgroup.ts';

/** Which cgroups a run can make here for its program's tree (`perfcell doctor`). */
export interface TreeCgroups {
  /** The memory cgroup's interface; null where none can be made: the tree's RSS is then sampled from /proc. */
  readonly memory: CgroupMethod | null;
  /** The CPU cgroup's interface; null where none can be made: CPU then covers the children waited for only. */
  readonly cpu: CpuCgroupMethod | null;
}

/**
 * Makes the memory and CPU cgroups a run makes, as it makes them (createMemoryCgroup,
 * createCpuCgroup), notes their interfaces and removes them at once: nothing is moved into them.
 */
export function probeTreeCgroups(fs: CgroupFs = realCgroupFs): TreeCgroups {
  const memory = createMemoryCgroup(fs);
  const cpu = createCpuCgroup(memory?.path ?? null, fs);
  // the CPU cgroup first: on cgroup v2 it is the memory one, which its remove() leaves to its owner
  cpu?.remove();
  memory?.remove();
  return { memory: memory?.method ?? null, cpu: cpu?.method ?? null };
}
