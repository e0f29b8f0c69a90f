import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildKernelSpec, installKernelSpec, kernelsDir, listKernelSpecs, uninstallKernelSpec, userDataDir } from '../../src/kernel/kernelspec.ts';
import { cliPath } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-kernelspec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kernelspec locations and contents', () => {
  it('finds the user dir as jupyter_core does on Linux', () => {
    expect(userDataDir({ JUPYTER_DATA_DIR: '/data/jupyter' })).toBe('/data/jupyter');
    expect(userDataDir({ XDG_DATA_HOME: '/xdg' })).toBe('/xdg/jupyter');
    expect(userDataDir({})).toBe(join(homedir(), '.local', 'share', 'jupyter'));
    expect(kernelsDir({ kind: 'prefix', dir: '/opt/env' })).toBe('/opt/env/share/jupyter/kernels');
    expect(kernelsDir({ kind: 'sys-prefix', python: '/usr/bin/python3' })).toBe('/usr/share/jupyter/kernels');
  });

  it('runs this node and this perfcell, and names the kernel in the display name when not the default', () => {
    expect(buildKernelSpec('perfcell')).toEqual({
      argv: [process.execPath, cliPath, 'kernel', '{connection_file}'],
      display_name: 'TypeScript (perfcell)',
      language: 'typescript',
      interrupt_mode: 'signal',
      metadata: { perfcell: { kernelName: 'perfcell' } },
    });
    expect(buildKernelSpec('nightly').display_name).toBe('TypeScript (perfcell): nightly');
  });

  it('installs under --user (JUPYTER_DATA_DIR), lists it from there, and refuses a bad name', () => {
    const env = { JUPYTER_DATA_DIR: join(dir, 'data') };
    const installed = installKernelSpec({ kind: 'user' }, 'perfcell', env);
    expect(installed).toBe(join(dir, 'data', 'kernels', 'perfcell'));
    expect(listKernelSpecs([], env).filter((spec) => spec.dir.startsWith(dir))).toEqual([{ name: 'perfcell', dir: installed, argv: buildKernelSpec('perfcell').argv }]);
    expect(uninstallKernelSpec({ kind: 'user' }, 'perfcell', env)).toBe(installed);
    expect(() => installKernelSpec({ kind: 'user' }, '../escape', env)).toThrow('kernel name "../escape" is not valid (use letters, digits, ., _ and -)');
  });

  it('kernel install names the display name it installed, with --name too', () => {
    const prefix = join(dir, 'named');
    const specDir = join(prefix, 'share', 'jupyter', 'kernels', 'perfcellqa');
    const installed = spawnSync(process.execPath, [cliPath, 'kernel', 'install', '--prefix', prefix, '--name', 'perfcellqa'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    expect([installed.status, installed.stdout, installed.stderr]).toEqual([0, `${specDir}\n`, 'installed kernelspec perfcellqa (pick "TypeScript (perfcell): perfcellqa" in JupyterLab or VS Code)\n']);
    // what Jupyter lists is what it said
    expect((JSON.parse(readFileSync(join(specDir, 'kernel.json'), 'utf8')) as { display_name: string }).display_name).toBe('TypeScript (perfcell): perfcellqa');
    const plain = spawnSync(process.execPath, [cliPath, 'kernel', 'install', '--prefix', prefix], { encoding: 'utf8', timeout: 60_000 });
    expect(plain.stderr).toBe('installed kernelspec perfcell (pick "TypeScript (perfcell)" in JupyterLab or VS Code)\n');
  });
});
