import { accessSync, constants } from 'node:fs';

/**
 * Whether this process may write `path`: a file's contents, or (`isFolder`) new files in a folder,
 * which takes write and search permission. Output paths are checked with it before a comparison
 * runs (cli/output-paths.ts), and the cache folder when a native helper fails to compile there.
 * @example isWritable('/tmp', true) // true
 */
export function isWritable(path: string, isFolder: boolean): boolean {
  try {
    accessSync(path, isFolder ? constants.W_OK | constants.X_OK : constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
