import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cliPath } from '../support/fixtures.ts';

/**
 * A SIGTERM to perfcell is passed on to its program where /proc is an outer pid namespace's
 * (`unshare --pid --fork` without --mount-proc), where the program's pid names another process or
 * none. perfcell took a program that /proc lacked for one that had ended: it passed nothing on, the
 * program ran to its end (exit 0, 20 s), and perfcell said 'interrupted by SIGTERM after the program
 * had ended: the results are complete' (a QA pass). The new namespace's pids are set (ns_last_pid)
 * to a stretch that the outer /proc lacks, so that the program's pid names no process there.
 */
const unshares = process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', 'true']).status === 0;

/** A pid above which the next 300 are no process of this /proc. */
function freeStretch(): number {
  const taken = new Set(readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number));
  for (let start = 2000; start < 30_000; start += 1) {
    let free = true;
    for (let pid = start + 1; pid <= start + 300 && free; pid += 1) free = !taken.has(pid);
    if (free) return start;
  }
  throw new Error('no 300 free pids in /proc');
}

describe.runIf(unshares)('perfcell run under a /proc of an outer pid namespace', () => {
  it('passes a SIGTERM to perfcell on to its program', { timeout: 60_000 }, async () => {
    // the program signals perfcell (PERFCELL: the pid of the shell that execs it) once it has set its trap
    const program = `trap 'kill $!; exit 3' TERM; kill -TERM PERFCELL; sleep 20 & wait`;
    const inner = `echo ${freeStretch()} > /proc/sys/kernel/ns_last_pid && sh -c 'exec "$0" "$1" run --no-perf -- sh -c "$(echo "$2" | sed "s/PERFCELL/$$/")"' "$0" "$1" "$2"`;
    const result = await execa('unshare', ['--pid', '--fork', 'sh', '-c', inner, process.execPath, cliPath, program], { reject: false, env: { NO_COLOR: '1', COLUMNS: '' }, timeout: 30_000 });
    // before: 'interrupted by SIGTERM after the program had ended: the results are complete', the program's 20 s run out
    expect(result.stderr).toMatch(/^perfcell: interrupted by SIGTERM; passed it on to the program \(exit code 3\)$/m);
    expect(result.exitCode, result.stderr).toBe(3);
  });
});
