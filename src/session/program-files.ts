import { spawnSync } from 'node:child_process';
import { closeSync, constants, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MeasureOptions } from './options.ts';
import type { ProgramFileDescriptors } from './program-stdio.ts';
import { noFolderCode, noRoomCode, noRoomFix, noRoomText } from '../temp-room.ts';

/** The files of one run's stdio, open (compare --input FILE, --output FILE or pipe). */
export interface ProgramFiles extends ProgramFileDescriptors {
  /** The program's process has been spawned with them (it holds copies): the input and a pipe's write end (a file, once begun) are closed here. */
  spawned(): void;
  /**
   * The program is about to start: its output file is emptied, as hyperfine creates it at each run
   * (closed here once spawned). Not at open: a run armed ahead opens it while the run before still
   * writes there. A program spawned to start at once (no gate) is begun before its spawn.
   */
  begin(): void;
  /** Closes what is still open (the pipe's one reader stays: drainedFifo); safe twice. */
  close(): void;
}

/**
 * Opens what a run's options name for its stdin (a file, read from its start) and stdout (a file,
 * written from its start, made if missing and emptied by begin(); or 'pipe', a pipe this process
 * drains); nothing where they name neither. What cannot be opened throws, naming it.
 */
export function openProgramFiles(options: Pick<MeasureOptions, 'quiet' | 'programStdout' | 'programStdin'>): ProgramFiles {
  const stdin = options.quiet === true ? undefined : options.programStdin;
  const stdout = options.quiet === true ? undefined : options.programStdout;
  let stdinFd = typeof stdin === 'object' ? openFor(stdin.file, constants.O_RDONLY, 'read as stdin') : undefined;
  let stdoutFd: number | undefined;
  try {
    if (typeof stdout === 'object') stdoutFd = openFor(stdout.file, constants.O_WRONLY | constants.O_CREAT, 'write as stdout');
    // a write end of the pipe this process drains
    if (stdout === 'pipe') stdoutFd = openSync(drainedFifo(), constants.O_WRONLY);
  } catch (error: unknown) {
    if (stdinFd !== undefined) closeSync(stdinFd);
    throw error;
  }
  const closeInput = (): void => {
    if (stdinFd !== undefined) closeSync(stdinFd);
    stdinFd = undefined;
  };
  const closeOutput = (): void => {
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    stdoutFd = undefined;
  };
  let isSpawned = false;
  let isBegun = false;
  return {
    ...(stdinFd === undefined ? {} : { stdinFd }),
    ...(stdoutFd === undefined ? {} : { stdoutFd }),
    spawned() {
      isSpawned = true;
      closeInput();
      // a file's descriptor stays for begin() (a run armed ahead), a pipe's write end is the program's now
      if (stdout === 'pipe' || isBegun) closeOutput();
    },
    begin() {
      isBegun = true;
      if (typeof stdout === 'object' && stdoutFd !== undefined) ftruncateSync(stdoutFd, 0);
      if (isSpawned) closeOutput();
    },
    close() {
      closeInput();
      closeOutput();
    },
  };
}

/**
 * The program server's fields for a run's files (native/perfcell-serve.c, whose held child opens
 * them, and which empties an output file at the release): "stdin-file=PATH" and
 * "stdout-file=PATH", absolute (the server's folder is this process's, but a path says it once);
 * for 'pipe', the named pipe this process drains. None for /dev/null or perfcell's stderr.
 */
export function servedFileFields(options: Pick<MeasureOptions, 'programStdout' | 'programStdin'>): string[] {
  const { programStdin: stdin, programStdout: stdout } = options;
  return [
    ...(typeof stdin === 'object' ? [`stdin-file=${resolve(stdin.file)}`] : []),
    ...(typeof stdout === 'object' ? [`stdout-file=${resolve(stdout.file)}`] : stdout === 'pipe' ? [`stdout-file=${drainedFifo()}`] : []),
  ];
}

function openFor(file: string, flags: number, what: string): number {
  try {
    return openSync(file, flags, 0o666);
  } catch (error: unknown) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(cannotOpenText(file, what, code ?? message));
  }
}

function cannotOpenText(file: string, what: string, why: string): string {
  return `cannot open ${file} to ${what} for the program (${why}): check the path`;
}

/**
 * Why a served run's held child could not open its file, as a gate per run says it (openFor):
 * `openFailed` 1 for its stdin, 2 for its stdout, with open's errno (perfcell-serve's end report).
 * @example servedOpenFailure({ programStdin: { file: 'in.txt' } }, 1, 2) // 'cannot open in.txt to read as stdin for the program (ENOENT): check the path'
 */
export function servedOpenFailure(options: Pick<MeasureOptions, 'programStdout' | 'programStdin'>, openFailed: number, errno: number): string {
  const why = Object.entries(osConstants.errno).find(([, number]) => number === errno)?.[0] ?? `errno ${errno}`;
  const { programStdin: stdin, programStdout: stdout } = options;
  if (openFailed === 1) return cannotOpenText(typeof stdin === 'object' ? stdin.file : 'its stdin', 'read as stdin', why);
  return cannotOpenText(typeof stdout === 'object' ? stdout.file : stdout === 'pipe' ? "perfcell's pipe" : 'its stdout', 'write as stdout', why);
}

let fifoPath: string | null = null;

/**
 * A pipe that this process drains, as a path each run opens a write end of: Node has no pipe(2),
 * and its 'pipe' stdio is a socket pair, which `test -p /dev/stdout` and S_ISFIFO tell apart from
 * the pipe hyperfine gives (--output pipe). A named pipe, made once and unlinked at once (nothing
 * is left in /tmp, even after a SIGKILL): its path is then /proc/PID/fd/N of a write end this
 * process keeps, which opens the same pipe (the program server's held child opens it there too).
 * One reader for all runs (a reader each would end only once no run held a write end, and one is
 * always armed ahead: they piled up), kept from its end of file by that write end, and
 * unreferenced: it keeps no command from ending.
 */
function drainedFifo(): string {
  if (fifoPath !== null) return fifoPath;
  const folder = pipeFolder();
  const path = join(folder, 'stdout');
  try {
    const made = spawnSync('mkfifo', ['-m', '600', path], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`cannot make a pipe for the program's stdout (mkfifo: ${(made.stderr || made.error?.message || 'failed').trim()}): use --output null, or a file`);
    // the read end first (non-blocking: no writer yet), then the write end that keeps it open
    const reader = new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
    const keeper = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    reader.on('error', () => undefined);
    reader.resume();
    reader.unref();
    fifoPath = `/proc/${process.pid}/fd/${keeper}`;
    return fifoPath;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The folder for drainedFifo's pipe: a pipe takes no room, but its folder takes an inode, which a full TMPDIR may lack. */
function pipeFolder(): string {
  try {
    return mkdtempSync(join(tmpdir(), 'perfcell-pipe-'));
  } catch (error: unknown) {
    // a full TMPDIR, or one that is not there to take the folder (TMPDIR=/nonexistent)
    const code = noRoomCode(error) ?? noFolderCode(error);
    if (code === null) throw error;
    throw new Error(`cannot make a pipe for the program's stdout: ${noRoomText(tmpdir(), code)} (${noRoomFix(code)}, or use --output null, or a file)`, { cause: error });
  }
}
