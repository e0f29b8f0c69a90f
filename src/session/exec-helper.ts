import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../cache-dir.ts';
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

/**
 * A native helper (native/NAME.c): dist/NAME from the build when it runs on this machine, else
 * compiled once into the cache folder (per version and architecture) with $CC or cc. Null when
 * there is no usable binary and no C compiler.
 */
export function findNativeHelper(name: string, root: string = packageRoot()): string | null {
  const built = join(root, 'dist', name);
  if (existsSync(built) && isNativeExecutable(built)) return built;
  const source = join(root, 'native', `${name}.c`);
  if (!existsSync(source)) return null;
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  const cached = join(cacheDir(), `${name}-${version}-${process.arch}`);
  if (existsSync(cached) && isNativeExecutable(cached)) return cached;
  if (!makeFolders(dirname(cached))) return null;
  // Compiled beside its final name and renamed: two perfcells starting at once never run half a file.
  const partial = `${cached}.${process.pid}.tmp`;
  const compiled = spawnSync(process.env['CC'] || 'cc', ['-O2', '-o', partial, source], { stdio: 'ignore' });
  if (compiled.status !== 0 || !existsSync(partial)) return null;
  renameSync(partial, cached);
  return cached;
}

/**
 * Path of the exec gate (native/perfcell-exec.c); null when none runs here and no C compiler is
 * there: `run` then spawns the program without the gate (see run-ungated.ts) and says so once.
 */
export function findExecHelper(root: string = packageRoot()): string | null {
  return findNativeHelper('perfcell-exec', root);
}
