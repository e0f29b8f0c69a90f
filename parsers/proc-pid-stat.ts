/** What perfcell reads from /proc/PID/stat: the command name, state and CPU time in clock ticks. */
export interface ProcPidStat {
  /** The command name (`comm`, at most 15 bytes), without its parentheses; it may hold spaces and `)`. */
  readonly comm: string;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, … */
  readonly state: string;
  /** CPU time of the process (all its threads) in user mode and in the kernel, clock ticks (USER_HZ, 100 per second on Linux). */
  readonly utimeTicks: number;
  readonly stimeTicks: number;
}

/**
 * Reads /proc/PID/stat. The name is found between the first `(` and the last `)`, since a
 * process may name itself `a) b`; undefined when the text is not a stat line.
 * @example parsePidStat('42 (my prog) S 1 42 42 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 170091 3133440 380') // { comm: 'my prog', state: 'S', utimeTicks: 7, stimeTicks: 3 }
 */
export function parsePidStat(text: string): ProcPidStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const field = fieldsAfterName(text);
  if (open === -1 || close < open || field === undefined) return undefined;
  const utime = Number(field(14));
  const stime = Number(field(15));
  const state = field(3);
  if (state === undefined || !Number.isFinite(utime) || !Number.isFinite(stime) || field(15) === undefined) return undefined;
  return { comm: text.slice(open + 1, close), state, utimeTicks: utime, stimeTicks: stime };
}

/**
 * The CPU time of a process's waited-for children (cutime and cstime, fields 16 and 17 of
 * /proc/PID/stat), clock ticks; undefined when the text is not a stat line. The kernel adds a
 * child's time (and its own waited-for children's) when it is reaped.
 * @example parseChildrenCpuTicks('42 (node) S 1 42 42 0 -1 4194304 100 0 0 0 7 3 120 8 20 0 1 0 170091 3133440 380') // { userTicks: 120, systemTicks: 8 }
 */
export function parseChildrenCpuTicks(text: string): { userTicks: number; systemTicks: number } | undefined {
  const field = fieldsAfterName(text);
  if (field === undefined || field(16) === undefined || field(17) === undefined) return undefined;
  const user = Number(field(16));
  const system = Number(field(17));
  if (!Number.isInteger(user) || !Number.isInteger(system)) return undefined;
  return { userTicks: user, systemTicks: system };
}

/** A process's group and its terminal's foreground group (fields 5, pgrp, and 8, tpgid, of /proc/PID/stat). */
export interface ProcessGroups {
  readonly processGroup: number;
  /** The foreground process group of the process's controlling terminal; -1 without a terminal. */
  readonly terminalGroup: number;
}

/**
 * Reads a process's group and its terminal's foreground group from /proc/PID/stat; undefined when
 * the text is not a stat line.
 * @example parseProcessGroups('42 (a b) S 1 42 42 34816 42 4194560') // { processGroup: 42, terminalGroup: 42 }
 */
export function parseProcessGroups(text: string): ProcessGroups | undefined {
  const field = fieldsAfterName(text);
  if (field === undefined || field(5) === undefined || field(8) === undefined) return undefined;
  const processGroup = Number(field(5));
  const terminalGroup = Number(field(8));
  if (!Number.isInteger(processGroup) || !Number.isInteger(terminalGroup)) return undefined;
  return { processGroup, terminalGroup };
}

/**
 * The fields of a /proc/PID/stat line after the name (which ends at the last `)`, since a process
 * may name itself `a) b`), by their number in proc(5): 3 is the state, 14 utime; undefined without a name.
 */
function fieldsAfterName(text: string): ((number: number) => string | undefined) | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  return (number) => rest[number - 3];
}

/**
 * The real uid of a process from /proc/PID/status text (`Uid:\treal\teffective\tsaved\tfs`); null when absent.
 * @example parseStatusUid('Name:\tsleep\nUid:\t65534\t65534\t65534\t65534\n') // 65534
 */
export function parseStatusUid(text: string): number | null {
  const match = /^Uid:\s+(\d+)/m.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/**
 * The thread group (process) id from /proc/PID/status text: the pid itself for a process, its
 * process's pid for a thread id (/proc/TID answers for any thread, with the process's figures); null when absent.
 * @example parseStatusTgid('Name:\tnode\nTgid:\t1809\nPid:\t1820\n') // 1809
 */
export function parseStatusTgid(text: string): number | null {
  const match = /^Tgid:\s+(\d+)/m.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}
