/**
 * Clean-up that must happen, but not between a program's end and its report: closing the gate's
 * request pipe (0.3-0.4 ms here), SIGKILL to a perf already on its way out after its SIGINT (0.4 ms:
 * the kill waits on perf's own exit), removing the run's memory cgroup (0.15-0.3 ms). The text
 * report is written in the same turn of the event loop that builds it, so work put off to the next
 * turn (setImmediate) comes after it; and whatever a process ending at once (process.exit) has not
 * reached by then is done as it exits, so nothing is left behind.
 */
const pending = new Set<() => void>();
let isHooked = false;

function runPending(): void {
  for (const work of pending) {
    pending.delete(work);
    work();
  }
}

export function afterReport(work: () => void): void {
  pending.add(work);
  if (!isHooked) {
    isHooked = true;
    process.on('exit', runPending);
  }
  setImmediate(() => {
    if (pending.delete(work)) work();
  });
}
