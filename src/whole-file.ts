import { accessSync, closeSync, constants, fchmodSync, fchownSync, lstatSync, openSync, promises as fsPromises, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isPerfcellGone, readPidNamespace } from './proc/gone-perfcell.ts';

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
 * NAME can tell a killed writer's leftover (staleTemporaries); .NAME.perfcell-PID-RANDOM where the
 * namespace is unknown, which no write removes. Not node:crypto, which run's start-up does not load.
 */
function temporaryBeside(path: string): string {
  const namespace = readPidNamespace();
  const owner = namespace === null ? `${process.pid}` : `${namespace}-${process.pid}`;
  return join(dirname(path), `.${basename(path)}.perfcell-${owner}-${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * The names among `names` (a folder's) that are a gone perfcell's temporary for file `base`:
 * .BASE.perfcell-NS-PID-RANDOM of this pid namespace whose PID no longer runs (a perfcell killed
 * by SIGKILL between its write and its rename left it for good). A live writer's is not, nor one
 * of another namespace (a container's perfcell writing to the same folder, whose pid this /proc
 * cannot see), nor one named without a namespace (.BASE.perfcell-PID-RANDOM, before names carried
 * it), which may be such a container's too.
 * @example staleTemporaries(['.r.txt.perfcell-4026531836-7-k3j5x9', 'r.txt'], 'r.txt', '4026531836', () => false) // ['.r.txt.perfcell-4026531836-7-k3j5x9']
 */
export function staleTemporaries(names: readonly string[], base: string, namespace: string | null, isRunning?: (pid: number) => boolean): string[] {
  const prefix = `.${base}.perfcell-`;
  return names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const match = /^(\d+)-(\d+)-[a-z0-9]+$/.exec(name.slice(prefix.length));
    return match !== null && isPerfcellGone({ namespace: match[1]!, pid: Number(match[2]) }, namespace, isRunning);
  });
}

/**
 * Removes the temporaries beside `target` that gone perfcells left (staleTemporaries): plain files
 * alone, as perfcell makes them ('wx'); a link or folder of that name is the user's and stays (a
 * link was unlinked).
 */
function removeStaleTemporaries(target: string, names: readonly string[]): void {
  for (const name of staleTemporaries(names, basename(target), readPidNamespace())) {
    const path = join(dirname(target), name);
    if (isPlainFile(path)) removeQuietly(path);
  }
}

function isPlainFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    // already gone
    return false;
  }
}

/**
 * The largest folder, by its own size (stat's st_size: some 20-40 bytes a name on ext4, tmpfs and
 * btrfs), whose names a write lists to find a gone perfcell's temporaries: some 10,000 names. A
 * larger one is not listed and keeps them (remove them by hand): listing 100,000 names cost every
 * `run -o` into that folder a median 85 ms on top of its 127 ms (BENCHMARKS.md), for temporaries
 * only a SIGKILL at the rename leaves. A folder whose size says nothing (0) is listed.
 */
export const LISTED_FOLDER_MAX_BYTES = 256 * 1024;

/** Whether a folder of `sizeBytes` (its st_size) is small enough to list for temporaries (LISTED_FOLDER_MAX_BYTES). */
export function isListedFolder(sizeBytes: number): boolean {
  return sizeBytes <= LISTED_FOLDER_MAX_BYTES;
}

function listQuietly(folder: string): string[] {
  try {
    return isListedFolder(statSync(folder).size) ? readdirSync(folder) : [];
  } catch {
    // a folder this process may not list: its own write says what is wrong, if anything
    return [];
  }
}

async function listQuietlyAsync(folder: string): Promise<string[]> {
  try {
    return isListedFolder((await fsPromises.stat(folder)).size) ? await fsPromises.readdir(folder) : [];
  } catch {
    // as listQuietly
    return [];
  }
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
 * temporaries beside the file that killed perfcells left are removed first (staleTemporaries),
 * where the folder is not too large to list (LISTED_FOLDER_MAX_BYTES).
 * @example writeWholeFile('out/report.html', html)
 */
export function writeWholeFile(path: string, text: string): void {
  const plan = planOf(path);
  if (plan.direct) {
    writeFileSync(path, text);
    return;
  }
  removeStaleTemporaries(plan.target, listQuietly(dirname(plan.target)));
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
  removeStaleTemporaries(plan.target, await listQuietlyAsync(dirname(plan.target)));
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
