import { readFileSync } from 'node:fs';
import { livePerfPids } from './perf.ts';
import { pidsWhose } from './proc-scan.ts';

/** The fields of /proc/PID/stat after the command name (the state first, then the parent), or null once it is gone. */
function statFields(pid: number): string[] | null {
  try {
    // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields === null ? null : Number(fields[1]);
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let current: number | null = pid, steps = 0; current !== null && current > 1 && steps < 64; steps++) {
    if (current === ancestor) return true;
    current = parentOf(current);
  }
  return false;
}

/**
 * What this test file's processes carry in their environment (perf inherits it from the perfcell
 * that starts it): an orphaned perf is this file's only with it. A suite run under load had counted
 * perfs of the file before, re-parented to init while they ended, as this file's leaks.
 */
const LEAK_MARK = 'PERFCELL_TEST_LEAK_MARK';

function carriesMark(pid: number, mark: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${LEAK_MARK}=${mark}`);
  } catch {
    // gone since the list was read
    return false;
  }
}

/**
 * perf processes that the test may have left behind: started since `before` was taken, and either
 * still under this test process or orphaned (a perf that outlived the perfcell that started it is
 * re-parented to init) with this file's mark. Other people's perf on a shared machine is neither,
 * and neither is a perf of another test file, so they do not count.
 */
export function leakedPerfPids(before: ReadonlySet<number>): number[] {
  const mark = process.env[LEAK_MARK];
  return livePerfPids().filter((pid) => !before.has(pid) && ((parentOf(pid) === 1 && mark !== undefined && carriesMark(pid, mark)) || descendsFrom(pid, process.pid)));
}

/**
 * The perf processes that this test process started, directly or through a launcher, and that
 * were not alive at `before`: another test file's perfs run beside this one's (two files at once).
 */
export function startedPerfPids(before: ReadonlySet<number>): number[] {
  return livePerfPids().filter((pid) => !before.has(pid) && descendsFrom(pid, process.pid));
}

/** Blocks this thread for `ms` (the helpers here are synchronous, like the checks that call them). */
const pauseMs = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The perfs over `target` that this test process has spawned, counted from their spawn: perf, or
 * the exec gate that becomes it (`perfcell-exec --die-with PID perf stat …`, the perf's whole argv
 * on its command line). Node's spawn returns once the gate runs, and the gate's own exec of perf
 * may come after a look at the process list: a loaded run of the suite saw 3 perfs of 4 by name.
 * A process in the middle of an exec reads an empty command line (the kernel sets the new one at
 * the end of execve, after the exec can no longer fail, which is when Node's spawn returns): a
 * fresh-clone CI run saw 3 of 4 again so, and 2 spawns in 400 read it empty right after spawn()
 * beside two busy loops. So a live descendant with an empty command line is looked at again, for
 * up to `limitMs`, until it has its new one.
 */
export function spawnedPerfsOver(target: number, limitMs = 1_000): number[] {
  const over = `--pid\0${target}\0`;
  const startMs = performance.now();
  for (;;) {
    let midExec = false;
    const found = pidsWhose('cmdline', (args, pid) => {
      if (pid === process.pid || !descendsFrom(pid, process.pid)) return false;
      if (args === '') {
        // mid-exec, or a zombie (whose command line stays empty) or one that has just gone
        const state = statFields(pid)?.[0];
        if (state !== undefined && state !== 'Z') midExec = true;
        return false;
      }
      return args.includes(over) && args.includes('\0stat\0');
    });
    if (!midExec || performance.now() - startMs >= limitMs) return found;
    pauseMs(2);
  }
}

/** The perf processes alive now, to pass to leakedPerfPids later; marks the processes this file starts from now on. */
export function perfPidsNow(): Set<number> {
  process.env[LEAK_MARK] ??= `${process.pid}-${Date.now()}`;
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
