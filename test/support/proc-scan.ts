import { readdirSync, readFileSync } from 'node:fs';

/** Pids whose /proc/PID/FILE (e.g. `cmdline`, `cgroup`) satisfies `matches`; processes that exit meanwhile are skipped. */
export function pidsWhose(file: string, matches: (text: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (matches(readFileSync(`/proc/${entry}/${file}`, 'utf8'))) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}
