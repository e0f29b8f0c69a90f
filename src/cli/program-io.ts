import { InvalidArgumentError } from 'commander';
import type { CommandIo } from '../experiment/alternatives.ts';

/**
 * compare --input WHERE (as hyperfine's): `null`, /dev/null (the default), or a file each run reads
 * from its start. Whether the file can be read is checked before the runs (compare.ts).
 * @example parseInputWhere('null') // 'null'
 * @example parseInputWhere('words.txt') // { file: 'words.txt' }
 */
export function parseInputWhere(value: string): CommandIo['stdin'] {
  if (value === '') throw new InvalidArgumentError('give null or a file for the commands to read, e.g. --input words.txt');
  return value === 'null' ? 'null' : { file: value };
}

/**
 * compare --output WHERE (as hyperfine's): `null` (/dev/null, the default), `pipe` (a pipe perfcell
 * drains: a program that does less for /dev/null, as grep does, does its whole work), `inherit`
 * (perfcell's stderr, as --show-output: perfcell's stdout keeps its results), or a file's path,
 * emptied as each run starts. A path needs a `/`, as hyperfine asks: a bare word is likelier a
 * mistyped choice (`nul`, `pipes`) than a file, and ./WORD says it is one.
 * @example parseOutputWhere('pipe') // 'pipe'
 * @example parseOutputWhere('./out.txt') // { file: './out.txt' }
 */
export function parseOutputWhere(value: string): CommandIo['stdout'] {
  if (value === 'null' || value === 'pipe') return value;
  if (value === 'inherit') return 'stderr';
  if (!value.includes('/')) {
    throw new InvalidArgumentError(`give null, pipe, inherit, or a file's path with a / in it (./${value || 'out.txt'} for a file in this folder)`);
  }
  return { file: value };
}
