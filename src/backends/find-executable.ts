// fs.promises, not node:fs/promises: Node loads it at its first use, not at every command's start
import { constants, promises as fsPromises } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type ExecutableLookup =
  | { readonly kind: 'found'; readonly path: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not executable'; readonly path: string };

async function check(path: string): Promise<ExecutableLookup> {
  try {
    if (!(await fsPromises.stat(path)).isFile()) return { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
  try {
    await fsPromises.access(path, constants.X_OK);
    return { kind: 'found', path };
  } catch {
    return { kind: 'not executable', path };
  }
}

/**
 * Finds a program the way execvp does: a name with a slash is a path (relative to `cwd`), a bare
 * name is looked up in the PATH directories.
 * @example await findExecutable('cc', { cwd: '/', path: '/usr/bin' }) // { kind: 'found', path: '/usr/bin/cc' }
 */
export async function findExecutable(
  file: string,
  { cwd, path }: { readonly cwd: string; readonly path: string | undefined },
): Promise<ExecutableLookup> {
  if (file.includes('/')) return check(isAbsolute(file) ? file : resolve(cwd, file));
  let notExecutable: ExecutableLookup | undefined;
  for (const directory of (path ?? '').split(delimiter)) {
    if (directory === '') continue;
    const result = await check(join(resolve(cwd, directory), file));
    if (result.kind === 'found') return result;
    if (result.kind === 'not executable') notExecutable ??= result;
  }
  return notExecutable ?? { kind: 'missing' };
}
