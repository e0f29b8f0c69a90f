import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes a folder and its missing parents; false when it cannot be made. Output files (`--html`,
 * `--export-*`, `-o`) and the cache (which only saves work, so its callers go on without it) make
 * their folders with it.
 *
 * Folder by folder, not mkdirSync's recursive mode: under /proc (`XDG_CACHE_HOME=/proc/x`,
 * `--html /proc/x/y.html`) mkdir fails with ENOENT although the parent exists, and Node's
 * recursive mode retries that forever.
 * @example makeFolders('/proc/x/perfcell') // → false, at once
 */
export function makeFolders(folder: string, make: (path: string) => void = (path) => mkdirSync(path)): boolean {
  const missing: string[] = [];
  for (let current = folder; !isFolder(current); current = dirname(current)) {
    if (missing.includes(current) || missing.length > 64) return false;
    missing.unshift(current);
  }
  for (const path of missing) {
    try {
      make(path);
    } catch (error: unknown) {
      // another process made it first
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isFolder(path)) return false;
    }
  }
  return true;
}

/** Whether `path` is a folder (following links); false where nothing, or something else, is there. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
