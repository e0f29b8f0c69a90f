import { readFileSync, writeFileSync } from 'node:fs';
import { catchesSignal, parseProcStatus, takesDefaultAction, type ProcMemory } from '../../parsers/proc-status.ts';
import { parseProcStat, type CpuTicks } from '../../parsers/proc-stat.ts';
import { parseChildrenCpuTicks, parsePidStat } from '../../parsers/proc-pid-stat.ts';

export type ReadText = (path: string) => string;
const readText: ReadText = (path) => readFileSync(path, 'utf8');

/** RSS and VmHWM of a process; null fields once it has exited. Synchronous: it runs on the hot path around a command. */
export function readProcMemory(pid: number, read: ReadText = readText): ProcMemory | null {
  try {
    return parseProcStatus(read(`/proc/${pid}/status`));
  } catch {
    return null;
  }
}

/** Whether a process has a handler for signal `signo` (/proc/PID/status SigCgt); false once it has gone. */
export function catchesSignalNow(pid: number, signo: number, read: ReadText = readText): boolean {
  try {
    return catchesSignal(read(`/proc/${pid}/status`), signo);
  } catch {
    return false;
  }
}

/** Whether signal `signo` would take its default action on process `pid` (not caught, ignored or blocked); false once it has gone. */
export function takesDefaultActionNow(pid: number, signo: number, read: ReadText = readText): boolean {
  try {
    return takesDefaultAction(read(`/proc/${pid}/status`), signo);
  } catch {
    return false;
  }
}

/** Per-CPU busy/total ticks from /proc/stat. */
export function readCpuTicks(read: ReadText = readText): CpuTicks[] {
  try {
    return parseProcStat(read('/proc/stat'));
  } catch {
    return [];
  }
}

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux perfcell runs on. */
export const USER_HZ = 100;

/**
 * The CPU time of this process's waited-for children in clock ticks (1/USER_HZ s; /proc/self/stat's
 * cutime and cstime): what a child adds once it is reaped. Null where it cannot be read.
 */
export function readChildrenCpuTicks(read: ReadText = readText): { userTicks: number; systemTicks: number } | null {
  try {
    return parseChildrenCpuTicks(read('/proc/self/stat')) ?? null;
  } catch {
    return null;
  }
}

/**
 * Resets the kernel's RSS high-water mark (VmHWM) to the current RSS by writing 5 to
 * /proc/PID/clear_refs. Returns false where that is refused (another user's process, no
 * CAP_SYS_PTRACE), so the caller can fall back to sampling and say so.
 */
export function resetPeakRss(pid: number, write: (path: string, data: string) => void = writeFileSync): boolean {
  try {
    write(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Whether a process is stopped (state T: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU; not t, a tracer's stop); false once it has gone. */
export function isProcessStopped(pid: number, read: ReadText = readText): boolean {
  try {
    return parsePidStat(read(`/proc/${pid}/stat`))?.state === 'T';
  } catch {
    return false;
  }
}

/** Whether process `pid` has ended: gone, or a zombie its parent has not reaped yet (a signal sent to it now is not acted on). */
export function hasProcessEnded(pid: number, read: ReadText = readText): boolean {
  try {
    const state = parsePidStat(read(`/proc/${pid}/stat`))?.state;
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

/** Whether a process exists (and is not a zombie: a zombie has no VmRSS). */
export function isProcessAlive(pid: number, read: ReadText = readText): boolean {
  const memory = readProcMemory(pid, read);
  return memory !== null && memory.rssBytes !== null;
}
