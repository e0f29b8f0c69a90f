import { readFileSync } from 'node:fs';
import { parseProcessGroups } from '../../parsers/proc-pid-stat.ts';

/**
 * Whether perfcell and process `pid` are both in the foreground process group of perfcell's
 * terminal: a Ctrl-C typed there (SIGINT to that group) has reached the process already.
 */
export function sharesForegroundGroup(pid: number, read = (path: string): string => readFileSync(path, 'utf8')): boolean {
  try {
    const own = parseProcessGroups(read('/proc/self/stat'));
    if (own === undefined || own.terminalGroup <= 0 || own.terminalGroup !== own.processGroup) return false;
    return parseProcessGroups(read(`/proc/${pid}/stat`))?.processGroup === own.terminalGroup;
  } catch {
    return false;
  }
}
