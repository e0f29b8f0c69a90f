import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { isFolder } from '../make-folders.ts';

const ENOENT = 2;
const EACCES = 13;
const ENOEXEC = 8;

/**
 * The program could not be started (exec failed): misuse, so a UsageError to callers that only
 * tell misuse apart, but `run` exits with `exitStatus` as timeout, env and the shell do: 127 when
 * it was not found, 126 when it was found but could not be run. 2 would collide with the
 * program's own codes (grep, diff) and with perfcell's usage errors.
 */
export class LaunchError extends UsageError {
  readonly exitStatus: 126 | 127;
  constructor(message: string, exitStatus: 126 | 127) {
    super(message);
    this.exitStatus = exitStatus;
  }
}

/** The LaunchError for an exec of `file` that failed with `errno`: its one-line message and 127/126. */
export function launchError(file: string, errno: number, message: string): LaunchError {
  return new LaunchError(describeExecFailure(file, errno, message), errno === ENOENT ? 127 : 126);
}

/** Thrown before anything is spawned for `run -- ""`, where execvp would say only ENOENT or EACCES. */
export function emptyProgramError(): LaunchError {
  return new LaunchError('cannot run a program with an empty name (the word after -- is ""; give a program, e.g. perfcell run -- ls)', 127);
}

/** The first bytes of the file execvp would have run for `file` (a name with no slash is looked up on PATH); null when none is there. */
export type ReadProgramHead = (file: string) => { readonly path: string; readonly head: Buffer } | null;

/**
 * Why the gate's execvp() of `file` failed, as one line that names the fix. EACCES covers a
 * directory too (`perfcell run -- /tmp`), which is told apart here, and ENOENT a file that exists
 * but whose interpreter does not (`#!/usr/bin/python2`, a `#!/bin/sh\r` written on Windows, an
 * ELF whose dynamic loader is missing), which is named.
 * @example describeExecFailure('/tmp', 13, 'Permission denied') // 'cannot run /tmp: it is a directory (give a program, e.g. perfcell run -- ls /tmp)'
 */
export function describeExecFailure(file: string, errno: number, message: string, isDirectory = isFolder, readHead: ReadProgramHead = readProgramHead): string {
  if (file === '') return emptyProgramError().message;
  if (errno === EACCES && file.includes('/') && isDirectory(file)) {
    return `cannot run ${file}: it is a directory (give a program, e.g. perfcell run -- ls ${file})`;
  }
  if (errno === ENOENT) return missingInterpreter(file, readHead(file)) ?? `cannot run ${file}: no such file or directory (check the name, PATH and permissions)`;
  if (errno === EACCES) return `cannot run ${file}: permission denied (make it executable: chmod +x ${file})`;
  if (errno === ENOEXEC) return `cannot run ${file}: not a program this machine can run (run a script through its interpreter, e.g. sh ${file})`;
  return `cannot run ${file}: ${message.toLowerCase()} (check the name, PATH and permissions)`;
}

/** The message for a program that exists but whose `#!` interpreter or ELF loader does not; null when it is not that. */
function missingInterpreter(file: string, found: { readonly path: string; readonly head: Buffer } | null): string | null {
  if (found === null) return null;
  const { head } = found;
  const interpreter = shebangInterpreter(head);
  if (interpreter !== null) {
    if (interpreter.endsWith('\r')) {
      return `cannot run ${file}: its #! line ends in a Windows line break (\\r), so its interpreter ${interpreter.slice(0, -1)} is not found (convert the file: dos2unix ${found.path})`;
    }
    if (interpreter === '') return `cannot run ${file}: its #! line names no interpreter (put one there, e.g. #!/bin/sh)`;
    return `cannot run ${file}: its interpreter ${interpreter} (named on its #! line) was not found (install it, or correct the #! line of ${found.path})`;
  }
  if (head.subarray(0, 4).toString('latin1') === '\x7fELF') {
    const loader = elfInterpreter(head);
    return `cannot run ${file}: its dynamic loader${loader === null ? '' : ` ${loader}`} was not found (a program built for another system? check it with: file ${found.path})`;
  }
  return null;
}

/**
 * Whether the program at `path` names a `#!` interpreter or an ELF loader that is not there, so
 * that execve fails with ENOENT, which `launchError(file, ENOENT, …)` then names. For valgrind,
 * which starts the program itself: it said only 'bad interpreter' amid its output, and perfcell
 * that cachegrind wrote nothing (exit 126), where run under perf names the interpreter, 127.
 */
export function lacksInterpreter(path: string, cwd: string, readHead: ReadProgramHead = readProgramHead): boolean {
  const found = readHead(path);
  if (found === null) return false;
  const { head } = found;
  const named = shebangInterpreter(head) ?? (head.subarray(0, 4).toString('latin1') === '\x7fELF' ? elfInterpreter(head) : null);
  // none named ('#!' alone) is execve's ENOEXEC, which execvp (perf) and valgrind run through sh
  return named !== null && named !== '' && !existsSync(resolve(cwd, named));
}

/** The interpreter a `#!` line names, as written ('' for none, a Windows line's with its \r); null without a #! line. */
function shebangInterpreter(head: Buffer): string | null {
  if (head[0] !== 0x23 || head[1] !== 0x21) return null;
  const line = head.subarray(2).toString('latin1').split('\n')[0] ?? '';
  return line.replace(/^[ \t]+/, '').split(/[ \t]/)[0] ?? '';
}

/** PT_INTERP of an ELF file's first bytes (the dynamic loader it asks for), or null. */
function elfInterpreter(head: Buffer): string | null {
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  const word = (offset: number, bytes: number): number => {
    if (offset + bytes > head.length) return -1;
    if (bytes === 8) return Number(little ? head.readBigUInt64LE(offset) : head.readBigUInt64BE(offset));
    if (bytes === 4) return little ? head.readUInt32LE(offset) : head.readUInt32BE(offset);
    return little ? head.readUInt16LE(offset) : head.readUInt16BE(offset);
  };
  const phoff = is64 ? word(0x20, 8) : word(0x1c, 4);
  const phentsize = word(is64 ? 0x36 : 0x2a, 2);
  const phnum = word(is64 ? 0x38 : 0x2c, 2);
  if (phoff <= 0 || phentsize <= 0 || phnum <= 0) return null;
  for (let index = 0; index < phnum; index += 1) {
    const entry = phoff + index * phentsize;
    if (word(entry, 4) !== 3) continue; // PT_INTERP
    const offset = is64 ? word(entry + 0x08, 8) : word(entry + 0x04, 4);
    const size = is64 ? word(entry + 0x20, 8) : word(entry + 0x10, 4);
    if (offset < 0 || size <= 0 || offset + size > head.length) return null;
    return head.subarray(offset, offset + size).toString('latin1').replace(/\0+$/, '');
  }
  return null;
}

function readProgramHead(file: string): { path: string; head: Buffer } | null {
  const candidates = file.includes('/') ? [file] : (process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, file));
  for (const path of candidates) {
    try {
      if (!statSync(path).isFile()) continue;
      accessSync(path, constants.X_OK);
      const fd = openSync(path, 'r');
      try {
        const head = Buffer.alloc(4096);
        return { path, head: head.subarray(0, readSync(fd, head, 0, head.length, 0)) };
      } finally {
        closeSync(fd);
      }
    } catch {
      // not this one: execvp goes on to the next PATH entry too
    }
  }
  return null;
}
