import { isPidRunning } from '../proc/gone-perfcell.ts';

/**
 * Calls `onGone` once when the Jupyter process that started the kernel is gone: the pid in
 * JPY_PARENT_PID (jupyter_client sets it) no longer exists, or the kernel was re-parented (its
 * parent died). Polls once a second; the timer does not keep the process alive.
 */
export function watchParent(onGone: (why: string) => void, options: { readonly parentPid?: number | undefined; readonly intervalMs?: number } = {}): () => void {
  const startPpid = process.ppid;
  const parentPid = options.parentPid;
  const timer = setInterval(() => {
    if (process.ppid !== startPpid) return stop(`the parent process ${startPpid} went away`);
    if (parentPid !== undefined && !isPidRunning(parentPid)) return stop(`the Jupyter process ${parentPid} (JPY_PARENT_PID) went away`);
    return undefined;
  }, options.intervalMs ?? 1000);
  timer.unref();
  function stop(why: string): void {
    clearInterval(timer);
    onGone(why);
  }
  return () => clearInterval(timer);
}

/** JPY_PARENT_PID as a pid, or undefined when unset or not a positive integer. */
export function parentPidFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env['JPY_PARENT_PID']);
  return Number.isInteger(value) && value > 1 ? value : undefined;
}
