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
