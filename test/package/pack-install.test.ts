import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as npm delivers it: `npm pack` of this checkout (its build), installed from the
 * tarball into a fresh prefix (dependencies from npm's cache where it has them, else the registry: --prefer-offline; --ignore-scripts, so
 * zeromq's native addon is not built: the `kernel` command is not exercised here), then run as a
 * user runs it, and imported from fresh TypeScript projects under three module resolutions.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
let work = '';
let tarball = '';
let installed = '';
let bin = '';

const sh = (file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> =>
  spawnSync(file, args, { encoding: 'utf8', timeout: 120_000, cwd: options.cwd ?? work, env: { ...process.env, NO_COLOR: '1', ...options.env } });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'perfcell-pack-'));
  const packed = sh('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root });
  expect(packed.status, packed.stderr).toBe(0);
  tarball = join(work, packed.stdout.trim().split('\n').pop()!);
  const prefix = join(work, 'prefix');
  mkdirSync(prefix);
  writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
  const install = sh('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'error', tarball], { cwd: prefix });
  expect(install.status, install.stderr).toBe(0);
  installed = join(prefix, 'node_modules', 'perfcell');
  bin = join(prefix, 'node_modules', '.bin', 'perfcell');
  // the gate as shipped: the tests that remove or replace it leave it changed for the ones after
  copyFileSync(join(installed, 'dist', 'perfcell-exec'), join(work, 'shipped-perfcell-exec'));
}, 120_000);
afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

/** Removes one of the installed package's native helpers (whatever an earlier test left). */
const removeHelper = (name: 'perfcell-exec' | 'perfcell-serve'): void => rmSync(join(installed, 'dist', name), { force: true });

