import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

/**
 * A maker of folders under the system's temporary one, for a test file: each folder it makes is
 * removed after the test that made it (`'each'`) or once the file's tests are over (`'all'`: for
 * tests that run side by side, or share a folder). Call it at the file's top level, where the
 * hook it registers belongs; the tests must have ended every process that uses a folder by then.
 * @example const tempFolder = temporaryFolders('each'); const dir = tempFolder('perfcell-pipe-');
 */
export function temporaryFolders(removed: 'each' | 'all'): (prefix: string) => string {
  const made: string[] = [];
  (removed === 'each' ? afterEach : afterAll)(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
