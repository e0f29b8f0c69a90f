import { accessSync, closeSync, constants, fchmodSync, fchownSync, lstatSync, openSync, promises as fsPromises, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readPidNamespace } from './proc/gone-perfcell.ts';
import { removeStaleTemporaries, removeStaleTemporariesAsync } from './stale-temporaries.ts';

/**
 * How a file is written whole: `direct` where it cannot be renamed over (a device such as
 * /dev/stdout or /dev/full, a FIFO, a file with other names, one this process may not write, a
 * link to nowhere), else the file to replace and the mode and owner its replacement keeps.
 */
type WholeFilePlan =
  | { readonly direct: true }
  | { readonly direct: false; readonly target: string; readonly temporary: string; readonly mode: number; readonly owner: { uid: number; gid: number } | null };

function planOf(path: string): WholeFilePlan {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    // a link to nowhere is written through, as before; else nothing is there: a new file
    return isLink(path) ? { direct: true } : { direct: false, target: path, temporary: temporaryBeside(path), mode: 0o666, owner: null };
  }
  if (!stat.isFile() || stat.nlink > 1) return { direct: true };
  try {
    accessSync(path, constants.W_OK);
  } catch {
    // refused as writeFileSync refuses it (root may write any file; the rename would replace a read-only one)
    return { direct: true };
  }
  // another owner's file, which this user may write but could not give back to its owner: written
  // in place, as an editor writes it, where the replacement was this user's (a 0666 file of root's
  // in a folder anyone may write became nobody's)
  if (!canKeepOwner(stat)) return { direct: true };
  // a link to the file: the file is replaced, the link kept
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return { direct: true };
  }
  return { direct: false, target, temporary: temporaryBeside(target), mode: stat.mode & 0o7777, owner: { uid: stat.uid, gid: stat.gid } };
}

/** Whether a replacement may be given the file's owner and group: root's may; another user's only its own uid and one of its groups. */
function canKeepOwner(stat: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0) return true;
  return stat.uid === uid && (stat.gid === process.getegid?.() || (process.getgroups?.() ?? []).includes(stat.gid));
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    // nothing there, or a path that cannot be reached: the write says why
    return false;
  }
}

/**
 * A hidden name beside `path` no other writer takes ('wx' refuses one that exists):
 * .NAME.perfcell-NS-PID-RANDOM, this perfcell's pid namespace and pid, so that a later write of
 * NAME can tell a killed writer's leftover (stale-temporaries.ts); .NAME.perfcell-PID-RANDOM where the
 * namespace is unknown, which no write removes. Not node:crypto, which run's start-up does not load.
 */
function temporaryBeside(path: string): string {
  const namespace = readPidNamespace();
  const owner = namespace === null ? `${process.pid}` : `${namespace}-${process.pid}`;
  return join(dirname(path), `.${basename(path)}.perfcell-${owner}-${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * Whether making the new file, or renaming it over the old, was refused where a write in place may
 * not be: a folder this process may not create files in holds a file it may write, a sticky
 * folder (/tmp) lets only a file's owner replace it (EPERM), not those its mode lets write it, and
 * a file bind-mounted over the path (a container's `-v ./report.txt:/out/report.txt`) is a mount
 * point no rename may replace (EBUSY).
 */
function isFolderRefusal(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENAMETOOLONG' || code === 'EBUSY';
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Writes `text` to `path` whole or not at all: into a new file beside it, renamed over it once
 * every byte is in, so a full disk (ENOSPC) leaves the earlier file, or none, never a cut one
 * that looks complete (a --save the next --baseline reads, a notebook `cells --write` rewrites).
 * A path that cannot be renamed over (a device, a FIFO, a file with hard links, a mount point) is
 * written directly. A failure throws the write's own error, the partial file removed. The
 * temporaries beside the file that killed perfcells left are removed first (stale-temporaries.ts).
 * @example writeWholeFile('out/report.html', html)
 */
export function writeWholeFile(path: string, text: string): void {
  const plan = planOf(path);
  if (plan.direct) {
    writeFileSync(path, text);
    return;
  }
  removeStaleTemporaries(plan.target);
  let fd: number;
  try {
    fd = openSync(plan.temporary, 'wx', plan.mode);
  } catch (error: unknown) {
    if (!isFolderRefusal(error)) throw error;
    writeFileSync(path, text);
    return;
  }
  try {
    try {
      writeFileSync(fd, text);
      keepOwnerAndMode(fd, plan);
    } finally {
      closeSync(fd);
    }
  } catch (error: unknown) {
    removeQuietly(plan.temporary);
    throw error;
  }
  try {
    renameSync(plan.temporary, plan.target);
  } catch (error: unknown) {
    removeQuietly(plan.temporary);
    if (!isFolderRefusal(error)) throw error;
    writeFileSync(path, text);
  }
}

/** writeWholeFile off the event loop: a signal is handled while a slow disk or a FIFO's reader takes the text. */
export async function writeWholeFileAsync(path: string, text: string): Promise<void> {
  const plan = planOf(path);
  if (plan.direct) {
    await fsPromises.writeFile(path, text);
    return;
  }
  await removeStaleTemporariesAsync(plan.target);
  let handle: fsPromises.FileHandle;
  try {
    handle = await fsPromises.open(plan.temporary, 'wx', plan.mode);
  } catch (error: unknown) {
    if (!isFolderRefusal(error)) throw error;
    await fsPromises.writeFile(path, text);
    return;
  }
  try {
    try {
      await handle.writeFile(text);
      keepOwnerAndMode(handle.fd, plan);
    } finally {
      await handle.close();
    }
  } catch (error: unknown) {
    removeQuietly(plan.temporary);
    throw error;
  }
  try {
    await fsPromises.rename(plan.temporary, plan.target);
  } catch (error: unknown) {
    removeQuietly(plan.temporary);
    if (!isFolderRefusal(error)) throw error;
    await fsPromises.writeFile(path, text);
  }
}

/** The replacement keeps the replaced file's mode (open's is cut by the umask) and, where allowed, its owner. */
function keepOwnerAndMode(fd: number, plan: Extract<WholeFilePlan, { direct: false }>): void {
  if (plan.owner === null) return;
  try {
    fchmodSync(fd, plan.mode);
    if (plan.owner.uid !== process.getuid?.() || plan.owner.gid !== process.getgid?.()) fchownSync(fd, plan.owner.uid, plan.owner.gid);
  } catch {
    // a file system that keeps no owners or modes (vfat): the replacement is as a new file would be
  }
}
