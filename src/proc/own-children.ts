import type { ChildProcess } from 'node:child_process';

/**
 * The child processes this process started for perfcell's own machinery (perf, its launchers, the
 * live view's relay), by pid, while they run. A cell's stray processes are told from them by pid,
 * not by name: by name, a program a cell left running that was itself called `perf` (a
 * `perf record` of its own) was never named.
 */
const ownPids = new Set<number>();

/** Marks `child` as perfcell's own until it exits; returns it. */
export function ownChild<Child extends ChildProcess>(child: Child): Child {
  const { pid } = child;
  if (pid === undefined) return child;
  ownPids.add(pid);
  child.once('exit', () => ownPids.delete(pid));
  return child;
}

/** Whether `pid` is a child this process started for perfcell's own machinery and that has not exited. */
export function isOwnChild(pid: number): boolean {
  return ownPids.has(pid);
}
