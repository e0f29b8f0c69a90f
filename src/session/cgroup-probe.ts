import { createMemoryCgroup, realCgroupFs, type CgroupFs, type CgroupMethod } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroupMethod } from './cpu-cgroup.ts';
import { endBySignal, listenForStopsBeforeHold } from './stops-before-hold.ts';

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
  deferStopsPastProbe();
  const memory = createMemoryCgroup(fs);
  const cpu = createCpuCgroup(memory?.path ?? null, fs);
  // the CPU cgroup first: on cgroup v2 it is the memory one, which its remove() leaves to its owner
  cpu?.remove();
  memory?.remove();
  return { memory: memory?.method ?? null, cpu: cpu?.method ?? null };
}

/**
 * A Ctrl-C, SIGTERM or SIGHUP while the probe's cgroups exist: doctor listened for none, so the
 * signal's default action ended it between their mkdir and rmdir, and both stayed behind. The
 * probe is synchronous: a signal is heard once the loop turns, said, and ends doctor by its
 * default action (stops-before-hold.ts). The listener stays `lingerMs` after the probe, which a
 * signal sent during it, handed over late, still finds.
 */
function deferStopsPastProbe(lingerMs = 50): void {
  // the stop is the probe's to say even where a perf check of doctor's holds the signals meanwhile
  const stopListening = listenForStopsBeforeHold(endBySignal, { yieldToHold: false });
  setTimeout(stopListening, lingerMs).unref();
}
