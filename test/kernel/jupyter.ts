import { spawnSync } from 'node:child_process';
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
