import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

/**
 * A cell whose child process dies of the group's Ctrl-C (execSync('sleep 5') as the user presses
 * it): the child's death fails the cell at the moment perfcell gets its own SIGINT, whose handler
 * runs some turns later. The cell had been reported as its own failure ('failed at line 2:
 * Command failed'), and perfcell then said the Ctrl-C came after the last cell, 'the results are
 * complete', with the next cell not run (3 of 4 runs here; 4 of 6 with a real sleep under load).
 * The signal is sent to the whole group as a terminal sends it, by the cell's own shell
 * (`kill -INT 0`: perfcell, run in a group of its own, and the shell), so that it has always come
 * before the cell fails. Real perfcell, real shell, real signal.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-cells-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cells: a Ctrl-C that kills a cell\'s child process', () => {
  it('is the interruption\'s, not the cell\'s failure', async () => {
    const file = join(dir, 'child.js');
    writeFileSync(file, "// %% child\nrequire('node:child_process').execSync('kill -INT 0; sleep 5');\n// %% after\n1;\n");
    // detached: a process group of its own, which `kill -INT 0` signals whole
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-perf', file], { reject: false, detached: true, env: { NO_COLOR: '1' }, timeout: 20_000 });
    expect(result.signal, result.stderr).toBe('SIGINT');
    const lines = result.stderr.split('\n');
    expect(lines, result.stderr).toContain(`error: cell 'child' failed in ${file}: interrupted by SIGINT while the cell ran`);
    expect(lines, result.stderr).toContain('perfcell: interrupted by SIGINT; 1 cell reported, 1 not run (after)');
    expect(result.stderr).not.toContain('Command failed');
    expect(result.stdout).toMatch(/^child +2 .* interrupted$/m);
  });
});
