import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
for (const file of ['perfcell-exec.c', 'perfcell-serve.c', 'gate-common.h', 'request-fields.h', 'compile-flags.json']) copyFileSync(join(root, 'native', file), join(packageRoot, 'native', file));
const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const base = { ...process.env };
  delete base['CC'];
  return { ...base, ...extra };
};

describe('locateNativeHelper', () => {
  it('compiles the gate into the cache folder on first use, and finds it there next time', () => {
    const cache = join(work, 'cache-ok');
    const first = locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: cache }));
    expect(first.path).toMatch(new RegExp(`^${join(cache, 'perfcell', 'perfcell-exec-0.0.0-exec-helper-test-')}[0-9a-f]{10}-${process.arch}$`));
    expect(isNativeExecutable(first.path!)).toBe(true);
    const mtimeMs = statSync(first.path!).mtimeMs;
    expect(locateNativeHelper('perfcell-exec', packageRoot, env({ XDG_CACHE_HOME: cache })).path).toBe(first.path);
    expect(statSync(first.path!).mtimeMs).toBe(mtimeMs);
  });

  it('compiles anew once its source has changed (a helper of an earlier protocol, at the same version, is not taken)', () => {
    const cache = join(work, 'cache-changed');
    const changedRoot = join(work, 'package-changed');
    mkdirSync(join(changedRoot, 'native'), { recursive: true });
    for (const file of ['package.json', 'native/perfcell-exec.c', 'native/gate-common.h', 'native/request-fields.h', 'native/compile-flags.json']) copyFileSync(join(packageRoot, file), join(changedRoot, file));
    const before = locateNativeHelper('perfcell-exec', changedRoot, env({ XDG_CACHE_HOME: cache })).path;
    writeFileSync(join(changedRoot, 'native', 'perfcell-exec.c'), `${readFileSync(join(changedRoot, 'native', 'perfcell-exec.c'), 'utf8')}\n/* changed */\n`);
    const after = locateNativeHelper('perfcell-exec', changedRoot, env({ XDG_CACHE_HOME: cache })).path;
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(isNativeExecutable(after!)).toBe(true);
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

  // perfcell-exec has one choice of flags; perfcell-serve two (native/compile-flags.json), and the
  // command given is the last choice's, plain
  it.each(['perfcell-exec', 'perfcell-serve'])('a compiler that fails (%s): gives the command and its exit code, and leaves no half-written file', (name) => {
    const cache = join(work, `cache-false-${name}`);
    const found = locateNativeHelper(name, packageRoot, env({ XDG_CACHE_HOME: cache, CC: 'false' }));
    expect(found.path).toBeNull();
    if (found.path !== null) return;
    const command = /^compiling it failed \(`false -O2 -o (\S+) (\S+)` exited with code 1\)$/.exec(found.problem.cause);
    expect(command, found.problem.cause).not.toBeNull();
    expect(command![1]).toMatch(new RegExp(`^${join(cache, 'perfcell', `${name}-0.0.0-exec-helper-test-`)}[0-9a-f]{10}-${process.arch}$`));
    expect(command![2]).toBe(join(packageRoot, 'native', `${name}.c`));
    expect(found.problem.fix).toBe('run that command to see why');
    expect(readdirSync(join(cache, 'perfcell'))).toEqual([]);
  });

  // compare's server is built static where it can be (native/compile-flags.json): its held programs
  // then share its memory until their exec, which a dynamically linked server's 1.2 MB would inflate
  // into their peaks (perfcell-serve.c)
  it('compiles with the first flags of native/compile-flags.json that work: perfcell-serve static', () => {
    const found = locateNativeHelper('perfcell-serve', packageRoot, env({ XDG_CACHE_HOME: join(work, 'cache-serve') }));
    expect(found.path).not.toBeNull();
    expect(hasInterpreter(found.path!)).toBe(false);
  });

  it('falls back to the next flags where the first fail (no static libc: a dynamically linked server)', () => {
    const noStatic = join(work, 'cc-no-static');
    writeFileSync(noStatic, '#!/bin/sh\nfor arg; do [ "$arg" = -static ] && exit 1; done\nexec cc "$@"\n', { mode: 0o755 });
    const found = locateNativeHelper('perfcell-serve', packageRoot, env({ XDG_CACHE_HOME: join(work, 'cache-serve-dynamic'), CC: noStatic }));
    expect(found.path).not.toBeNull();
    expect(hasInterpreter(found.path!)).toBe(true);
  });

  it('no source in the package: says to reinstall', () => {
    const found = locateNativeHelper('perfcell-nothing', packageRoot, env({ XDG_CACHE_HOME: join(work, 'cache-none') }));
    expect(found.path).toBeNull();
    if (found.path !== null) return;
    expect(found.problem).toEqual({ cause: 'native/perfcell-nothing.c is missing from the package', fix: 'reinstall perfcell' });
  });
});

/** Whether an ELF64 executable names a program interpreter (PT_INTERP): dynamically linked. */
function hasInterpreter(path: string): boolean {
  const elf = readFileSync(path);
  const at = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  for (let index = 0; index < elf.readUInt16LE(0x38); index++) if (elf.readUInt32LE(at + index * size) === 3) return true;
  return false;
}
