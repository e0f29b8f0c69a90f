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
 * signal that lands while it handles the command ends it silently). Checks between event-loop
 * turns for at most `limitMs`; where the state cannot be read, waits `fallbackMs` instead.
 */
export async function untilPolling(pid: number, options: { limitMs?: number; fallbackMs?: number; isPolling?: (pid: number) => boolean | null } = {}): Promise<void> {
  const isPolling = options.isPolling ?? isInPoll;
  const limitMs = options.limitMs ?? 20;
  const startMs = monotonicMs();
  for (;;) {
    const state = isPolling(pid);
    if (state === true) return;
    if (state === null) {
      await new Promise((resolve) => setTimeout(resolve, options.fallbackMs ?? 1));
      return;
    }
    if (monotonicMs() - startMs > limitMs) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
