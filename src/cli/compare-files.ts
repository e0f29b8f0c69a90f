// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { existsSync, promises as fsPromises } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../errors.ts';
import { ensureFolderOf, writeErrorCode, writeErrorFix } from './html-file.ts';
import { parseCompareDocument, type CompareDocument } from '../experiment/compare-document.ts';
import { writeWholeFileAsync } from '../whole-file.ts';

/** Where `--save NAME` writes, relative to the working directory (git-ignored). */
export const SAVE_DIR = '.perfcell';

/** `.perfcell/NAME.json`; a NAME with a slash or odd characters is refused. */
export function savePath(name: string, cwd = process.cwd()): string {
  if (!/^[\w][\w.-]*$/.test(name)) throw new UsageError(`cannot save as '${name}' (use letters, digits, '.', '-' and '_', e.g. --save before-fix)`);
  return join(cwd, SAVE_DIR, `${name}.json`);
}

/**
 * A baseline given as the NAME of an earlier --save, or as a path. The save comes first: --save
 * NAME says to compare with it by `--baseline NAME`, which a file or folder of that name in the
 * working directory (a `build` folder) had taken instead (EISDIR, or "is not JSON").
 */
export async function loadBaseline(fileOrName: string, cwd = process.cwd()): Promise<{ path: string; document: CompareDocument }> {
  const candidates = [...(/^[\w][\w.-]*$/.test(fileOrName) ? [join(cwd, SAVE_DIR, `${fileOrName}.json`)] : []), fileOrName];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined) throw new UsageError(`no saved comparison at ${fileOrName} (save one first with --save NAME, then pass --baseline NAME)`);
  let text: string;
  try {
    text = await fsPromises.readFile(path, 'utf8');
  } catch (error: unknown) {
    const what = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a folder' : `cannot be read (${(error as Error).message})`;
    throw new UsageError(`${path} ${what}, not a saved comparison (pass a file written by perfcell compare --save or --export-json)`);
  }
  return { path, document: parseCompareDocument(text, path) };
}

/**
 * What `--save` replaces at `path`: `the comparison saved there at 2026-12-03T06:25:00.000Z` (its
 * createdAt), `a file` when it is no comparison perfcell can read, null when nothing is there.
 */
export async function replacedSave(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await fsPromises.readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return `the comparison saved there at ${parseCompareDocument(text, path).createdAt}`;
  } catch {
    return 'a file that was there';
  }
}

/** Writes text to a file, making its folder; the message names the file and the fix. */
export async function writeOutput(path: string, text: string): Promise<void> {
  try {
    ensureFolderOf(path);
    await writeWholeFileAsync(path, text);
  } catch (error: unknown) {
    const code = writeErrorCode(error);
    // a code libuv leaves unnamed (EDQUOT) is said by its name, as run's outputs say it: Node's
    // message for it was 'Unknown system error -122: Unknown system error -122, open …'
    const reason = code === (error as NodeJS.ErrnoException).code ? (error as Error).message : code;
    throw new UsageError(`cannot write ${path}: ${reason} (${writeErrorFix(code)})`);
  }
}

/** A path as short as it can be said: relative to cwd when inside it. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const inside = relative(cwd, path);
  return inside.startsWith('..') || inside === '' ? path : inside;
}
