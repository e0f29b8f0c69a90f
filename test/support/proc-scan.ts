import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Pids whose /proc/PID/FILE (e.g. `cmdline`, `cgroup`) satisfies `matches`; processes that exit meanwhile are skipped. */
export function pidsWhose(file: string, matches: (text: string, pid: number) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (matches(readFileSync(`/proc/${entry}/${file}`, 'utf8'), Number(entry))) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/**
 * The pids of processes of this exact name in session `session` (the one `detached` gives a
 * spawned perfcell): another test file may run the same fixture at the same time.
 */
export function pidsInSession(session: number, name: string): number[] {
  const found = spawnSync('pgrep', ['-s', String(session), '-x', name], { encoding: 'utf8' });
  return found.stdout.split('\n').filter(Boolean).map(Number);
}