describe('npm pack and install', () => {
  it('the tarball holds what runs: the bundle, .d.ts, native sources, schemas, README and LICENSE; no captures, no source maps', () => {
    const listing = sh('tar', ['-tzf', tarball]).stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));
    for (const wanted of ['dist/app/cli.cjs', 'dist/app/index.js', 'dist/app/gc-preload.cjs', 'dist/src/index.d.ts', 'native/perfcell-exec.c', 'native/perfcell-serve.c', 'native/gate-common.h', 'native/request-fields.h', 'native/perfcell-live.c', 'native/perfcell-perf-hold.c', 'dist/perfcell-perf-hold', 'schema/perfcell-report.schema.json', 'README.md', 'LICENSE', 'package.json']) {
      expect(listing, wanted).toContain(wanted);
    }
    expect(listing.filter((path) => path.startsWith('samples/') || path.startsWith('test/') || path.startsWith('src/'))).toEqual([]);
    expect(listing.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(listing.filter((path) => path.startsWith('dist/src/') && !path.endsWith('.d.ts') && !path.endsWith('.d.cts'))).toEqual([]);
    // One build: the chunks the last build wrote, none of an earlier one (prepack prunes them).
    const manifest = JSON.parse(readFileSync(join(root, 'dist', 'app', '.manifest.json'), 'utf8')) as string[];
    expect(listing.filter((path) => path.startsWith('dist/app/')).map((path) => path.slice('dist/app/'.length)).sort()).toEqual([...manifest, '.manifest.json'].sort());
  });

  it('perfcell --version and perfcell run -- true work from the installed bin', () => {
    // with the gate as shipped, whichever test ran before
    copyFileSync(join(work, 'shipped-perfcell-exec'), join(installed, 'dist', 'perfcell-exec'));
    const version = sh(bin, ['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const run = sh(bin, ['run', '--', 'true']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^true peaked .* exit code 0$/m);
    // A node program gets the GC preload, a file of its own beside the bundle, from the installed package.
    const node = sh(bin, ['run', '--', process.execPath, '-e', 'let a = []; for (let i = 0; i < 3e5; i++) a.push({ i })']);
    expect(node.status, node.stderr).toBe(0);
    expect(node.stderr).toMatch(/^ +gc +\d+ minor/m);
  });

  it('with no gate in the package, compiles one on first use into the cache for this machine', () => {
    removeHelper('perfcell-exec');
    const cache = join(work, 'cache-cc');
    const run = sh(bin, ['run', '--', 'true'], { env: { XDG_CACHE_HOME: cache } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/exec gate/);
    expect(readdirSync(join(cache, 'perfcell')).filter((name) => new RegExp(`^perfcell-exec-${pkg.version}-[0-9a-f]{10}-${process.arch}$`).test(name))).toHaveLength(1);
  });

  it("with no served-run gate in the package, compare compiles one (its header included) on first use", () => {
    removeHelper('perfcell-serve');
    const cache = join(work, 'cache-cc-serve');
    const compare = sh(bin, ['compare', '--json', '--runs', '2', '--warmup', '0', '--', 'true'], { env: { XDG_CACHE_HOME: cache } });
    expect(compare.status, compare.stderr).toBe(0);
    expect(readdirSync(join(cache, 'perfcell')).filter((name) => new RegExp(`^perfcell-serve-${pkg.version}-[0-9a-f]{10}-${process.arch}$`).test(name))).toHaveLength(1);
  });

  it('with no gate and no C compiler, runs the program ungated with one warning that says what is less exact and to install gcc', () => {
    removeHelper('perfcell-exec');
    const run = sh(bin, ['run', '-r', '2', '--', 'sh', '-c', 'exit 0'], { env: { XDG_CACHE_HOME: join(work, 'cache-none'), CC: join(work, 'no-such-cc') } });
    expect(run.status, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('exec gate') && line.includes('install gcc'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/counting starts when perf attaches.*peak RSS is sampled/);
    expect(run.stderr).toMatch(/^sh -c 'exit 0': 2 runs/m);
  });

  // Before: the warning said "no C compiler was found; install gcc" here too, with gcc installed.
  it('with no gate and a cache folder that cannot be made, the warning names the folder and XDG_CACHE_HOME, not gcc', () => {
    removeHelper('perfcell-exec');
    const run = sh(bin, ['run', '--', 'true'], { env: { XDG_CACHE_HOME: '/proc/x' } });
    expect(run.status, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('exec gate'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('its cache folder /proc/x/perfcell cannot be made');
    expect(warnings[0]).toMatch(/set XDG_CACHE_HOME to a folder you can write/);
    expect(warnings[0]).not.toMatch(/gcc|compiler/);
  });

  it('a gate built for another architecture is not run: it is compiled anew for this one', () => {
    const gate = join(installed, 'dist', 'perfcell-exec');
    // An ELF header for a machine this is not (x86-64 ↔ aarch64), as a tarball built elsewhere would ship.
    const header = Buffer.alloc(64);
    header.write('\x7fELF', 0, 'latin1');
    header[4] = 2;
    header[5] = 1;
    header.writeUInt16LE(process.arch === 'arm64' ? 62 : 183, 18);
    writeFileSync(gate, header, { mode: 0o755 });
    const cache = join(work, 'cache-arch');
    const run = sh(bin, ['run', '--', 'true'], { env: { XDG_CACHE_HOME: cache } });
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(join(cache, 'perfcell')).some((name) => name.startsWith('perfcell-exec-'))).toBe(true);
  });

  // three compilers at once (each spends seconds loading TypeScript's lib files): 13-16 s each in
  // a fresh-clone CI run, over 30 s (vitest's limit here) beside one busy loop, so each test gets
  // the compiler's own limit and a slow compile fails as tsc's timeout, not as the test's
  for (const resolution of ['NodeNext', 'bundler', 'node10'] as const) {
    it.concurrent(`types resolve in a fresh TypeScript project under moduleResolution ${resolution}`, async () => {
      const project = join(work, `ts-${resolution}`);
      mkdirSync(project);
      const module = resolution === 'NodeNext' ? 'NodeNext' : resolution === 'bundler' ? 'ESNext' : 'ES2022';
      writeFileSync(join(project, 'package.json'), '{ "private": true, "type": "module" }\n');
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { module, moduleResolution: resolution, target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
        files: ['main.ts'],
      }));
      writeFileSync(join(project, 'main.ts'), [
        "import { measure, version, type CommandReport } from 'perfcell';",
        'const report = await measure(() => [1, 2, 3].map((x) => x * 2));',
        'const doubled: number[] = report.value;',
        'const program: CommandReport = await measure([\'true\']);',
        'const text: string = version;',
        'console.log(doubled, program.exitCode, text);',
        '',
      ].join('\n'));
      // The installed package, as the project's dependency.
      mkdirSync(join(project, 'node_modules'));
      spawnSync('ln', ['-s', installed, join(project, 'node_modules', 'perfcell')]);
      for (const dependency of readdirSync(join(installed, '..'))) {
        if (dependency !== 'perfcell' && dependency !== '.bin') spawnSync('ln', ['-s', join(installed, '..', dependency), join(project, 'node_modules', dependency)]);
      }
      const check = await execa(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
      expect(check.stdout + check.stderr).toBe('');
      expect(check.exitCode).toBe(0);
    }, 150_000);
  }
});
