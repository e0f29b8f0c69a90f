import { readdirSync, readFileSync } from 'node:fs';

/** One process as the tree sum needs it: its parent and its RSS. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly rssBytes: number;
}

const PAGE_BYTES = 4096;

/**
 * ppid and RSS out of /proc/PID/stat (fields 4 and 24; RSS in pages); undefined for text that is
 * not a stat line.
 * @example parseStatEntry('42 (a) b) S 7 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 1000 250') // { pid: 42, ppid: 7, rssBytes: 1024000 }
 */
export function parseStatEntry(text: string, pageBytes = PAGE_BYTES): ProcessEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, rss field 24.
  const ppid = Number(rest[1]);
  const rssPages = Number(rest[21]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(rssPages)) return undefined;
  return { pid, ppid, rssBytes: rssPages * pageBytes };
}

/**
 * Total RSS of `rootPid` and all its descendants. Pages shared between them (a forked child's
 * copy-on-write memory, shared libraries) are counted once per process, as `ps` does.
 */
export function sumTreeRss(entries: readonly ProcessEntry[], rootPid: number): number {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of entries) {
    const siblings = children.get(entry.ppid);
    if (siblings === undefined) children.set(entry.ppid, [entry]);
    else siblings.push(entry);
  }
  let total = 0;
  const root = entries.find((entry) => entry.pid === rootPid);
  const queue = root === undefined ? [] : [root];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const entry = queue.pop();
    if (entry === undefined || seen.has(entry.pid)) continue;
    seen.add(entry.pid);
    total += entry.rssBytes;
    queue.push(...(children.get(entry.pid) ?? []));
  }
  return total;
}

/**
 * Every process's ppid and RSS, scanning /proc (this kernel may lack /proc/PID/task/TID/children).
 * A scan reads one small file per process: the fallback when no memory cgroup can be made.
 */
export function readProcessEntries(listDir: () => string[] = () => readdirSync('/proc'), read: (path: string) => string = (path) => readFileSync(path, 'utf8')): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of listDir()) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const entry = parseStatEntry(read(`/proc/${name}/stat`));
      if (entry !== undefined) entries.push(entry);
    } catch {
      // exited between the listing and the read
    }
  }
  return entries;
}

/** RSS of a process tree now, bytes; 0 once the root is gone. */
export function readTreeRssBytes(rootPid: number): number {
  return sumTreeRss(readProcessEntries(), rootPid);
}
