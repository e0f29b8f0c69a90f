import { readFileSync } from 'node:fs';
import { livePerfPids } from './perf.ts';

function parentOf(pid: number): number | null {
  try {
    // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let current: number | null = pid, steps = 0; current !== null && current > 1 && steps < 64; steps++) {
    if (current === ancestor) return true;
    current = parentOf(current);
  }
  return false;
}

/**
 * perf processes that the test may have left behind: started since `before` was taken, and either
 * still under this test process or orphaned (a perf that outlived the perfcell that started it is
 * re-parented to init). Other people's perf on a shared machine is neither, so it does not count.
 */
export function leakedPerfPids(before: ReadonlySet<number>): number[] {
  return livePerfPids().filter((pid) => !before.has(pid) && (parentOf(pid) === 1 || descendsFrom(pid, process.pid)));
}

/** The perf processes alive now, to pass to leakedPerfPids later. */
export function perfPidsNow(): Set<number> {
  return new Set(livePerfPids());
}

/**
 * The leaked perf processes once SIGKILLed ones have been reaped: a window that returns as soon as
 * perf's last interval is in leaves perf's teardown to the background, so a perf may still be
 * exiting when a test ends. Waits up to `limitMs` for the list to empty, then returns it.
 */
export async function leakedPerfPidsSettled(before: ReadonlySet<number>, limitMs = 2_000): Promise<number[]> {
  const startMs = performance.now();
  while (leakedPerfPids(before).length > 0 && performance.now() - startMs < limitMs) await new Promise((resolve) => setTimeout(resolve, 20));
  return leakedPerfPids(before);
}
