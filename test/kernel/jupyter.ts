import { spawnSync } from 'node:child_process';

/** Debian's python: a pyenv python3 may come first on PATH and lack Jupyter. */
export const PYTHON = '/usr/bin/python3';

/** Why the Jupyter client tests cannot run here, or null when they can. */
export const jupyterMissing: string | null = (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import nbclient, jupyter_client, nbformat'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  return `the Jupyter kernel tests need ${PYTHON} with jupyter_client and nbclient, which it lacks (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); run scripts/setup.sh or apt-get install -y python3-jupyter-client python3-nbclient`;
})();
