import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { nobodyCanRun, warnNobodySkipped } from '../support/nobody.ts';

// cells --write stores the reports in the notebook after every cell has run: a notebook the user may
// not write was found only then, 'error: EACCES: permission denied, open 'nb.ipynb'' after the whole
// run, with no fix (a QA pass). It is checked before the first cell, as the other outputs are.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-cells-write-'));
  // the user nobody runs the notebook in here: it may read, not write
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cells --write checks the notebook before the first cell', () => {
  it.runIf(nobodyCanRun)('a notebook the user may not write: exit 2, the fix named, no cell run (as nobody)', async () => {
    const log = join(dir, 'ran.log');
    writeFileSync(log, '');
    chmodSync(log, 0o666);
    const cell = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
    const notebook = { cells: [cell(`require('node:fs').appendFileSync(${JSON.stringify(log)}, 'ran\\n');`)], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    writeFileSync(join(dir, 'nb.ipynb'), JSON.stringify(notebook));
    chmodSync(join(dir, 'nb.ipynb'), 0o644);
    const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliPath, 'cells', '--no-perf', '--write', 'nb.ipynb'], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000 });
    expect([result.exitCode, result.stderr]).toEqual([2, 'error: --write stores the reports in nb.ipynb, which may not be written (make it writable, or leave out --write)']);
    expect(readFileSync(log, 'utf8')).toBe('');
  });
  if (!nobodyCanRun) warnNobodySkipped('the cells --write permission test');
});
