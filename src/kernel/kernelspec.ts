import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import { packageRoot } from '../session/exec-helper.ts';

export const DEFAULT_KERNEL_NAME = 'perfcell';
export const DISPLAY_NAME = 'TypeScript (perfcell)';

/** Where a kernelspec goes: Jupyter's user data dir, the Python env's prefix, or a given prefix. */
export type SpecLocation = { readonly kind: 'user' } | { readonly kind: 'sys-prefix'; readonly python: string } | { readonly kind: 'prefix'; readonly dir: string };

/** The kernel.json perfcell writes: the argv Jupyter runs, with `{connection_file}` filled in by Jupyter. */
export interface KernelSpec {
  readonly argv: readonly string[];
  readonly display_name: string;
  readonly language: 'typescript';
  readonly interrupt_mode: 'signal';
  readonly metadata: { readonly perfcell: { readonly kernelName: string } };
}

/** What Jupyter lists the kernel as: DISPLAY_NAME, with the kernelspec name after it unless it is the default. */
export function displayNameOf(kernelName: string): string {
  return kernelName === DEFAULT_KERNEL_NAME ? DISPLAY_NAME : `${DISPLAY_NAME}: ${kernelName}`;
}

/** The spec for this very perfcell: absolute node and absolute built CLI, so PATH does not matter. */
export function buildKernelSpec(kernelName: string, node = process.execPath, cli = builtCliPath()): KernelSpec {
  return {
    argv: [node, cli, 'kernel', '{connection_file}'],
    display_name: displayNameOf(kernelName),
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { perfcell: { kernelName } },
  };
}

/** The bundled CLI (dist/app/cli.cjs, the package's bin), whether this module runs from the bundle, dist/src or src. */
export function builtCliPath(): string {
  return join(packageRoot(fileURLToPath(import.meta.url)), 'dist', 'app', 'cli.cjs');
}

/** Jupyter's user data dir, as jupyter_core finds it on Linux. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['JUPYTER_DATA_DIR']) return env['JUPYTER_DATA_DIR'];
  return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'jupyter');
}

/** The `kernels` folder of a location. */
export function kernelsDir(location: SpecLocation, env: NodeJS.ProcessEnv = process.env): string {
  switch (location.kind) {
    case 'user':
      return join(userDataDir(env), 'kernels');
    case 'prefix':
      return join(resolve(location.dir), 'share', 'jupyter', 'kernels');
    case 'sys-prefix':
      return join(pythonPrefix(location.python), 'share', 'jupyter', 'kernels');
  }
}

function pythonPrefix(python: string): string {
  try {
    return execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error: unknown) {
    throw new UsageError(`cannot ask ${python} for its sys.prefix: ${(error as Error).message.split('\n')[0]} (pass --python PATH of Jupyter's python, or use --user or --prefix DIR)`);
  }
}

/** Writes kernels/NAME/kernel.json and the logo; returns the folder. */
export function installKernelSpec(location: SpecLocation, kernelName = DEFAULT_KERNEL_NAME, env: NodeJS.ProcessEnv = process.env): string {
  checkName(kernelName);
  const dir = join(kernelsDir(location, env), kernelName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(buildKernelSpec(kernelName), null, 2)}\n`);
  const logo = findLogo();
  if (logo !== null) copyFileSync(logo, join(dir, 'logo-64x64.png'));
  return dir;
}

/** Removes kernels/NAME; returns the folder removed. */
export function uninstallKernelSpec(location: SpecLocation, kernelName = DEFAULT_KERNEL_NAME, env: NodeJS.ProcessEnv = process.env): string {
  checkName(kernelName);
  const dir = join(kernelsDir(location, env), kernelName);
  if (!existsSync(join(dir, 'kernel.json'))) throw new UsageError(`no kernelspec ${kernelName} in ${kernelsDir(location, env)} (perfcell kernel list shows where they are)`);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

export interface FoundSpec {
  readonly name: string;
  readonly dir: string;
  readonly argv: readonly string[];
}

/** perfcell kernelspecs in Jupyter's search path: JUPYTER_PATH, the user dir, extra prefixes, then the system dirs. */
export function listKernelSpecs(extraPrefixes: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): FoundSpec[] {
  const roots = [
    ...(env['JUPYTER_PATH'] ?? '').split(delimiter).filter((path) => path !== ''),
    userDataDir(env),
    ...extraPrefixes.map((prefix) => join(resolve(prefix), 'share', 'jupyter')),
    '/usr/local/share/jupyter',
    '/usr/share/jupyter',
  ];
  const found: FoundSpec[] = [];
  for (const root of [...new Set(roots)]) {
    const kernels = join(root, 'kernels');
    let names: string[];
    try {
      names = readdirSync(kernels);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      try {
        const spec = JSON.parse(readFileSync(join(kernels, name, 'kernel.json'), 'utf8')) as { argv?: unknown; metadata?: { perfcell?: unknown } };
        if (spec.metadata?.perfcell === undefined || !Array.isArray(spec.argv)) continue;
        found.push({ name, dir: join(kernels, name), argv: spec.argv.map(String) });
      } catch {
        // Not a kernelspec of ours.
      }
    }
  }
  return found;
}

function checkName(name: string): void {
  if (!/^[a-z0-9._-]+$/i.test(name)) throw new UsageError(`kernel name ${JSON.stringify(name)} is not valid (use letters, digits, ., _ and -)`);
}

function findLogo(): string | null {
  // Beside this module (src/kernel, and the bundle's copy in dist/app), or the source's from dist/src/kernel.
  const candidates = [new URL('./logo-64x64.png', import.meta.url), new URL('../../../src/kernel/logo-64x64.png', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  return null;
}
