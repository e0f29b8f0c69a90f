import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes the folder of an output file (`--html`, `--export-*`, `-o`), as every output flag does:
 * a missing folder is created, never an error of its own.
 */
export function ensureFolderOf(file: string, make: (path: string) => void = (path) => mkdirSync(path)): void {
  // Folder by folder, not mkdirSync's recursive mode: under /proc that mode never returns
  // (Node retries ENOENT forever), and `--html /proc/x/y.html` must fail, not hang.
  const missing: string[] = [];
  for (let folder = dirname(file); !existsSync(folder); folder = dirname(folder)) {
    if (missing.includes(folder) || missing.length > 64) break;
    missing.unshift(folder);
  }
  for (const folder of missing) {
    try {
      make(folder);
    } catch {
      return; // The write that follows names the file and the reason.
    }
  }
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
    throw new Error(`cannot write the HTML report to ${file}: ${reason} (check that the path is a writable file, not a folder)`, { cause: error });
  }
  process.stderr.write(`wrote ${file}\n`);
}
