import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { execaSync } from 'execa';

/** The package root: the nearest folder above this file with a package.json (works from src/ and dist/). */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let folder = dirname(from);
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('perfcell package root not found');
    folder = parent;
  }
  return folder;
}

/**
 * Path of the compiled exec gate (native/perfcell-exec.c). `npm run build` puts it in dist/;
 * where it is missing, it is compiled once into ~/.cache/perfcell with cc. Returns null when no
 * C compiler is there: the caller falls back to a shell gate and sampled peaks, and says so.
 */
export function findExecHelper(root: string = packageRoot()): string | null {
  const built = join(root, 'dist', 'perfcell-exec');
  if (existsSync(built)) return built;
  const source = join(root, 'native', 'perfcell-exec.c');
  if (!existsSync(source)) return null;
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  const cacheDir = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'perfcell');
  const cached = join(cacheDir, `perfcell-exec-${version}`);
  if (existsSync(cached)) return cached;
  try {
    mkdirSync(cacheDir, { recursive: true });
    execaSync(process.env['CC'] ?? 'cc', ['-O2', '-o', cached, source], { stdio: 'ignore' });
    return cached;
  } catch {
    return null;
  }
}
