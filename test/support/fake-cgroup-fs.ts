import type { CgroupFs } from '../../src/session/cgroup.ts';

/**
 * A cgroup file system of `files` (path → text); mkdir makes a folder with the files `made` names
 * for the hierarchy it is in (its mount point → file names), or throws EACCES where `denied`.
 * `files` is kept and changed in place. `dirs`: the folders made and not removed; `madeCount`: how many were made. A write to a
 * cgroup.procs (a move) is noted in `moves` (the file and the pid), or throws EACCES where
 * `refusesMove` says so for that file.
 */
export function fakeCgroupFs(
  files: Record<string, string>,
  made: Readonly<Record<string, readonly string[]>> = {},
  denied = false,
  refusesMove: (procsPath: string) => boolean = () => false,
): CgroupFs & { readonly files: Record<string, string>; readonly dirs: string[]; readonly madeCount: () => number; readonly moves: string[] } {
  const dirs: string[] = [];
  const moves: string[] = [];
  let count = 0;
  const write = (path: string, data: string): void => {
    if (!path.endsWith('/cgroup.procs')) return;
    if (refusesMove(path)) throw Object.assign(new Error(`EACCES ${path}`), { code: 'EACCES' });
    moves.push(`${path} ${data}`);
  };
  return {
    files,
    dirs,
    moves,
    madeCount: () => count,
    read: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
    write,
    writeAsync: async (path, data) => write(path, data),
    mkdir: (path) => {
      if (denied) throw Object.assign(new Error(`EACCES ${path}`), { code: 'EACCES' });
      count += 1;
      dirs.push(path);
      const [, names = []] = Object.entries(made).find(([mount]) => path.startsWith(`${mount}/`)) ?? [];
      for (const name of names) files[`${path}/${name}`] = '0';
    },
    rmdir: (path) => {
      dirs.splice(dirs.indexOf(path), 1);
    },
    exists: (path) => files[path] !== undefined,
  };
}
