import { readFileSync } from 'node:fs';
import { parseProcessGroups } from '../../parsers/proc-pid-stat.ts';

/**
 * Where to send a signal meant for this process and what it started: `-pid` (its process group)
 * where it leads its group, as a process that a launcher started in a session of its own does
 * (jupyter_client starts every kernel so), else `pid` alone, whose group is someone else's (a
 * shell's job, a test runner's).
 */
export function ownSignalTarget(read = (path: string): string => readFileSync(path, 'utf8')): number {
  try {
    return parseProcessGroups(read('/proc/self/stat'))?.processGroup === process.pid ? -process.pid : process.pid;
  } catch {
    return process.pid;
  }
}
