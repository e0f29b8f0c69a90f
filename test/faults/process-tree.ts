import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc/PID/stat shows it; `startTicks` tells a pid apart from a later reuse. */
interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  readonly state: string;
  readonly startTicks: string;
  readonly command: string;
}

function readEntry(pid: number): ProcessEntry | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      // gone meanwhile
    }
    return { pid, parent: Number(fields[1]), state: fields[0] ?? '?', startTicks: fields[19] ?? '', command };
  } catch {
    return null;
  }
}

function allEntries(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(Number(name));
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

/**
 * Watches the process tree under `root` (the spawned perfcell) while it runs, every `everyMs`,
 * and remembers every descendant seen: the gate, the program, its children, perf. Checked by pid
 * (and start time, against pid reuse), never by name, so other people's processes on a shared
 * machine never count.
 */
export function watchDescendants(root: number, everyMs = 20): { readonly seen: Map<number, ProcessEntry>; stop(): void; poll(): void } {
  const seen = new Map<number, ProcessEntry>();
  const poll = (): void => {
    const entries = allEntries();
    const children = new Map<number, ProcessEntry[]>();
    for (const entry of entries) children.set(entry.parent, [...(children.get(entry.parent) ?? []), entry]);
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      for (const child of children.get(pid) ?? []) {
        // Updated each time: the held child is perfcell-exec until its exec, then the program.
        seen.set(child.pid, child);
        queue.push(child.pid);
      }
    }
  };
  poll();
  const timer = setInterval(poll, everyMs);
  return { seen, poll, stop: () => clearInterval(timer) };
}

/** The descendants seen that are still alive (not zombies) as the same process, after waiting up to `graceMs`. */
export async function survivors(seen: ReadonlyMap<number, ProcessEntry>, graceMs = 2000): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const alive = [...seen.values()].filter((entry) => {
      const now = readEntry(entry.pid);
      return now !== null && now.startTicks === entry.startTicks && now.state !== 'Z';
    });
    if (alive.length === 0 || Date.now() >= deadline) return alive.map((entry) => `${entry.pid} ${entry.command}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a descendant running exactly `command` (argv joined by spaces) has been seen. */
export function hasSeen(seen: ReadonlyMap<number, ProcessEntry>, command: string): boolean {
  return [...seen.values()].some((entry) => entry.command === command);
}
