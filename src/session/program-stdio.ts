import type { MeasureOptions } from './options.ts';

/** The stdio an external command gets, as child_process takes it: stdin, stdout, stderr (a number: a descriptor of ours). */
export type ProgramStdio = ['ignore' | 'inherit' | number, 'ignore' | 'inherit' | number, 'inherit'];

/** The descriptors of the files (or the pipe) a program reads or writes (session/program-files.ts opens them). */
export interface ProgramFileDescriptors {
  readonly stdinFd?: number;
  readonly stdoutFd?: number;
}

/**
 * Where an external command's stdin and stdout go (its stderr is always perfcell's): `quiet`
 * discards stdout and reads /dev/null (compare's runs); `programStdout: 'stderr'` sends stdout to
 * perfcell's stderr (run --json, compare --show-output), 'null' to /dev/null, 'pipe' or a file
 * to `files.stdoutFd`; `programStdin: 'null'` reads /dev/null, a file `files.stdinFd`.
 * @example programStdio({ quiet: true }) // ['ignore', 'ignore', 'inherit']
 * @example programStdio({ programStdout: 'stderr', programStdin: 'null' }) // ['ignore', 2, 'inherit']
 * @example programStdio({ programStdout: { file: 'out.txt' } }, { stdoutFd: 21 }) // ['inherit', 21, 'inherit']
 */
export function programStdio(options: Pick<MeasureOptions, 'quiet' | 'programStdout' | 'programStdin'>, files: ProgramFileDescriptors = {}): ProgramStdio {
  if (options.quiet === true) return ['ignore', 'ignore', 'inherit'];
  const { programStdin: stdin = 'inherit', programStdout: stdout = 'inherit' } = options;
  return [
    stdin === 'null' ? 'ignore' : typeof stdin === 'object' ? opened(files.stdinFd, stdin.file) : 'inherit',
    stdout === 'stderr' ? 2 : stdout === 'null' ? 'ignore' : stdout === 'pipe' ? opened(files.stdoutFd, 'a pipe') : typeof stdout === 'object' ? opened(files.stdoutFd, stdout.file) : 'inherit',
    'inherit',
  ];
}

/** Whether a program's stdin or stdout is a file or a pipe of its own: none that a gate started early, or the program server, could give it. */
export function hasOwnStdio(options: Pick<MeasureOptions, 'quiet' | 'programStdout' | 'programStdin'>): boolean {
  if (options.quiet === true) return false;
  return typeof options.programStdin === 'object' || typeof options.programStdout === 'object' || options.programStdout === 'pipe';
}

function opened(fd: number | undefined, file: string): number {
  if (fd === undefined) throw new Error(`${file} was not opened for the program (openProgramFiles first)`);
  return fd;
}
