import { spawn, type ChildProcess } from 'node:child_process';
import { createMemoryCgroup, realCgroupFs, type CgroupFs, type CgroupMethod, type MemoryCgroup } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroup, type CpuCgroupMethod } from './cpu-cgroup.ts';
import { endBySignal, listenForStopsBeforeHold } from './stops-before-hold.ts';

/** Which cgroups a run can make here for its program's tree, and move a process into (`perfcell doctor`). */
export interface TreeCgroups {
  /** The memory cgroup's interface; null where none can be made: the tree's RSS is then sampled from /proc. */
  readonly memory: CgroupMethod | null;
  /** The CPU cgroup's interface; null where none can be made: CPU then covers the children waited for only. */
  readonly cpu: CpuCgroupMethod | null;
  /**
   * The cgroups made whose cgroup.procs refused a process (`memory`, `cpu`): a run falls back as
   * where none is made (sampled peaks, wait4()'s CPU). Empty where every one made took it.
   */
  readonly moveRefused: ReadonlyArray<'memory' | 'cpu'>;
}

/** A process to move into the probe's cgroups, as a run's held child is moved; null where none can be started. */
export interface ProbeChild {
  readonly pid: number;
  /** Kills it; resolves once it has exited (it has left the cgroups then). */
  end(): Promise<void>;
}

/**
 * Makes the memory and CPU cgroups a run makes, as it makes them (createMemoryCgroup,
 * createCpuCgroup), and moves a short-lived child of perfcell into them as a run moves its held
 * child (early-gate.ts: the memory cgroup, then the CPU one), then ends it and removes them.
 * Making alone read `ok` where the kernel refuses the move (cgroup v2 with the common ancestor's
 * cgroup.procs not the user's, a security module), while run fell back to sampled peaks and
 * wait4()'s CPU. A child, not perfcell itself: a move back that the kernel refused would leave
 * perfcell, and every perf it then started, in a cgroup that cannot be removed.
 */
export async function probeTreeCgroups(fs: CgroupFs = realCgroupFs, startChild: () => ProbeChild | null = startSleeper): Promise<TreeCgroups> {
  const probe: Probe = { memory: null, cpu: null, child: null };
  // before the cgroups are made: until a signal has a listener, its default action ends doctor at once
  const stopListening = deferStopsPastProbe(probe);
  try {
    const memory = (probe.memory = createMemoryCgroup(fs));
    const cpu = (probe.cpu = createCpuCgroup(memory?.path ?? null, fs));
    const made = { memory: memory?.method ?? null, cpu: cpu?.method ?? null };
    if (memory === null && cpu === null) return { ...made, moveRefused: [] };
    const child = (probe.child = startChild());
    if (child === null) return { ...made, moveRefused: [] };
    const memoryMoved = memory === null ? true : await memory.add(child.pid);
    // the CPU one once in the memory one, as a run moves its held child; one that is the memory
    // one's (cgroup v2) holds the child where that move took
    const cpuMoved = cpu === null ? true : cpu.path === memory?.path ? memoryMoved : await cpu.add(child.pid);
    await child.end();
    return { ...made, moveRefused: [...(memoryMoved ? [] : ['memory' as const]), ...(cpuMoved ? [] : ['cpu' as const])] };
  } finally {
    removeProbe(probe);
    stopListening();
  }
}

/** What the probe has made and started so far. */
interface Probe {
  memory: MemoryCgroup | null;
  cpu: CpuCgroup | null;
  child: ProbeChild | null;
}

function removeProbe({ memory, cpu }: Probe): void {
  // the CPU cgroup first: on cgroup v2 it is the memory one, which its remove() leaves to its owner
  cpu?.remove();
  memory?.remove();
}

/** `sleep`, killed once moved: cheap to start and does nothing meanwhile. */
function startSleeper(): ProbeChild | null {
  let child: ChildProcess;
  try {
    child = spawn('sleep', ['10'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  child.on('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) return null;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid,
    end() {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/**
 * A Ctrl-C, SIGTERM or SIGHUP while the probe's cgroups exist: doctor listened for none, so the
 * signal's default action ended it between their mkdir and rmdir, and both stayed behind. The
 * probe's child is killed and its cgroups removed (a child still in them goes to their parent
 * first), the stop said, and doctor ended by the signal's default action (stops-before-hold.ts).
 * The listener stays `lingerMs` after the probe, which a signal sent during it, handed over late,
 * still finds. Returns what ends the probe's part (the linger then starts).
 */
function deferStopsPastProbe(probe: Probe, lingerMs = 50): () => void {
  let isProbing = true;
  // the stop is the probe's to say even where a perf check of doctor's holds the signals meanwhile
  const stopListening = listenForStopsBeforeHold(
    (signal) => {
      if (isProbing) {
        void probe.child?.end();
        removeProbe(probe);
      }
      endBySignal(signal);
    },
    { yieldToHold: false },
  );
  return () => {
    isProbing = false;
    setTimeout(stopListening, lingerMs).unref();
  };
}
