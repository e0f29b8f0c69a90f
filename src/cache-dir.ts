import { homedir } from 'node:os';
import { join } from 'node:path';

/** perfcell's cache folder: binaries compiled on first use, V8 code caches, the default-events probe. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'perfcell');
}
