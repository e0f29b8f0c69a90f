import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolders } from '../make-folders.ts';

/**
 * Makes the folder of an output file (`--html`, `--export-*`, `-o`), as every output flag does:
 * a missing folder is created, never an error of its own.
 */
export function ensureFolderOf(file: string): void {
  // a folder that cannot be made is said by the write that follows, which names the file and the reason
  makeFolders(dirname(file));
}

/**
 * Writes an HTML report for `--html FILE` (making its folder) and says so on stderr. A path that
 * cannot be written is one line naming the file and the fix.
 */
export function writeHtmlFile(file: string, html: string, write: (path: string, data: string) => void = writeFileSync): void {
  try {
    if (write === writeFileSync) ensureFolderOf(file);
    write(file, html);
  } catch (error: unknown) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'write failed';
    // a full disk needs room, not another path kind (as writeOutput says for the exports); a file
    // it may not write (a folder made read-only during the run) needs permissions, not a file in
    // place of a folder, which is what EISDIR alone means
    const fix = reason === 'ENOSPC' || reason === 'EDQUOT' ? 'free space on its disk, or give a path on another'
      : reason === 'EISDIR' ? 'check that the path is a writable file, not a folder'
        : 'check the path and its permissions';
    throw new Error(`cannot write the HTML report to ${file}: ${reason} (${fix})`, { cause: error });
  }
  process.stderr.write(`wrote ${file}\n`);
}
