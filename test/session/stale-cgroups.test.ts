import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPidNamespace } from '../../src/proc/gone-perfcell.ts';
import { ownCgroupPath } from '../../src/session/cgroup.ts';
import { cgroupsOf, memoryMount } from '../support/cgroups.ts';
import { cliPath } from '../support/fixtures.ts';
import { hasStrace, runsWith } from '../support/tools.ts';

/*
 * A perfcell killed by SIGKILL leaves its cgroups (perfcell-NS-PID-N); the next perfcell removes
 * those of its pid namespace NS whose PID is gone. A task's note: the names carried no namespace,
 * so a perfcell in another pid namespace sharing the cgroup tree (a container's), which sees no
 * host pid in its /proc, removed a running perfcell's cgroup while it was empty (made, its program
 * not yet moved in), and that run's peak fell back to sampling. Real perfcells, real cgroups (v1,
 * as root), a real second pid namespace (unshare); the running perfcell is held at the move of its
 * program into its memory cgroup by strace (a delay injected into that write).
 */
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const ownMemory = memoryMount === null ? null : join(memoryMount, ownCgroupPath(readFileSync('/proc/self/cgroup', 'utf8'), 'memory') ?? '/');
const namespace = readPidNamespace();

/** `perfcell run --json -- true` through a shell that execs it once strace, attached to it, will `inject` into the write that moves its program into its memory cgroup perfcell-NS-PID-1. */
function heldRun(inject: string) {
  const script = [
    `strace -f -qq -o /dev/null -P "${ownMemory}/perfcell-${namespace}-$$-1/cgroup.procs" -e trace=write -e inject=write:${inject} -p $$ &`,
    'until grep -q "^TracerPid:[[:space:]]*[1-9]" /proc/$$/status; do sleep 0.01; done',
    'exec "$@"',
  ].join('\n');
  return execa('sh', ['-c', script, 'sh', process.execPath, cliPath, 'run', '--no-perf', '--json', '--', 'true'], { reject: false, timeout: 90_000, env: { NO_COLOR: '1' } });
}

/** Waits for `condition`, 30 s at most (then throws `what`): a perfcell's start on a loaded machine takes a second or two. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() - started > 30_000) throw new Error(`no ${what} within 30 s`);
  }
}

describe('stale cgroups', () => {
  it.runIf(canUnshare && ownMemory !== null && namespace !== null && runsWith('strace', hasStrace, 'the held perfcell'))(
    "a perfcell in another pid namespace keeps a running perfcell's empty cgroup; one of this namespace removes a killed perfcell's",
    async ({ onTestFinished }) => {
      const held = heldRun('delay_enter=60000000');
      const pid = held.pid!;
      const cgroup = join(ownMemory!, `perfcell-${namespace}-${pid}-1`);
      onTestFinished(() => {
        held.kill('SIGKILL');
        for (const folder of cgroupsOf(pid)) rmdirSync(folder);
      });
      const tracer = (): number => Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      await until(() => existsSync(cgroup) && tracer() > 0, `cgroup ${cgroup}, traced`);
      const contained = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, cliPath, 'run', '--no-perf', '--', 'true'], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
      expect(contained.exitCode, contained.stderr).toBe(0);
      expect(existsSync(cgroup), 'the held perfcell\'s cgroup, after a run in another pid namespace').toBe(true);
      // strace, ended, lets the held write go on
      process.kill(tracer(), 'SIGTERM');
      const result = await held;
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ memory: { peakMethod: 'memory-cgroup-v1' } });
      expect(cgroupsOf(pid)).toEqual([]);

      // killed at the same write: its cgroup stays until a perfcell of this namespace runs
      const killed = heldRun('signal=KILL');
      const killedPid = killed.pid!;
      onTestFinished(() => cgroupsOf(killedPid).forEach((folder) => rmdirSync(folder)));
      expect((await killed).signal).toBe('SIGKILL');
      expect(cgroupsOf(killedPid)).toContain(join(ownMemory!, `perfcell-${namespace}-${killedPid}-1`));
      const outside = await execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, cliPath, 'run', '--no-perf', '--', 'true'], { reject: false, timeout: 60_000 });
      expect(outside.exitCode).toBe(0);
      expect(cgroupsOf(killedPid), 'kept by a perfcell of another namespace, which cannot tell').not.toEqual([]);
      const next = await execa(process.execPath, [cliPath, 'run', '--no-perf', '--', 'true'], { reject: false, timeout: 60_000 });
      expect(next.exitCode).toBe(0);
      expect(cgroupsOf(killedPid)).toEqual([]);
    },
    150_000,
  );
});
