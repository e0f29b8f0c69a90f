import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
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

/**
 * In a new pid namespace (sh its init; $1 node, $2 perfcell, $3 the memory cgroup its cgroups go
 * under): a `perfcell run` that strace kills at the move of its program into its memory cgroup,
 * then, once a line comes on stdin, the next `perfcell run` of that namespace. Says "killed NS PID
 * STATUS" and "next STATUS".
 */
const KILLED_THEN_NEXT = [
  'ns=$(readlink /proc/self/ns/pid | tr -dc 0-9)',
  `sh -c 'strace -f -qq -o /dev/null -P "$0/perfcell-$1-$$-1/cgroup.procs" -e trace=write -e inject=write:signal=KILL -p $$ &`,
  'until grep -q "^TracerPid:[[:space:]]*[1-9]" /proc/$$/status; do sleep 0.01; done',
  `shift 2; exec "$@"' "$3" "$ns" "$1" "$2" run --no-perf --json -- true >/dev/null 2>&1 &`,
  'pid=$!; wait $pid; echo "killed $ns $pid $?"',
  'read go; "$1" "$2" run --no-perf -- true; echo "next $?"',
].join('\n');

/** The match of `pattern` in the first line of `stdout` it matches; undefined where it ends first. */
function lineOf(stdout: Readable, pattern: RegExp): Promise<RegExpExecArray | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const look = (chunk: Buffer) => {
      text += chunk.toString();
      const found = text.split('\n').slice(0, -1).map((line) => pattern.exec(line)).find((match) => match !== null);
      if (found !== undefined) {
        stdout.off('data', look);
        resolve(found);
      }
    };
    stdout.on('data', look);
    stdout.once('end', () => resolve(undefined));
  });
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

      // killed at the same write: its cgroup stays until a perfcell of its namespace runs. Killed in a
      // pid namespace of its own, so that the perfcells other test files run beside this one (of
      // this namespace) keep it too: killed here, any of them removed it before it was looked at
      const killed = execa('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', KILLED_THEN_NEXT, 'sh', process.execPath, cliPath, ownMemory!], { reject: false, timeout: 90_000, env: { NO_COLOR: '1' } });
      onTestFinished(() => void killed.kill('SIGKILL'));
      const [, killedNamespace, killedPid, killedStatus] = (await lineOf(killed.stdout!, /^killed (\d+) (\d+) (\d+)$/))!;
      onTestFinished(() => cgroupsOf(Number(killedPid), killedNamespace).forEach((folder) => rmdirSync(folder)));
      expect(killedStatus, 'the perfcell strace killed: 128 + SIGKILL').toBe('137');
      expect(killedNamespace).not.toBe(namespace);
      expect(cgroupsOf(Number(killedPid), killedNamespace)).toContain(join(ownMemory!, `perfcell-${killedNamespace}-${killedPid}-1`));
      const outside = await execa(process.execPath, [cliPath, 'run', '--no-perf', '--', 'true'], { reject: false, timeout: 60_000 });
      expect(outside.exitCode).toBe(0);
      expect(cgroupsOf(Number(killedPid), killedNamespace), 'kept by a perfcell of another namespace, which cannot tell').not.toEqual([]);
      killed.stdin!.end('go\n');
      const next = await killed;
      expect(next.stdout, next.stderr).toMatch(/^next 0$/m);
      expect(cgroupsOf(Number(killedPid), killedNamespace)).toEqual([]);
    },
    150_000,
  );
});
