import type { MeasureOptions } from './options.ts';

/** The stdio an external command gets, as child_process takes it: stdin, stdout, stderr. */
export type ProgramStdio = ['ignore' | 'inherit', 'ignore' | 'inherit' | 2, 'inherit'];

/**
 * Where an external command's stdin and stdout go (its stderr is always perfcell's): `quiet`
 * discards stdout and reads /dev/null (compare's runs); `programStdout: 'stderr'` sends stdout to
 * perfcell's stderr (run --json, compare --show-output), and `programStdin: 'null'` reads /dev/null.
 * @example programStdio({ quiet: true }) // ['ignore', 'ignore', 'inherit']
 * @example programStdio({ programStdout: 'stderr', programStdin: 'null' }) // ['ignore', 2, 'inherit']
 */
export function programStdio(options: Pick<MeasureOptions, 'quiet' | 'programStdout' | 'programStdin'>): ProgramStdio {
  const stdin = options.quiet === true || options.programStdin === 'null' ? 'ignore' : 'inherit';
  const stdout = options.quiet === true ? 'ignore' : options.programStdout === 'stderr' ? 2 : 'inherit';
  return [stdin, stdout, 'inherit'];
}
