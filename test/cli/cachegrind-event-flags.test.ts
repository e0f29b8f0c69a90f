import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

// -e and -M pick perf's events; cachegrind counts none of them (it simulates the caches), and with
// --backend cachegrind they used to be dropped without a word. run and compare refuse the mix
// before anything runs: exit 2 and one line naming the fix. Real perfcell; valgrind never starts.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-cachegrind-flags-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000, stdin: 'ignore' });

describe('-e or -M with --backend cachegrind is a usage error, before anything runs', () => {
  it('compare: no command runs', async () => {
    const marker = join(dir, 'compare-ran');
    const result = await perfcell(['compare', '--backend', 'cachegrind', '-e', 'page-faults', '--runs', '1', '--', `touch ${marker}`, 'true']);
    expect(result.stderr).toBe("error: -e picks perf's events, which --backend cachegrind does not count (drop -e, or drop --backend cachegrind)");
    expect(result.exitCode).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('run: the program is not started', async () => {
    const marker = join(dir, 'run-ran');
    const result = await perfcell(['run', '--backend', 'cachegrind', '-e', 'page-faults', '-M', 'TopdownL1', '--', 'touch', marker]);
    expect(result.stderr).toBe("error: -e and -M pick perf's events, which --backend cachegrind does not count (drop -e and -M, or drop --backend cachegrind)");
    expect(result.exitCode).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });
});

// -I and --no-perf were taken without a word under --backend cachegrind too (a review): one starts
// no perf to print intervals, the other turns off a perf that does not run.
describe('-I or --no-perf given with --backend cachegrind is a usage error; a default -I is not', () => {
  it('run and compare refuse -I before anything runs', async () => {
    const marker = join(dir, 'interval-ran');
    for (const args of [['run', '--backend', 'cachegrind', '-I', '50', '--', 'touch', marker], ['compare', '--backend', 'cachegrind', '-I', '50', '--runs', '1', '--', `touch ${marker}`, 'true']]) {
      const result = await perfcell(args);
      expect(result.stderr).toBe("error: -I sets perf's print interval, and --backend cachegrind starts no perf (drop -I, or drop --backend cachegrind)");
      expect(result.exitCode).toBe(2);
      expect(existsSync(marker)).toBe(false);
    }
  });

  it('run and compare refuse --no-perf', async () => {
    for (const args of [['run', '--backend', 'cachegrind', '--no-perf', '--', 'true'], ['compare', '--backend', 'cachegrind', '--no-perf', '--runs', '1', '--', 'true', 'true']]) {
      const result = await perfcell(args);
      expect(result.stderr).toBe('error: --no-perf turns perf off, and --backend cachegrind starts none: it counts without perf (drop --no-perf; or drop --backend cachegrind for RAM, time and CPU without counters)');
      expect(result.exitCode).toBe(2);
    }
  });

  it('PERFCELL_INTERVAL, a default for perf, does not stop a cachegrind run', async () => {
    const result = await execa(process.execPath, [cliPath, 'run', '--backend', 'cachegrind', '--json', '--', 'true'], { reject: false, env: { NO_COLOR: '1', PERFCELL_INTERVAL: '50' }, cwd: dir, timeout: 60_000, stdin: 'ignore' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ counters: { backend: 'cachegrind' } });
  });
});
