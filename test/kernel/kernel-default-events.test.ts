import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { codeCell, jupyterMissing, PYTHON } from './jupyter.ts';

// removed after each test: the notebook's run (spawnSync) and its kernel have ended by then
const tempFolder = temporaryFolders('each');

// a QA pass: a kernel whose events came from PERFCELL_EVENTS logged perf's refusal of one as
// "drop it from -e", a flag no kernelspec gave; the CLI's commands name the variable, and so does it
describe.runIf(jupyterMissing === null && perfUsable)('perfcell kernel with PERFCELL_EVENTS', () => {
  it('names PERFCELL_EVENTS as where to drop an event perf refuses, and still runs the cell', () => {
    const dir = tempFolder('perfcell-kernel-events-');
    const install = spawnSync(process.execPath, [cliPath, 'kernel', 'install', '--prefix', dir, '--name', 'perfcell-events'], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'perfcell-events', display_name: 'TypeScript (perfcell)', language: 'typescript' } }, cells: [codeCell('6 * 7', 0)] };
    writeFileSync(join(dir, 'in.ipynb'), JSON.stringify(notebook));
    const run = spawnSync(PYTHON, [join(import.meta.dirname, 'run_notebook.py'), join(dir, 'in.ipynb'), join(dir, 'out.ipynb'), 'perfcell-events'], {
      encoding: 'utf8',
      env: { ...process.env, PERFCELL_EVENTS: 'bogus', JUPYTER_PATH: join(dir, 'share', 'jupyter') },
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line.includes("'bogus'"))).toEqual([
      "perfcell kernel: error: unknown perf event 'bogus' (see perf list, or drop it from PERFCELL_EVENTS); measuring RAM, time and CPU only (.events LIST to try again)",
    ]);
    expect(readFileSync(join(dir, 'out.ipynb'), 'utf8')).toContain('"42"');
  });
});
