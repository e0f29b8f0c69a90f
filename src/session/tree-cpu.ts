import { afterReport } from './after-report.ts';
import type { CpuCgroup, CpuUsage } from './cpu-cgroup.ts';

/**
 * Below this much CPU beyond what wait4() gave, seconds, the tree's figure is taken as wait4()'s:
 * for a program that waited for all its children the two agree to 6-13 µs here (`true`, spinners,
 * `sh` waiting for two; `node -e 0` 39-46 µs: the cgroup's reads sit around the release, wait4's
 * figures start at the held child's getrusage after it), and its figures stay exactly what they were.
 */
export const UNWAITED_MIN_S = 0.001;

/**
 * The CPU time of a run's process tree from its cgroup (cpu-cgroup.ts), read at the release and
 * once the gate has reported the program's end: it holds every descendant's, waited for or not.
 */
export interface TreeCpu {
  /** Settles once the pid is in its cgroup, or that failed (then finish() gives null). */
  readonly ready: Promise<void>;
  /** Reads the charge just before the program is released. */
  start(): void;
  /** The charge since start(), read now; null without a cgroup or a reading. The cgroup goes after the report. */
  finish(): CpuUsage | null;
  /** Removes the cgroup; safe after finish() and twice. */
  dispose(): void;
}

/**
 * Where the pid's move stands: `moving`, under way already (the early gate's held child); `after`,
 * a move to start once this settles (the memory cgroup's: a cgroup v1 move right after another
 * finds the kernel's grace period behind it).
 */
export interface CpuPlacement {
  readonly moving?: Promise<boolean>;
  readonly after?: Promise<unknown>;
}

export function watchTreeCpu(pid: number, make: () => CpuCgroup | null, placement: CpuPlacement = {}): TreeCpu {
  let cgroup = make();
  let isDisposed = false;
  const made = cgroup;
  const ready: Promise<void> = made === null ? Promise.resolve() : (placement.moving ?? (placement.after ?? Promise.resolve()).then(() => made.add(pid))).then((added) => {
    if (added && !isDisposed) return;
    made.remove();
    if (cgroup === made) cgroup = null;
  });
  let before: CpuUsage | null = null;
  return {
    ready,
    start() {
      before = cgroup?.read() ?? null;
    },
    finish() {
      const after = cgroup?.read() ?? null;
      const done = cgroup;
      cgroup = null;
      if (done !== null) afterReport(() => done.remove());
      return cpuUsageSince(before, after);
    },
    dispose() {
      isDisposed = true;
      const current = cgroup;
      cgroup = null;
      // removed once no move is under way (rmdir would race the pending write)
      if (current !== null) void ready.then(() => current.remove());
    },
  };
}

/** The CPU charged between two readings of a cgroup, ns, none below 0; null where either is missing. */
export function cpuUsageSince(before: CpuUsage | null, after: CpuUsage | null): CpuUsage | null {
  if (before === null || after === null) return null;
  const since = (end: number | null, start: number | null): number | null => (end === null || start === null ? null : Math.max(0, end - start));
  return { usageNs: Math.max(0, after.usageNs - before.usageNs), userNs: since(after.userNs, before.userNs), systemNs: since(after.systemNs, before.systemNs) };
}

/**
 * A run's user and system CPU, seconds: wait4()'s (the program and the children it waited for),
 * plus what the cgroup charged its tree beyond that, the CPU of descendants nobody waited for
 * (`sh -c 'spin &'`'s spin, a daemon's). That part is split as the kernel's ticks split it: the
 * tree's user and system ticks less wait4()'s user and system (the kernel splits rusage's exact
 * time by its ticks too), not as the whole tree's, whose waited part may be all user where the
 * unwaited one is all system (a review: a waited 0.3 s spin, all user, beside an orphaned
 * `dd bs=1M`, all system, read user 0.41 s, system 0.08 s). Where no such tick is left, as the tree's ticks split, then as
 * wait4()'s figures are split, or all user where they are 0.
 * @example withUnwaitedCpu({ userS: 0.002, systemS: 0.001 }, { usageNs: 303e6, userNs: 300e6, systemNs: 0 }) // { userS: 0.302, systemS: 0.001 }
 */
export function withUnwaitedCpu(waited: { readonly userS: number; readonly systemS: number }, tree: CpuUsage | null): { userS: number; systemS: number } {
  if (tree === null) return { userS: waited.userS, systemS: waited.systemS };
  const unwaitedS = tree.usageNs / 1e9 - (waited.userS + waited.systemS);
  if (unwaitedS < UNWAITED_MIN_S) return { userS: waited.userS, systemS: waited.systemS };
  const unwaitedUserNs = Math.max(0, (tree.userNs ?? 0) - waited.userS * 1e9);
  const unwaitedTicksNs = unwaitedUserNs + Math.max(0, (tree.systemNs ?? 0) - waited.systemS * 1e9);
  const ticksNs = (tree.userNs ?? 0) + (tree.systemNs ?? 0);
  const waitedS = waited.userS + waited.systemS;
  const userShare = unwaitedTicksNs > 0 ? unwaitedUserNs / unwaitedTicksNs : ticksNs > 0 ? (tree.userNs ?? 0) / ticksNs : waitedS > 0 ? waited.userS / waitedS : 1;
  return { userS: waited.userS + unwaitedS * userShare, systemS: waited.systemS + unwaitedS * (1 - userShare) };
}
