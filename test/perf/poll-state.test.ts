import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isInPoll, perfInSession, untilPolling } from '../../src/perf/poll-state.ts';
import { perfUsable } from '../support/perf.ts';

describe('isInPoll', () => {
  it('reads the syscall number from /proc/PID/syscall', () => {
    const read = (text: string) => () => text;
    expect(isInPoll(1, read('7 0x55d0 0x2 0x64 0x0 0x0 0x0 0x7ffd 0x7f12'), 'x64')).toBe(true);
    expect(isInPoll(1, read('271 0x1 0x2 0x3 0x0 0x8 0x0 0x7ffd 0x7f12'), 'x64')).toBe(true);
    expect(isInPoll(1, read('0 0x5 0x7ffd 0x1 0x0 0x0 0x0 0x7ffd 0x7f12'), 'x64')).toBe(false);
    expect(isInPoll(1, read('running'), 'x64')).toBe(false);
    expect(isInPoll(1, read('7 0x0'), 'riscv64')).toBeNull();
    expect(isInPoll(1, () => { throw new Error('EACCES'); }, 'x64')).toBeNull();
  });

  it('waits the fallback time where the state cannot be read', async () => {
    const startMs = performance.now();
    expect(await untilPolling(1, { isPolling: () => null, fallbackMs: 20 })).toBe(false);
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(15);
  });

  it('gives up after the limit when the process never polls, and says so', async () => {
    const startMs = performance.now();
    expect(await untilPolling(1, { isPolling: () => false, limitMs: 30 })).toBe(false);
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(30);
  });

  // a perf held 60 ms on its way back from an ack (two writes held by strace) was SIGINTed after the
  // old 20 ms limit, and ended without a line
  it('waits past its first turns for a process slow to come back to poll(), looking about once a millisecond', async () => {
    const startMs = performance.now();
    let looks = 0;
    const polling = await untilPolling(1, { isPolling: () => (looks++, performance.now() - startMs >= 60) });
    const waitedMs = performance.now() - startMs;
    expect(polling).toBe(true);
    expect(waitedMs).toBeGreaterThanOrEqual(60);
    // spun for 2 ms, then a look per timer: not a busy loop of thousands of turns
    expect(looks).toBeLessThan(2000);
  });
});

if (perfUsable && process.arch !== 'x64') console.warn(`isInPoll on a real perf is skipped: it reads x86-64 syscall numbers and this is ${process.arch}`);
describe.runIf(perfUsable && process.arch === 'x64')('isInPoll on a real perf stat', () => {
  it('is true while perf stat -I waits for its next interval', { timeout: 10_000 }, async () => {
    const perf = spawn('perf', ['stat', '-x,', '-I', '1000', '-e', 'page-faults', '--pid', String(process.pid)], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(isInPoll(perf.pid ?? 0)).toBe(true);
    } finally {
      perf.kill('SIGKILL');
      await new Promise((resolve) => perf.once('close', resolve));
    }
  });
});

describe('perfInSession', () => {
  const proc = (files: Record<string, string>) => (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT ${path}`);
    return text;
  };
  it('is perf itself where perf leads its session (exec\'d, or perf_6.1)', () => {
    expect(perfInSession(10, proc({ '/proc/10/comm': 'perf\n' }))).toBe(10);
    expect(perfInSession(10, proc({ '/proc/10/comm': 'perf_6.1\n' }))).toBe(10);
  });
  it('is the perf a wrapper runs as its child, a level or two down', () => {
    expect(perfInSession(10, proc({ '/proc/10/comm': 'wrap\n', '/proc/10/task/10/children': '11 ', '/proc/11/comm': 'perf\n' }))).toBe(11);
    expect(perfInSession(10, proc({ '/proc/10/comm': 'wrap\n', '/proc/10/task/10/children': '11 ', '/proc/11/comm': 'env\n', '/proc/11/task/11/children': '12 ', '/proc/12/comm': 'perf\n' }))).toBe(12);
  });
  it('is the leader where no perf is found (a wrapper with no child, a sleeping stand-in, a process gone)', () => {
    expect(perfInSession(10, proc({ '/proc/10/comm': 'hang\n', '/proc/10/task/10/children': '' }))).toBe(10);
    expect(perfInSession(10, proc({ '/proc/10/comm': 'hang\n', '/proc/10/task/10/children': '11 ', '/proc/11/comm': 'sleep\n', '/proc/11/task/11/children': '' }))).toBe(10);
    expect(perfInSession(10, proc({}))).toBe(10);
  });
});
