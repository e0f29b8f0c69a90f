import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findExecHelper } from '../../src/session/exec-helper.ts';
import { stateOf, untilState } from '../support/process-state.ts';
import { temporaryFolders } from '../support/temp-folders.ts';

const temporaryDir = temporaryFolders('all');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A member that cannot take a signal for a while: the parent of a vfork waits for its child in a
 * killable sleep (state D), where a SIGSTOP sent to it stays pending (ShdPnd) until the child has
 * gone, 1.5 s here. Then it waits for signals.
 */
const MEMBER_C = `#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  if (vfork() == 0) {
    struct timespec wait = {1, 500000000};
    syscall(SYS_nanosleep, &wait, 0);
    syscall(SYS_exit, 0);
  }
  for (;;) pause();
}
`;

/** A stand-in for perfcell: spawns the group launcher over itself (member 0's fds 3-5 its pipes), passes on its lines, and idles. */
const PARENT_JS = `
const [helper, member] = process.argv.slice(1);
const launcher = require('node:child_process').spawn(helper, ['--perf-group', String(process.pid), '1000', member], { stdio: ['ignore', 'pipe', 'inherit', 'pipe', 'pipe', 'pipe'] });
launcher.stdout.pipe(process.stdout);
setInterval(() => undefined, 1000);
`;

/** Whether /proc/PID/status shows a SIGSTOP sent to the process and not taken yet. */
const stopPending = (pid: number): boolean => {
  const mask = /^ShdPnd:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${mask}`) >> 18n) & 1n) === 1n; // SIGSTOP, 19
};

/**
 * The launcher of the perfs that count perfcell's own process (native/perfcell-exec.c, follow_stop)
 * stops them while perfcell is stopped, and continues the ones it stopped. The REPL pauses its perf
 * (SIGSTOP) itself at Ctrl-Z, right before it is stopped: a perf that had not taken that SIGSTOP yet
 * when the launcher looked (waiting for a CPU on a loaded machine) was taken for one running, stopped
 * and, after `fg`, continued: it ticked on while the REPL took it for paused (a suite run, 2026-12-06).
 * Real launcher; the member is a program that cannot take its SIGSTOP for 1.5 s, in place of a perf
 * that waits for a CPU, which cannot be made to happen on cue.
 */
/** The pid of the launcher's first member, as the parent script prints it ("perf 0 PID"). */
function memberPid(parent: ChildProcessByStdio<null, Readable, null>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let text = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const pid = /^perf 0 (\d+)$/m.exec(text)?.[1];
      if (pid !== undefined) resolve(Number(pid));
    });
    parent.once('exit', () => reject(new Error(`the launcher said no member: ${text}`)));
  });
}

describe('the group launcher through a stop of perfcell (real launcher, a stand-in member)', () => {
  const helper = findExecHelper();
  if (helper === null) console.log('not run: the launcher through a stop (perfcell-exec is not built, nor can it be: install gcc)');
  it.runIf(helper !== null)('leaves a member perfcell had paused itself paused, even one that had not taken its SIGSTOP yet', { timeout: 30_000 }, async () => {
    const dir = temporaryDir('perfcell-stop-pending-');
    writeFileSync(join(dir, 'member.c'), MEMBER_C);
    execFileSync('cc', ['-O2', '-o', join(dir, 'member'), join(dir, 'member.c')]);
    const parent = spawn(process.execPath, ['-e', PARENT_JS, helper!, join(dir, 'member')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const member = await memberPid(parent);
      expect(await untilState(member, 'D')).toBe('D');
      // perfcell pauses the member, then is stopped itself (the REPL at Ctrl-Z)
      process.kill(member, 'SIGSTOP');
      expect(stopPending(member)).toBe(true);
      process.kill(parent.pid!, 'SIGSTOP');
      expect(await untilState(parent.pid!, 'T')).toBe('T');
      // the launcher looks every 200 ms while perfcell runs, every 20 ms while it is stopped
      await sleep(600);
      process.kill(parent.pid!, 'SIGCONT');
      await sleep(400);
      // the vfork's child is gone by now: the member took its SIGSTOP, unless a SIGCONT from the launcher took it away
      expect(await untilState(member, 'T', 3000)).toBe('T');
      await sleep(300);
      expect(stateOf(member)).toBe('T');
    } finally {
      parent.kill('SIGKILL');
    }
  });

  // A PERFCELL_PERF wrapper that runs perf as its child (`#!/bin/sh` then `perf "$@"`): the launcher
  // stopped the member, the sh, and its perf ticked on into its file through the stop (cells through
  // such a wrapper, perfcell stopped: 23,650 bytes a second). The stand-in perf is `sleep` run as
  // `perf`, its comm, a child of the member's sh.
  it.runIf(helper !== null)('stops the perf a wrapper runs as its child while perfcell is stopped, and continues it after', { timeout: 30_000 }, async () => {
    const dir = temporaryDir('perfcell-stop-wrapped-');
    symlinkSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), join(dir, 'perf'));
    const wrapper = join(dir, 'wrapper');
    writeFileSync(wrapper, `#!/bin/sh\n${join(dir, 'perf')} 30\n`);
    chmodSync(wrapper, 0o755);
    const parent = spawn(process.execPath, ['-e', PARENT_JS, helper!, wrapper], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const member = await memberPid(parent);
      const children = (): number[] => readFileSync(`/proc/${member}/task/${member}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
      let perf: number | undefined;
      for (let tries = 0; tries < 300 && perf === undefined; tries++) {
        perf = children()[0];
        if (perf === undefined) await sleep(10);
      }
      expect(perf).toBeDefined();
      process.kill(parent.pid!, 'SIGSTOP');
      expect(await untilState(parent.pid!, 'T')).toBe('T');
      // the launcher looks every 200 ms while perfcell runs
      expect(await untilState(perf!, 'T', 2000)).toBe('T');
      process.kill(parent.pid!, 'SIGCONT');
      expect(await untilState(perf!, 'SR', 2000)).not.toBe('T');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
