import { createMemoryCgroup, realCgroupFs, type CgroupFs, type CgroupMethod } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroupMethod } from './cpu-cgroup.ts';
import { isIgnoredSignal } from './ignored-signals.ts';

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

const STOPS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * A Ctrl-C, SIGTERM or SIGHUP while the probe's cgroups exist: with no listener, the signal's
 * default action ended perfcell doctor between their mkdir and rmdir, without a word, and both
 * stayed behind (perfcell-PID-1 in the memory and cpuacct hierarchies). A listener now holds such
 * a signal until the probe is done, which is synchronous; it is heard once the loop turns, said,
 * and ends perfcell by its default action, as it would have. The listener stays `lingerMs` after
 * the probe, which a signal sent during it, handed over late, still finds. Only for a signal
 * nothing else listens for, and not one perfcell was started with ignored (nohup's SIGHUP).
 */
function deferStopsPastProbe(lingerMs = 50): void {
  const held = STOPS.filter((signal) => !isIgnoredSignal(signal) && process.listenerCount(signal) === 0);
  const release = (): void => {
    for (const signal of held) process.off(signal, onStop);
  };
  const onStop = (signal: NodeJS.Signals): void => {
    release();
    process.stderr.write(`error: interrupted by ${signal}\n`);
    process.kill(process.pid, signal);
  };
  for (const signal of held) process.on(signal, onStop);
  setTimeout(release, lingerMs).unref();
}
