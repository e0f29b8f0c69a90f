import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isNativeExecutable, locateNativeHelper } from '../../src/session/exec-helper.ts';

/**
 * Where a package has no gate built for this machine, perfcell compiles native/NAME.c into its
 * cache folder; where it cannot, it says why. Real cc, real folders: a package root made here
 * with the real gate's source and no dist/.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'perfcell-exec-helper-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const packageRoot = join(work, 'package');
mkdirSync(join(packageRoot, 'native'), { recursive: true });
writeFileSync(join(packageRoot, 'package.json'), '{ "name": "perfcell", "version": "0.0.0-exec-helper-test" }\n');
for (const file of ['perfcell-exec.c', 'gate-common.h']) copyFileSync(join(root, 'native', file), join(packageRoot, 'native', file));
const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const base = { ...process.env };
  delete base['CC'];
  return { ...base, ...extra };
};

describe('locateNativeHelper', () => {
  it('compiles the gate into the cache folder on first use, and finds it there next time', () => {
    const cache = join(work, 'cache-ok');
    const first = locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: cache }));
    expect(first.path).toBe(join(cache, 'perfcell', `perfcell-exec-0.0.0-exec-helper-test-${process.arch}`));
    expect(isNativeExecutable(first.path!)).toBe(true);
    const mtimeMs = statSync(first.path!).mtimeMs;
    expect(locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: cache })).path).toBe(first.path);
    expect(statSync(first.path!).mtimeMs).toBe(mtimeMs);
  });

  // Before: each of these read "no C compiler was found; install gcc", which was wrong for the first and the last.
  it('a cache folder that cannot be made: names the folder and XDG_CACHE_HOME, not gcc', () => {
    const found = locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: '/proc/x' }));
    expect(found.path).toBeNull();
    if (found.path !== null) return;
    expect(found.problem.cause).toBe('its cache folder /proc/x/perfcell cannot be made');
    expect(found.problem.fix).toMatch(/^set XDG_CACHE_HOME to a folder you can write/);
  });

  it('no C compiler: says so, and to install gcc', () => {
    const found = locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: join(work, 'cache-no-cc'), CC: join(work, 'no-such-cc') }));
    expect(found.path).toBeNull();
    if (found.path !== null) return;
    expect(found.problem.cause).toBe(`no C compiler was found (${join(work, 'no-such-cc')}: ENOENT)`);
    expect(found.problem.fix).toMatch(/^install gcc \(sudo apt-get install gcc\)/);
  });

  it('a compiler that fails: gives the command and its exit code, and leaves no half-written file', () => {
    const cache = join(work, 'cache-false');
    const found = locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: cache, CC: 'false' }));
    expect(found.path).toBeNull();
    if (found.path !== null) return;
    const cached = join(cache, 'perfcell', `perfcell-exec-0.0.0-exec-helper-test-${process.arch}`);
    expect(found.problem.cause).toBe(`compiling it failed (\`false -O2 -o ${cached} ${join(packageRoot, 'native', 'perfcell-exec.c')}\` exited with code 1)`);
    expect(found.problem.fix).toBe('run that command to see why');
    expect(readdirSync(join(cache, 'perfcell'))).toEqual([]);
  });

  it('no source in the package: says to reinstall', () => {
    const found = locateNativeHelper('perfcell-nothing', packageRoot, env({ XDG_CACHE_HOME: join(work, 'cache-none') }));
    expect(found.path).toBeNull();
    if (found.path !== null) return;
    expect(found.problem).toEqual({ cause: 'native/perfcell-nothing.c is missing from the package', fix: 'reinstall perfcell' });
  });
});
