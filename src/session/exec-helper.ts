import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../cache-dir.ts';
import { isWritable } from '../is-writable.ts';
import { makeFolders } from '../make-folders.ts';

/** The package root: the nearest folder above this file with a package.json (works from src/, dist/src and the bundle in dist/app). */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let folder = dirname(from);
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('perfcell package root not found');
    folder = parent;
  }
  return folder;
}

/** ELF e_machine of each architecture node runs on (elf.h). */
const ELF_MACHINE: Readonly<Record<string, number>> = { x64: 62, arm64: 183, ia32: 3, arm: 40, riscv64: 243, ppc64: 21, s390x: 22, loong64: 258, mips: 8, mipsel: 8 };

/**
 * Whether `path` is an ELF executable for this machine (e_machine against process.arch): a gate
 * built elsewhere (an npm tarball made on x86-64, opened on arm64) is not used.
 */
export function isNativeExecutable(path: string, arch: string = process.arch): boolean {
  const header = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, header, 0, 20, 0) < 20) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return false;
  const littleEndian = header[5] === 1;
  const machine = littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18);
  return ELF_MACHINE[arch] === machine;
}

export { cacheDir } from '../cache-dir.ts';

/** Why no native helper runs here, and what the person can do about it. */
export interface HelperProblem {
  /** What is missing, as a clause: "no C compiler was found". */
  readonly cause: string;
  /** What the person can do about it: install gcc, set XDG_CACHE_HOME, run the failed compile by hand, reinstall. */
  readonly fix: string;
}

/**
 * A short digest of a helper's source and the shared headers beside it (gate-common.h,
 * request-fields.h): a helper compiled from an earlier source (the live relay before a command of
 * its protocol was added, at the same version) is not taken for this one.
 */
function sourceDigest(source: string): string {
  // loaded here, where a helper is compiled: node:crypto costs every command 2.6 ms to load
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const hash = createHash('sha1').update(readFileSync(source));
  const folder = dirname(source);
  for (const header of readdirSync(folder).filter((name) => name.endsWith('.h')).sort()) hash.update(readFileSync(join(folder, header)));
  return hash.digest('hex').slice(0, 10);
}

/**
 * A native helper (native/NAME.c): dist/NAME from the build when it runs on this machine, else
 * compiled once into the cache folder (per version, source and architecture) with $CC or cc.
 * Where there is none, why: no C compiler, a cache folder that cannot be made or written, a
 * compile that failed.
 */
export function locateNativeHelper(name: string, root: string = packageRoot(), env: NodeJS.ProcessEnv = process.env): { readonly path: string } | { readonly path: null; readonly problem: HelperProblem } {
  const built = join(root, 'dist', name);
  if (existsSync(built) && isNativeExecutable(built)) return { path: built };
  const source = join(root, 'native', `${name}.c`);
  if (!existsSync(source)) return { path: null, problem: { cause: `native/${name}.c is missing from the package`, fix: 'reinstall perfcell' } };
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  const folder = cacheDir(env);
  const cached = join(folder, `${name}-${version}-${sourceDigest(source)}-${process.arch}`);
  if (existsSync(cached) && isNativeExecutable(cached)) return { path: cached };
  const cacheFix = 'set XDG_CACHE_HOME to a folder you can write, and perfcell compiles it there on its next run';
  if (!makeFolders(folder)) return { path: null, problem: { cause: `its cache folder ${folder} cannot be made`, fix: cacheFix } };
  // Compiled beside its final name and renamed: two perfcells starting at once never run half a file.
  const partial = `${cached}.${process.pid}.tmp`;
  const compiler = env['CC'] || 'cc';
  const choices = compileFlagChoices(root, name);
  let how = '';
  let flags: readonly string[] = [];
  for (flags of choices) {
    const compiled = spawnSync(compiler, ['-O2', ...flags, '-o', partial, source], { stdio: 'ignore', env });
    if (compiled.error !== undefined) {
      return { path: null, problem: noCompiler(`${compiler}: ${(compiled.error as NodeJS.ErrnoException).code ?? compiled.error.message}`) };
    }
    if (compiled.status === 0 && existsSync(partial)) {
      renameSync(partial, cached);
      return { path: cached };
    }
    rmSync(partial, { force: true });
    how = compiled.status === null ? `was killed by ${compiled.signal ?? 'a signal'}` : `exited with code ${compiled.status}`;
  }
  if (!isWritable(folder, true)) return { path: null, problem: { cause: `its cache folder ${folder} is not writable`, fix: cacheFix } };
  // the command as it can be run by hand (the last choice of flags): what it prints says why, and what it makes is used next time
  const command = [compiler, '-O2', ...flags, '-o', cached, source].join(' ');
  return { path: null, problem: { cause: `compiling it failed (\`${command}\` ${how})`, fix: 'run that command to see why' } };
}

/**
 * The flags to compile native/NAME.c with, in order of preference (native/compile-flags.json,
 * which scripts/build-native.mjs reads too): the first that compiles is used. One choice, no
 * flags, for a helper it does not name.
 */
export function compileFlagChoices(root: string, name: string): ReadonlyArray<readonly string[]> {
  try {
    const choices = (JSON.parse(readFileSync(join(root, 'native', 'compile-flags.json'), 'utf8')) as Record<string, string[][]>)[name];
    if (Array.isArray(choices) && choices.length > 0 && choices.every((flags) => Array.isArray(flags) && flags.every((flag) => typeof flag === 'string'))) return choices;
  } catch {
    // none, or unreadable: plain flags
  }
  return [[]];
}

/** No C compiler ran (`detail`: which, and how it failed). */
export function noCompiler(detail: string): HelperProblem {
  return { cause: `no C compiler was found (${detail})`, fix: 'install gcc (sudo apt-get install gcc), and perfcell compiles it on its next run' };
}

/** locateNativeHelper's path: null where there is none. */
export function findNativeHelper(name: string, root: string = packageRoot()): string | null {
  return locateNativeHelper(name, root).path;
}

/**
 * Path of the exec gate (native/perfcell-exec.c); null when none runs here and none can be
 * compiled: `run` then spawns the program without the gate (see run-ungated.ts) and says why once.
 */
export function findExecHelper(root: string = packageRoot()): string | null {
  return findNativeHelper('perfcell-exec', root);
}
