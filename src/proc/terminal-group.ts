import { readFileSync } from 'node:fs';

/** A process's group and its terminal's foreground group, from /proc/PID/stat; null where unreadable. */
interface StatGroups {
  readonly processGroup: number;
  /** The foreground process group of the process's controlling terminal; -1 without a terminal. */
  readonly terminalGroup: number;
}

/**
 * Fields 5 (pgrp) and 8 (tpgid) of a /proc/PID/stat line, read after the last ')' (a command name
 * may hold spaces and parentheses); undefined for a line of another shape.
 * @example statGroups('42 (a b) S 1 42 42 34816 42 4194560') // { processGroup: 42, terminalGroup: 42 }
 */
export function statGroups(stat: string): StatGroups | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const processGroup = Number(fields[2]);
  const terminalGroup = Number(fields[5]);
  if (!Number.isInteger(processGroup) || !Number.isInteger(terminalGroup) || fields.length < 6) return undefined;
  return { processGroup, terminalGroup };
}

/**
 * Whether perfcell and process `pid` are both in the foreground process group of perfcell's
 * terminal: a Ctrl-C typed there (SIGINT to that group) has reached the process already.
 */
export function sharesForegroundGroup(pid: number, read = (path: string): string => readFileSync(path, 'utf8')): boolean {
  try {
    const own = statGroups(read('/proc/self/stat'));
    if (own === undefined || own.terminalGroup <= 0 || own.terminalGroup !== own.processGroup) return false;
    return statGroups(read(`/proc/${pid}/stat`))?.processGroup === own.terminalGroup;
  } catch {
    return false;
  }
}
