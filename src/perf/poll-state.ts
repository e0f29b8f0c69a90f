import { readFileSync } from 'node:fs';
import { monotonicMs } from '../session/clock.ts';

/** poll/ppoll syscall numbers: perf stat waits in one of them between intervals and commands. */
const POLL_SYSCALLS: Partial<Record<string, readonly number[]>> = {
  x64: [7, 271],
  arm64: [73],
  ia32: [168, 309],
};

/**
 * Whether a process is blocked in poll() right now, from /proc/PID/syscall (its first field is
 * the syscall it waits in, or `running`). null where that cannot be told: another user's process,
 * a kernel without the file, an architecture whose numbers are not listed here.
 * @example isInPoll(perfPid) // true while perf stat waits for its next interval
 */
export function isInPoll(pid: number, read: (path: string) => string = (path) => readFileSync(path, 'utf8'), arch: string = process.arch): boolean | null {
  const numbers = POLL_SYSCALLS[arch];
  if (numbers === undefined) return null;
  let text: string;
  try {
    text = read(`/proc/${pid}/syscall`);
  } catch {
    return null;
  }
  const first = text.trim().split(/\s+/, 1)[0] ?? '';
  if (!/^\d+$/.test(first)) return first === 'running' ? false : null;
  return numbers.includes(Number(first));
}

/**
 * Resolves once perf is back in poll() after acking a control command, so that a SIGINT
 * interrupts that poll (the only place perf stat -I prints its last interval on SIGINT; a
 * signal that lands while it handles the command ends it silently). True once it was seen
 * polling; false where it was not within `limitMs` (500), or where the state cannot be read
 * (then after `fallbackMs`). Looks between event-loop turns for the first `spinMs` (2), where a
 * perf given the CPU is back (0.1-0.5 ms here), then every millisecond: a perf held longer (a
 * loaded machine; strace holding its writes 30 ms) was SIGINTed after the old 20 ms limit while
 * it still returned from its ack, and a window lost all its counts.
 */
export async function untilPolling(pid: number, options: { limitMs?: number; spinMs?: number; fallbackMs?: number; isPolling?: (pid: number) => boolean | null } = {}): Promise<boolean> {
  const isPolling = options.isPolling ?? isInPoll;
  const limitMs = options.limitMs ?? 500;
  const spinMs = options.spinMs ?? 2;
  const startMs = monotonicMs();
  for (;;) {
    const state = isPolling(pid);
    if (state === true) return true;
    if (state === null) {
      await new Promise((resolve) => setTimeout(resolve, options.fallbackMs ?? 1));
      return false;
    }
    const waitedMs = monotonicMs() - startMs;
    if (waitedMs > limitMs) return false;
    await new Promise((resolve) => (waitedMs < spinMs ? setImmediate(resolve) : setTimeout(resolve, 1)));
  }
}

/**
 * The process that is perf in the session `pid` leads (perf runs in a session of its own): `pid`
 * where it is perf (comm perf, perf_6.1), else the first child named perf of a wrapper script that
 * runs perf as its child (`#!/bin/sh` then `/usr/bin/perf "$@"`), a few levels down; `pid` where
 * there is none. The wrapper waits for perf, never in perf's poll(): looked for there, every window
 * waited the whole 500 ms of untilPolling and was then signalled blind.
 * @example perfInSession(wrapperPid) // → the pid of /usr/bin/perf, the wrapper's child
 */
export function perfInSession(pid: number, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): number {
  let perf = pid;
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      if (read(`/proc/${perf}/comm`).startsWith('perf')) return perf;
      const child = Number.parseInt(read(`/proc/${perf}/task/${perf}/children`), 10);
      if (!(child > 0)) return pid;
      perf = child;
    } catch {
      return pid;
    }
  }
  return pid;
}
