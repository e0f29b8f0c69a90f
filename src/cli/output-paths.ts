import { readlinkSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { isWritable } from '../is-writable.ts';
import { kernelFileSystem } from '../kernel-file-system.ts';

/** An output file a flag names: `{ flag: '--export-csv', path: 'out/stats.csv' }`. */
export interface OutputPath {
  readonly flag: string;
  readonly path: string;
  /** The command, for the file name an error suggests (`run.html`); compare's by default. */
  readonly command?: string;
  /** `-` is stdout, as hyperfine takes it for its exports (compare's): no file to check. */
  readonly dashIsStdout?: boolean;
}

/** The file system calls the check makes; tests pass the real ones. */
export interface PathProbe {
  /** The path's stat, or null when nothing is there. */
  readonly stat: (path: string) => Stats | null;
  /** Whether this process may write (and, for a folder, create files in) the path. */
  readonly isWritable: (path: string, isFolder: boolean) => boolean;
  /** The kernel file system the path is on (`proc`, `sysfs`…), or null for one that holds files. */
  readonly kernelFileSystem?: (path: string) => string | null;
  /** Where a symlink points (as written in it), or null when the path is not a symlink. */
  readonly readlink?: (path: string) => string | null;
}

const realProbe: PathProbe = {
  stat: (path) => {
    try {
      return statSync(path);
    } catch {
      return null;
    }
  },
  isWritable,
  kernelFileSystem,
  readlink: (path) => {
    try {
      return readlinkSync(path);
    } catch {
      return null;
    }
  },
};

/**
 * Why `output` could not be written once the work is done, or null when it can: the path is a
 * folder, a folder on its way is a file, the file or the nearest existing folder (missing
 * folders are made at write time, as every output flag does) is not writable, or is on a kernel
 * file system (/proc, /sys: root passes access() there). Nothing is created.
 * @example outputPathProblem({ flag: '--export-csv', path: '/tmp' }) // '--export-csv /tmp is a folder (give a file name in it, e.g. --export-csv /tmp/compare.csv)'
 */
export function outputPathProblem(output: OutputPath, probe: PathProbe = realProbe): string | null {
  const { flag, path } = output;
  if (path === '-' && output.dashIsStdout === true) return null;
  const exampleIn = (folder: string): string => exampleFile(folder, flag, output.command ?? 'compare');
  if (path === '') return `${flag} was given an empty file name (give a file, e.g. ${flag} ${exampleIn('.')})`;
  // compare's exports take - for stdout, as hyperfine's: elsewhere it had quietly made a file named '-'
  if (path === '-') return `${flag} - would write a file named '-': only compare's outputs go to stdout (give a file, e.g. ${flag} ${exampleIn('.')}, or ./- for that name)`;
  const stat = probe.stat(path);
  if (stat === null && path.endsWith('/')) return `${flag} ${path} names a folder (give a file name in it, e.g. ${flag} ${exampleIn(path)})`;
  if (stat !== null) {
    if (stat.isDirectory()) return `${flag} ${path} is a folder (give a file name in it, e.g. ${flag} ${exampleIn(path)})`;
    const kernel = probe.kernelFileSystem?.(path) ?? null;
    if (kernel !== null) return `${flag} ${path} is a kernel file (on ${kernel}), not one to write results to (pick another file)`;
    if (!probe.isWritable(path, false)) return `${flag} ${path} exists and may not be written (pick another file, or make it writable)`;
    return null;
  }
  // the nearest folder that exists: the file (and any folders missing before it) are made in it
  const { folder, stat: above } = nearestExistingFolder(resolve(path), probe);
  if (above === null) return null; // nothing exists, not even /: let the write say why
  if (!above.isDirectory()) return `${flag} ${path} cannot be written: ${folder} is a file, not a folder (check the path)`;
  const kernel = probe.kernelFileSystem?.(folder) ?? null;
  if (kernel !== null) return `${flag} ${path} cannot be written: ${folder} is on ${kernel}, a kernel file system that holds no files of ours (pick a folder you can write to)`;
  if (!probe.isWritable(folder, true)) return `${flag} ${path} cannot be written: no permission to create files in ${folder} (pick a folder you can write to)`;
  return null;
}

/** The file a flag writes, by its extension; JSON where not listed. */
const EXTENSIONS: Readonly<Record<string, string>> = { '--html': 'html', '--export-csv': 'csv', '--export-markdown': 'md', '--export-asciidoc': 'adoc', '--export-orgmode': 'org', '-o': 'txt', '--output': 'txt' };

function exampleFile(folder: string, flag: string, command: string): string {
  const extension = EXTENSIONS[flag] ?? 'json';
  return `${folder.replace(/\/+$/, '')}/${command}.${extension}`;
}

/**
 * Which file a path names, however it is spelled: a symlink or a hard link to a file, or a new file
 * under a linked folder, gives the key of the file (or folder) it reaches, its device and inode, so
 * two flags naming one file are found (the second export had silently overwritten the first).
 */
function fileKey(path: string, probe: PathProbe): string {
  const identity = (stat: Stats | null): string | null => (stat === null || stat.ino === undefined ? null : `${stat.dev}:${stat.ino}`);
  const own = identity(probe.stat(path));
  if (own !== null) return own;
  // a new file: the nearest folder that exists, by its identity, then the rest of the path
  const target = danglingLinkTarget(path, probe);
  const { stat, rest } = nearestExistingFolder(target, probe);
  const found = identity(stat);
  return found === null ? target : `${found}/${rest}`;
}

/**
 * The nearest folder above the absolute `path` that exists, its stat (null where not even / does),
 * and the part of `path` below it: where a new file is made, the folders missing before it with it.
 * @example nearestExistingFolder('/tmp/new/a.csv', probe) // { folder: '/tmp', stat, rest: 'new/a.csv' }
 */
function nearestExistingFolder(path: string, probe: PathProbe): { folder: string; stat: Stats | null; rest: string } {
  let folder = dirname(path);
  let rest = basename(path);
  let stat = probe.stat(folder);
  while (stat === null && dirname(folder) !== folder) {
    rest = `${basename(folder)}/${rest}`;
    folder = dirname(folder);
    stat = probe.stat(folder);
  }
  return { folder, stat, rest };
}

/** Links followed before a chain is taken for a loop: the kernel's own bound (ELOOP). */
const MAX_LINKS = 40;

/**
 * The absolute path a missing file is written at: a broken symlink (one to a file not yet made)
 * is written through, so the file its chain of links ends at; the path itself when it is no link.
 */
function danglingLinkTarget(path: string, probe: PathProbe): string {
  let target = resolve(path);
  for (let links = 0; links < MAX_LINKS; links += 1) {
    const written = probe.readlink?.(target) ?? null;
    if (written === null) return target;
    target = resolve(dirname(target), written);
  }
  return target;
}

/**
 * Refuses an output naming the file the cells are read from (by its name or a link): written once
 * the cells had run, the page or export took the file's place, its cells lost without a word
 * (`cells nb.ipynb --html nb.ipynb` left a page where the notebook was, exit 0: a review's note).
 * `cells --write` fills that notebook on purpose, and is not among `outputs`.
 */
export function refuseOutputOverCells(cellsFile: string, outputs: readonly OutputPath[], probe: PathProbe = realProbe): void {
  const cellsKey = fileKey(cellsFile, probe);
  const over = outputs.find((output) => !(output.path === '-' && output.dashIsStdout === true) && fileKey(output.path, probe) === cellsKey);
  if (over !== undefined) throw new UsageError(`${over.flag} ${over.path} would be written over ${cellsFile}, the file of the cells (give it another file)`);
}

/**
 * Refuses outputs that could not be written after the work, before it starts: a usage error
 * (exit 2) naming the flag, the path and the fix, rather than a long comparison measured and then
 * lost to a typo. Two flags naming the same file are refused too (the second would overwrite the first).
 */
export function checkOutputPaths(outputs: readonly OutputPath[], probe: PathProbe = realProbe): void {
  const seen = new Map<string, OutputPath>();
  for (const output of outputs) {
    const problem = outputPathProblem(output, probe);
    if (problem !== null) throw new UsageError(problem);
    const isStdout = output.path === '-' && output.dashIsStdout === true;
    const key = isStdout ? '-' : fileKey(output.path, probe);
    const earlier = seen.get(key);
    if (earlier !== undefined && isStdout) throw new UsageError(`${earlier.flag} - and ${output.flag} - would both print on stdout (give one of them a file)`);
    if (earlier !== undefined && resolve(earlier.path) === resolve(output.path)) throw new UsageError(`${earlier.flag} and ${output.flag} both name ${output.path} (give each its own file)`);
    if (earlier !== undefined) throw new UsageError(`${earlier.flag} ${earlier.path} and ${output.flag} ${output.path} are one file (a link: give each its own file)`);
    seen.set(key, output);
  }
}
