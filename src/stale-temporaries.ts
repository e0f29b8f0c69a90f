import { lstatSync, promises as fsPromises, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isPerfcellGone, readPidNamespace } from './proc/gone-perfcell.ts';

// The hidden temporaries (.NAME.perfcell-NS-PID-RANDOM, whole-file.ts) that perfcells killed
// between an output's write and its rename left beside it, removed at the next write of NAME.

/**
 * The names among `names` (a folder's) that are a gone perfcell's temporary for file `base`:
 * .BASE.perfcell-NS-PID-RANDOM of this pid namespace whose PID no longer runs (a perfcell killed
 * by SIGKILL between its write and its rename left it for good). A live writer's is not, nor one
 * of another namespace (a container's perfcell writing to the same folder, whose pid this /proc
 * cannot see), nor one named without a namespace (.BASE.perfcell-PID-RANDOM, before names carried
 * it), which may be such a container's too.
 * @example staleTemporaries(['.r.txt.perfcell-4026531836-7-k3j5x9', 'r.txt'], 'r.txt', '4026531836', () => false) // ['.r.txt.perfcell-4026531836-7-k3j5x9']
 */
export function staleTemporaries(names: readonly string[], base: string, namespace: string | null, isRunning?: (pid: number) => boolean): string[] {
  const prefix = `.${base}.perfcell-`;
  return names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const match = /^(\d+)-(\d+)-[a-z0-9]+$/.exec(name.slice(prefix.length));
    return match !== null && isPerfcellGone({ namespace: match[1]!, pid: Number(match[2]) }, namespace, isRunning);
  });
}

/**
 * Removes, among a folder's `names`, the temporaries beside `target` that gone perfcells left
 * (staleTemporaries): plain files alone, as perfcell makes them ('wx'); a link or folder of that
 * name is the user's and stays (a link was unlinked).
 */
function removeAmong(target: string, names: readonly string[]): void {
  for (const name of staleTemporaries(names, basename(target), readPidNamespace())) {
    const path = join(dirname(target), name);
    if (isPlainFile(path)) removeQuietly(path);
  }
}

function isPlainFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    // already gone
    return false;
  }
}

/**
 * The largest folder, by its own size (stat's st_size: some 20-40 bytes a name on ext4, tmpfs and
 * btrfs), whose names a write lists to find a gone perfcell's temporaries: some 10,000 names. A
 * larger one is not listed and keeps them (remove them by hand): listing 100,000 names cost every
 * `run -o` into that folder a median 85 ms on top of its 127 ms (BENCHMARKS.md), for temporaries
 * only a SIGKILL at the rename leaves. A folder whose size says nothing (0) is listed.
 */
export const LISTED_FOLDER_MAX_BYTES = 256 * 1024;

/** Whether a folder of `sizeBytes` (its st_size) is small enough to list for temporaries (LISTED_FOLDER_MAX_BYTES). */
export function isListedFolder(sizeBytes: number): boolean {
  return sizeBytes <= LISTED_FOLDER_MAX_BYTES;
}

function listQuietly(folder: string): string[] {
  try {
    return isListedFolder(statSync(folder).size) ? readdirSync(folder) : [];
  } catch {
    // a folder this process may not list: its own write says what is wrong, if anything
    return [];
  }
}

async function listQuietlyAsync(folder: string): Promise<string[]> {
  try {
    return isListedFolder((await fsPromises.stat(folder)).size) ? await fsPromises.readdir(folder) : [];
  } catch {
    // as listQuietly
    return [];
  }
}

/** Removes the temporaries beside `target` that gone perfcells left, where its folder is small enough to list. */
export function removeStaleTemporaries(target: string): void {
  removeAmong(target, listQuietly(dirname(target)));
}

/** removeStaleTemporaries, the folder listed without blocking (whole-file.ts's async writer keeps signals handled). */
export async function removeStaleTemporariesAsync(target: string): Promise<void> {
  removeAmong(target, await listQuietlyAsync(dirname(target)));
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
