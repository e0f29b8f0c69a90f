import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** The process state letter of /proc/PID/stat: `T` stopped, `S` asleep, `R` running. */
export const stateOf = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? '?';

/** Whether /proc/PID/status lists a handler for SIGURG (perfcell's nudge) in SigCgt, the mask of caught signals. */
export function catchesSigurg(pid: number): boolean {
  const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${mask}`) >> BigInt(constants.signals.SIGURG - 1)) & 1n) === 1n;
}

/** The command name of /proc/PID/comm (`perf`, `perfcell-live`); empty where the process is gone. */
export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** What `find` returns once it is not empty, looked for every 20 ms for up to `timeoutMs` (empty after that). */
export async function untilFound(find: () => number[], timeoutMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let found = find();
  while (found.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    found = find();
  }
  return found;
}

/** Resolves with the state once `pid` is in one of `states`, or with the last state seen after `timeoutMs`. */
export async function untilState(pid: number, states: string, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = stateOf(pid);
  while (!states.includes(state) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    state = stateOf(pid);
  }
  return state;
}
