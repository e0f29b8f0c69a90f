// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { promises as fsPromises, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A temporary folder that takes a file but not its bytes. A full tmpfs still has inodes, so
 * open() and mkdtemp() succeed there and only the writes fail (ENOSPC): perf's output file
 * opened in a full TMPDIR, perf's lines went nowhere, and what followed read as a perf that hung
 * or a cell's stray process. Writers of temporary files probe with a write and say this instead.
 */

/** Errno codes that mean the folder has no room (or no writes) for a file's bytes. */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** The errno code of a failed write where it means the folder has no room, else null. */
export function noRoomCode(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && NO_ROOM.has(code) ? code : null;
}

/** Errno codes of a folder that is not there to take a file: missing, not a folder, not this user's to write. */
const NO_FOLDER = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM']);

/**
 * The errno code of a failed mkdtemp() in `parent` where it means the folder takes no file at all
 * (TMPDIR=/nonexistent), else null: mkdtemp's own 'ENOENT: no such file or directory, mkdtemp …'
 * named neither TMPDIR nor a fix. noRoomText and noRoomFix word it.
 */
export function noFolderCode(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && NO_FOLDER.has(code) ? code : null;
}

/**
 * What a temporary folder lacks, naming it (TMPDIR by name where it is os.tmpdir()); noRoomFix says what to do.
 * @example noRoomText('/tmp/tiny', 'ENOSPC') // 'TMPDIR (/tmp/tiny) is full (ENOSPC)'
 */
export function noRoomText(folder: string, code: string, temporary: string = tmpdir()): string {
  const named = folder === temporary ? `TMPDIR (${folder})` : folder;
  if (!NO_ROOM.has(code)) return `${named} takes no file (${code})`;
  const what = code === 'EROFS' ? 'read-only' : code === 'EDQUOT' ? 'over its quota' : 'full';
  return `${named} is ${what} (${code})`;
}

/** The fix for noRoomText's folder. */
export function noRoomFix(code: string): string {
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'free space there, or point TMPDIR at a folder with room' : 'point TMPDIR at a folder that can be written';
}

/** A page: what a file's first write needs, and what a folder with no room refuses. */
const PAGE = Buffer.alloc(4096);

/**
 * Writes a page to the open file `fd`, throwing the write's error (ENOSPC for a short write: a
 * folder with less than a page left) where its folder has no room for it.
 */
export function writePage(fd: number): void {
  if (writeSync(fd, PAGE) < PAGE.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
}

/**
 * Throws the write's error where `folder` takes no page (a full tmpfs lets mkdtemp() and open()
 * through, and fails the writes of the program that writes there next).
 */
export async function probeRoom(folder: string): Promise<void> {
  const path = join(folder, '.perfcell-room');
  try {
    await fsPromises.writeFile(path, PAGE);
  } finally {
    await fsPromises.rm(path, { force: true });
  }
}
