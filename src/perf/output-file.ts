import { closeSync, constants, existsSync, ftruncateSync, openSync, readSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { PerfError } from '../errors.ts';
import { noRoomCode, noRoomFix, noRoomText, writePage } from '../temp-room.ts';

/**
 * A file perf writes its interval lines to, read back as it grows.
 *
 * perf's stderr as a pipe (a socket pair, as Node makes them) holds a few dozen of perf's writes:
 * while a synchronous command blocks this process's event loop, nobody reads it, perf blocks in
 * its write after a few intervals, and every later interval comes out as one late sample (a 3 s
 * cell showed 20 samples of 100 ms and one of 1 s). A file never blocks perf; inotify tells us it
 * grew, as readable data on a pipe would, and what piled up is read once the loop is free.
 *
 * The file has no name (O_TMPFILE, or unlinked as soon as it is open; perf gets the descriptor), so
 * nothing is left behind, even by a perfcell that is killed. It is opened for appending, so it can be emptied
 * between windows while perf keeps writing (a shared perf: shared-perf.ts).
 */
export interface PerfOutputFile {
  /** The descriptor to give perf as its stderr. */
  readonly fd: number;
  /** What perf has written, in order, as text (with `watch`: fed on each inotify event). */
  readonly stream: Readable;
  /** Reads what is there now into the stream. */
  readNow(): void;
  /** The text written since the last read (for callers that read on demand, without the stream). */
  readText(): string;
  /** Bytes read since the file was opened or last emptied. */
  readonly readBytes: number;
  /**
   * `true`: inotify's wake-ups read nothing (perf's lines wait in the file); `false`: reads what
   * waited, and every wake-up reads again. A window that counts this process defers while it is
   * open: reading perf's line each interval is this process's own work, and perf counted it in the
   * window (an `await` of 1 s read 9-15 ms of task-clock at -I 100, 4-5 at -I 1000).
   */
  defer(on: boolean): void;
  /** Empties the file: what perf writes next starts it again. */
  truncate(): void;
  /** perf has exited: reads the rest and ends the stream. */
  finish(): void;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * tmpfs where there is one (the file never touches a disk), else the temporary directory; `onDisk`
 * the other way round: a file that may grow large (a ticking perf writes some 55-110 KB/s during a
 * long window) belongs in the page cache, which the kernel can write out and reclaim, not in tmpfs RAM.
 */
function outputDirectories(onDisk: boolean): string[] {
  const shm = existsSync('/dev/shm') ? ['/dev/shm'] : [];
  return onDisk ? [tmpdir(), ...shm] : [...shm, tmpdir()];
}

let sequence = 0;


/** Where a folder took no file, and why (an errno code), for the message that names the fix. */
export interface RefusedFolder {
  readonly folder: string;
  readonly code: string;
}

/**
 * O_TMPFILE (Linux 3.11; tmpfs, ext4, xfs, btrfs): a file without a name, so none is left behind
 * even by a perfcell killed while it makes one. Node names no constant for it; its bit is the
 * same on every Linux Node runs on, where O_DIRECTORY's differs (arm: 040000), hence the sum.
 */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

/**
 * The errno codes of a file system that takes no O_TMPFILE: EOPNOTSUPP, which Node names ENOTSUP
 * (the same number on Linux: NFS, 9p, FUSE without it, /proc), and a kernel before it (EISDIR, EINVAL).
 * Only 'EOPNOTSUPP' had been looked for: such a TMPDIR was passed over for /dev/shm, and without
 * that, cells ended with 'error: EROFS: read-only file system, open '/dev/shm''.
 */
const NO_TMPFILE = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EINVAL']);

/**
 * An open file in `directory` that has no name there: O_TMPFILE's, or where the file system takes
 * none, a named file unlinked at once, before the page written to check the folder's room (a
 * write to a disk) and the watch: a perfcell killed in between left perfcell-PID-….perf in TMPDIR
 * (SIGKILL, or a Ctrl-C in cells' first 0.1 s, before perfcell's handlers). `open` makes the
 * O_TMPFILE one, from the folder and the flags (a test's may ask a file system that refuses it).
 */
export function openNameless(directory: string, open: (folder: string, flags: number) => number = (folder, flags) => openSync(folder, flags, 0o600)): number {
  try {
    return open(directory, O_TMPFILE | constants.O_RDWR | constants.O_APPEND);
  } catch (error: unknown) {
    // a folder that refuses files altogether refuses the named one too, which says why
    const code = (error as NodeJS.ErrnoException).code;
    if (!NO_TMPFILE.has(code ?? '')) throw error;
  }
  const path = join(directory, `perfcell-${process.pid}-${Date.now()}-${sequence++}.perf`);
  const fd = openSync(path, 'a+', 0o600);
  unlinkSync(path);
  return fd;
}

/** An open, nameless file in the first directory that takes one and its bytes, watched if asked; throws where none does. */
function openUnlinked(watching: boolean, onDisk: boolean, onChange: () => void): { fd: number; watcher: FSWatcher | null } {
  let failure: unknown = null;
  const refused: RefusedFolder[] = [];
  for (const directory of outputDirectories(onDisk)) {
    let fd: number | null = null;
    try {
      fd = openNameless(directory);
      // a full tmpfs (or disk) still opens a file, having inodes left, and fails only perf's writes,
      // which then look like a perf that never answers
      writePage(fd);
      ftruncateSync(fd, 0);
      // the file has no name: watched through this process's descriptor of it
      const watcher = watching ? watch(`/proc/self/fd/${fd}`, { persistent: false }, onChange) : null;
      watcher?.on('error', () => undefined);
      return { fd, watcher };
    } catch (error: unknown) {
      failure = error;
      const code = noRoomCode(error);
      if (code !== null) refused.push({ folder: directory, code });
      if (fd !== null) closeSync(fd);
    }
  }
  // every folder was full: a PerfError, so that the command goes on without counters and says why
  if (refused.length > 0 && refused.length === outputDirectories(onDisk).length) throw noRoomError(refused);
  throw failure;
}

/**
 * perf's output has nowhere to go: the message names each folder and the fix.
 * @example noRoomError([{ folder: '/tmp/tiny', code: 'ENOSPC' }, { folder: '/dev/shm', code: 'ENOSPC' }]).message
 * // "no room for perf's counts: TMPDIR (/tmp/tiny) is full (ENOSPC), and so is /dev/shm (free space there, or point TMPDIR at a folder with room)"
 */
export function noRoomError(refused: readonly RefusedFolder[], temporary: string = tmpdir()): PerfError {
  const first = refused.find((entry) => entry.folder === temporary) ?? (refused[0] as RefusedFolder);
  const others = refused.filter((entry) => entry !== first).map((entry) => entry.folder);
  const also = others.length === 0 ? '' : `, and so is ${others.join(' and ')}`;
  return new PerfError('PERF_NO_ROOM', `no room for perf's counts: ${noRoomText(first.folder, first.code, temporary)}${also} (${noRoomFix(first.code)})`);
}

/**
 * Where perf's output file goes (`onDisk`, as a shared perf's), or why none can be made there: for
 * doctor. `refused` lists the folders passed over on the way, TMPDIR when it is full.
 */
export function probePerfOutputFolder(onDisk = true): { readonly folder: string | null; readonly refused: readonly RefusedFolder[] } {
  const refused: RefusedFolder[] = [];
  for (const folder of outputDirectories(onDisk)) {
    const path = join(folder, `perfcell-${process.pid}-${Date.now()}-${sequence++}.probe`);
    let fd: number | null = null;
    try {
      fd = openSync(path, 'a+', 0o600);
      writePage(fd);
      return { folder, refused };
    } catch (error: unknown) {
      const code = noRoomCode(error) ?? (error as NodeJS.ErrnoException).code ?? 'EIO';
      refused.push({ folder, code });
    } finally {
      if (fd !== null) {
        closeSync(fd);
        unlinkSync(path);
      }
    }
  }
  return { folder: null, refused };
}

/**
 * `watch: false`: no inotify (its wake-ups would land inside the windows a shared perf counts);
 * read with readText(). `onDisk`: in the temporary directory first (see outputDirectories).
 * Throws where no file can be made or watched (callers fall back to a pipe), a PerfError
 * (PERF_NO_ROOM) where every folder is full.
 */
export function createPerfOutputFile({ watch: watching = true, onDisk = false }: { watch?: boolean; onDisk?: boolean } = {}): PerfOutputFile {
  let deferred = false;
  const onChange = (): void => {
    if (!deferred) readNow();
  };
  const opened = openUnlinked(watching, onDisk, onChange);
  const { fd } = opened;
  let watcher = opened.watcher;
  /** The watch can be made again on the open file itself (/proc/self/fd: the file is unlinked), so defer() may drop it. */
  const canWatchAgain = watcher !== null && existsSync(`/proc/self/fd/${fd}`);
  let offset = 0;
  let ended = false;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  const stream = new Readable({ read() {}, encoding: 'utf8' });

  function readText(): string {
    if (ended) return '';
    let text = '';
    for (;;) {
      const bytes = readSync(fd, buffer, 0, CHUNK_BYTES, offset);
      if (bytes <= 0) return text;
      offset += bytes;
      text += decoder.write(buffer.subarray(0, bytes));
    }
  }

  function readNow(): void {
    const text = readText();
    if (text !== '') stream.push(text);
  }

  return {
    fd,
    stream,
    readNow,
    readText,
    get readBytes() {
      return offset;
    },
    defer(on) {
      if (ended || on === deferred) return;
      deferred = on;
      if (on) {
        // no wake-ups at all while deferred: the watch goes, and comes back on the open file
        // itself; where that cannot be, wake-ups read nothing
        if (watcher !== null && canWatchAgain) {
          watcher.close();
          watcher = null;
        }
        return;
      }
      if (canWatchAgain && watcher === null) {
        try {
          watcher = watch(`/proc/self/fd/${fd}`, { persistent: false }, onChange);
          watcher.on('error', () => undefined);
        } catch {
          watcher = null;
        }
      }
      readNow();
    },
    truncate() {
      if (ended) return;
      ftruncateSync(fd, 0);
      offset = 0;
    },
    finish() {
      if (ended) return;
      readNow();
      ended = true;
      watcher?.close();
      closeSync(fd);
      stream.push(null);
    },
  };
}

/** A file for perf's lines, or null where none can be made (a read-only /dev/shm and tmp, no inotify left): a pipe then. */
export function perfOutputFileOrNull(): PerfOutputFile | null {
  try {
    return createPerfOutputFile();
  } catch {
    return null;
  }
}
