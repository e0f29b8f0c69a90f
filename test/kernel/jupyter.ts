import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfsCounting } from '../support/perf.ts';

/** Debian's python: a pyenv python3 may come first on PATH and lack Jupyter. */
export const PYTHON = '/usr/bin/python3';

/** Why the Jupyter client tests cannot run here, or null when they can. */
export const jupyterMissing: string | null = (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import nbclient, jupyter_client, nbformat'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  return `the Jupyter kernel tests need ${PYTHON} with jupyter_client and nbclient, which it lacks (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); run scripts/setup.sh or apt-get install -y python3-jupyter-client python3-nbclient`;
})();

/**
 * perf processes attached (`--pid P`) to one of these kernel pids. The kernel tests check these
 * rather than every orphaned perf: other people's tests on this shared machine may leave theirs.
 */
export function perfAttachedTo(kernelPids: ReadonlySet<number>): number[] {
  return perfsCounting(kernelPids);
}

/** Polls until done() or the limit; resolves with the ms it took, or null. */
export async function waitUntil(done: () => boolean, limitMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (done()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return done() ? Date.now() - start : null;
}

/** A code cell of a notebook, as nbformat 4 writes one that has not run. */
export function codeCell(source: string, index: number): object {
  return { cell_type: 'code', id: `c${index}`, metadata: {}, source, outputs: [], execution_count: null };
}

/**
 * Runs a notebook of `cells` under nbclient, the real Jupyter client (run_notebook.py), on perfcell's
 * kernel installed in `dir` as `kernel`: writes dir/in.ipynb, and gives dir/out.ipynb's text.
 * `allowErrors`: a cell's error does not stop the run; `cwd`: the client's (and so the kernel's)
 * working directory; `env`: more environment for them.
 */
export function runNotebook(dir: string, kernel: string, cells: readonly object[], options: { readonly allowErrors?: boolean; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {}): string {
  const install = spawnSync(process.execPath, [cliPath, 'kernel', 'install', '--prefix', dir, '--name', kernel], { encoding: 'utf8' });
  expect(install.status, install.stderr).toBe(0);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: 'TypeScript (perfcell)', language: 'typescript' } },
    cells,
  };
  writeFileSync(join(dir, 'in.ipynb'), JSON.stringify(notebook));
  const run = spawnSync(PYTHON, [join(import.meta.dirname, 'run_notebook.py'), join(dir, 'in.ipynb'), join(dir, 'out.ipynb'), kernel, ...(options.allowErrors === true ? ['--allow-errors'] : [])], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    encoding: 'utf8',
    env: { ...process.env, ...options.env, JUPYTER_PATH: join(dir, 'share', 'jupyter') },
    timeout: options.timeoutMs ?? 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(join(dir, 'out.ipynb'), 'utf8');
}
