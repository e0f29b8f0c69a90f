import { writeFileSync } from 'node:fs';

/**
 * Writes an HTML report for `--html FILE` and says so on stderr. A path that cannot be written
 * is one line naming the file and the fix.
 */
export function writeHtmlFile(file: string, html: string, write: (path: string, data: string) => void = writeFileSync): void {
  try {
    write(file, html);
  } catch (error: unknown) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'write failed';
    throw new Error(`cannot write the HTML report to ${file}: ${reason} (check that its folder exists and is writable)`, { cause: error });
  }
  process.stderr.write(`wrote ${file}\n`);
}
