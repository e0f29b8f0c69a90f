import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

/**
 * `perfcell run` and `parse` run their lane (dist/app/lane-NAME.cjs) through src/cli/lane-loader.ts
 * with a V8 code cache kept in the cache folder. Real CLI runs with their own XDG_CACHE_HOME.
 */
const home = mkdtempSync(join(tmpdir(), 'perfcell-code-cache-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const cacheFolder = (root: string) => join(root, 'perfcell', 'code-cache');
const laneCaches = (root: string, lane: string) => (existsSync(cacheFolder(root)) ? readdirSync(cacheFolder(root)).filter((name) => name.startsWith(`lane-${lane}-`)) : []);
// with perf (its default events: where perf cannot count, the run still completes, with a note); a
// run with --no-perf leaves a partial cache (below)
const run = (root: string, env: Record<string, string> = {}) =>
  execa(process.execPath, [cliPath, 'run', '--json', '--', 'true'], { reject: false, env: { XDG_CACHE_HOME: root, ...env } });

describe('the lanes\' V8 code cache', () => {
  it('is written by the first run, used by the next, and remade when it does not fit', async () => {
    const root = join(home, 'a');
    const first = await run(root);
    expect(first.exitCode, first.stderr).toBe(0);
    const [made] = laneCaches(root, 'run');
    expect(made).toMatch(new RegExp(`^lane-run-${process.version.replace(/\./g, '\\.')}-${process.arch}-\\d+-\\d+\\.v8$`));
    const path = join(cacheFolder(root), made!);
    const madeAt = statSync(path).mtimeMs;
    expect(statSync(path).size).toBeGreaterThan(10_000);

    // taken as it is: not written again
    const second = await run(root);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).exitCode).toBe(0);
    expect(statSync(path).mtimeMs).toBe(madeAt);

    // a cache V8 rejects (here: garbage) changes nothing of the run, and is replaced at its exit
    writeFileSync(path, Buffer.alloc(4096, 7));
    const third = await run(root);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout).format).toBe('perfcell-report');
    expect(readFileSync(path).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(laneCaches(root, 'run')).toEqual([made]);
  });

  it('made by a run that stopped at its options (--help, a usage error) or ran without perf, is kept as partial until a run with perf completes, which writes the whole one', async () => {
    const root = join(home, 'd');
    const help = await execa(process.execPath, [cliPath, 'run', '--help'], { reject: false, env: { XDG_CACHE_HOME: root } });
    expect(help.exitCode, help.stderr).toBe(0);
    const [partial] = laneCaches(root, 'run');
    expect(partial).toMatch(/^lane-run-.*\.partial\.v8$/);
    const partialBytes = statSync(join(cacheFolder(root), partial!)).size;

    // another run that stops at its options: the partial cache is taken as it is
    const usage = await execa(process.execPath, [cliPath, 'run', '--no-such-flag', '--', 'true'], { reject: false, env: { XDG_CACHE_HOME: root } });
    expect(usage.exitCode).toBe(2);
    expect(laneCaches(root, 'run')).toEqual([partial]);
    // a run without perf, which compiles none of perf's code: the same
    const noPerf = await execa(process.execPath, [cliPath, 'run', '--no-perf', '--', 'true'], { reject: false, env: { XDG_CACHE_HOME: root } });
    expect(noPerf.exitCode, noPerf.stderr).toBe(0);
    expect(laneCaches(root, 'run')).toEqual([partial]);

    // a run that measures: the whole cache replaces the partial one, holding what the measurement compiled
    const measured = await run(root);
    expect(measured.exitCode, measured.stderr).toBe(0);
    const [whole] = laneCaches(root, 'run');
    expect(laneCaches(root, 'run')).toHaveLength(1);
    expect(whole).toBe(partial!.replace(/\.partial\.v8$/, '.v8'));
    const path = join(cacheFolder(root), whole!);
    expect(statSync(path).size).toBeGreaterThan(partialBytes * 1.2);

    // and stays: --help after it neither rewrites it nor makes a partial one
    const madeAt = statSync(path).mtimeMs;
    await execa(process.execPath, [cliPath, 'run', '--help'], { reject: false, env: { XDG_CACHE_HOME: root } });
    expect(laneCaches(root, 'run')).toEqual([whole]);
    expect(statSync(path).mtimeMs).toBe(madeAt);
  });

  it('is neither read nor written with PERFCELL_NO_CODE_CACHE=1', async () => {
    const root = join(home, 'b');
    const result = await run(root, { PERFCELL_NO_CODE_CACHE: '1' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(laneCaches(root, 'run')).toEqual([]);
  });

  it('serves parse\'s lane too', async () => {
    const root = join(home, 'c');
    const result = await execa(process.execPath, [cliPath, 'parse'], { input: '1.0,5,,page-faults,100,100.00,,\n', reject: false, env: { XDG_CACHE_HOME: root } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(2);
    expect(laneCaches(root, 'parse')).toHaveLength(1);
  });
});
