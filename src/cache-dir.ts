import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** perfcell's cache folder: binaries compiled on first use, V8 code caches, the default-events probe. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'perfcell');
}

/**
 * Makes a folder of the cache (and its missing parents); false when it cannot be made. The cache
 * only saves work (a probe, a compile, V8's parse), so its callers go on without it.
 *
 * Folder by folder, not mkdirSync's recursive mode: under /proc (`XDG_CACHE_HOME=/proc/x`) mkdir
 * fails with ENOENT although the parent exists, and Node's recursive mode retries that forever.
 * @example makeCacheFolder('/proc/x/perfcell') // → false, at once
 */
export function makeCacheFolder(folder: string, make: (path: string) => void = (path) => mkdirSync(path)): boolean {
  const missing: string[] = [];
  for (let current = folder; !isFolder(current); current = dirname(current)) {
    if (missing.includes(current) || missing.length > 64) return false;
    missing.unshift(current);
  }
  for (const path of missing) {
    try {
      make(path);
    } catch (error: unknown) {
      // another perfcell made it first
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isFolder(path)) return false;
    }
  }
  return true;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
