import { constants } from 'node:os';
import { dirname } from 'node:path';
import { makeFolders } from '../make-folders.ts';
import { writeWholeFile } from '../whole-file.ts';

/**
 * Makes the folder of an output file (`--html`, `--export-*`, `-o`), as every output flag does:
 * a missing folder is created, never an error of its own.
 */
export function ensureFolderOf(file: string): void {
  // a folder that cannot be made is said by the write that follows, which names the file and the reason
  makeFolders(dirname(file));
}

/**
 * The code of a failed write (`ENOSPC`), or 'write failed' where it has none. A code libuv does not
 * name is named by its errno: over a disk quota Node 20 says 'Unknown system error -122', not EDQUOT.
 */
export function writeErrorCode(error: unknown): string {
  if (!(error instanceof Error && 'code' in error)) return 'write failed';
  const errno = 'errno' in error && typeof error.errno === 'number' ? -error.errno : null;
  const named = Object.entries(constants.errno).find(([, value]) => value === errno)?.[0];
  return String(error.code).startsWith('Unknown system error') && named !== undefined ? named : String(error.code);
}

/**
 * What to do about an output file's failed write, by its code (writeErrorCode), for every output,
 * the exports too: a full disk or quota needs room, not other permissions; a file it may not
 * write (a folder made read-only during the run) needs permissions, not a file in place of a
 * folder, which is what EISDIR alone means.
 * @example writeErrorFix('ENOSPC') // 'free space on its disk, or give a path on another'
 */
export function writeErrorFix(code: string): string {
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'free space on its disk, or give a path on another'
    : code === 'EISDIR' ? 'check that the path is a writable file, not a folder'
      : 'check the path and its permissions';
}

/**
 * Writes an HTML report for `--html FILE` (making its folder), whole or not at all, and says so on
 * stderr. A path that cannot be written is one line naming the file and the fix.
 */
export function writeHtmlFile(file: string, html: string, write: (path: string, data: string) => void = writeWholeFile): void {
  try {
    if (write === writeWholeFile) ensureFolderOf(file);
    write(file, html);
  } catch (error: unknown) {
    const reason = writeErrorCode(error);
    throw new Error(`cannot write the HTML report to ${file}: ${reason} (${writeErrorFix(reason)})`, { cause: error });
  }
  process.stderr.write(`wrote ${file}\n`);
}
