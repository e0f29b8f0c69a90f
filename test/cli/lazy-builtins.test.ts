import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

/**
 * `run` and compare of programs measure other processes: the modules only a process that measures
 * itself needs are not loaded on their way to the first run. node:v8 (GC recording, settling
 * memory) cost 3.1-3.3 ms to require here, perf_hooks (`performance`) 1.6-2.2, esbuild (cells in
 * TypeScript) ~8 (src/v8-on-demand.ts, src/session/clock.ts, src/esbuild-on-demand.ts). A preload
 * writes what Node had loaded as the real CLI exits. perf's default events: where perf cannot
 * count, the runs still complete (with a note), and what they load is the same.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-lazy-builtins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const preload = join(dir, 'loaded.cjs');
writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) })));\n`);

async function loadedBy(name: string, argv: readonly string[]): Promise<{ builtins: string[]; files: string[] }> {
  const out = join(dir, `${name}.json`);
  const result = await execa(process.execPath, ['-r', preload, cliPath, ...argv], { reject: false, env: { LOADED_OUT: out, XDG_CACHE_HOME: join(dir, 'cache') } });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as { builtins: string[]; files: string[] };
}

describe('start-up: what measuring another process does not load', () => {
  it.each([
    ['run', ['run', '--json', '--', 'true']],
    ['compare', ['compare', '--json', '--warmup', '1', '--runs', '2', '--', 'true', 'sleep 0']],
  ])('%s: neither node:v8 nor perf_hooks nor esbuild', async (name, argv) => {
    const { builtins, files } = await loadedBy(name, argv);
    // what it ran on is there: the lane and child_process
    expect(builtins).toContain('NativeModule child_process');
    expect(builtins.filter((entry) => /^NativeModule (v8|perf_hooks|internal\/perf\/performance)$/.test(entry))).toEqual([]);
    expect(files.filter((file) => /[/\\]esbuild[/\\]/.test(file))).toEqual([]);
  });
});
