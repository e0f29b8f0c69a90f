import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFolders } from '../../src/make-folders.ts';
import { cliPath } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-cache-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the cache folder', () => {
  it('is made folder by folder; false, at once, where it cannot be (under /proc, under a file)', () => {
    const nested = join(dir, 'a', 'b', 'perfcell');
    expect(makeFolders(nested)).toBe(true);
    expect(statSync(nested).isDirectory()).toBe(true);
    expect(makeFolders(nested)).toBe(true);
    // mkdir under /proc fails with ENOENT though /proc exists: Node's recursive mode retried it forever
    expect(makeFolders('/proc/x/perfcell/code-cache')).toBe(false);
    writeFileSync(join(dir, 'file'), '');
    expect(makeFolders(join(dir, 'file', 'perfcell'))).toBe(false);
  });

  // Before: the lane's code cache and the default-events probe made their folder with mkdirSync's
  // recursive mode, and `run` spun until killed. The cache only saves work, so run goes on without it.
  for (const cacheHome of ['/proc/x', '/dev/null']) {
    it(`XDG_CACHE_HOME=${cacheHome} perfcell run -- true: runs without the cache, promptly`, async () => {
      const result = await execa(process.execPath, [cliPath, 'run', '--json', '--', 'true'], {
        reject: false,
        env: { NO_COLOR: '1', XDG_CACHE_HOME: cacheHome },
        timeout: 20_000,
        killSignal: 'SIGKILL',
      });
      expect(result.timedOut, 'perfcell spun until killed').toBe(false);
      expect(result.exitCode, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { exitCode: number }).exitCode).toBe(0);
      expect(existsSync('/proc/x')).toBe(false);
    });
  }
});
