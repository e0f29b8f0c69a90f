import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';

// -e and -M name what perf counts; with --no-perf they used to be dropped without a word (compare
// ran its whole comparison without the event asked for). Every measuring command refuses the mix
// before it runs anything: exit 2 (perfcell's usage errors) and one line naming the fix.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-no-perf-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, cwd: dir, timeout: 60_000, forceKillAfterDelay: 1_000, stdin: 'ignore' });

const E_LINE = 'error: -e needs perf, which --no-perf turns off (drop --no-perf, or drop -e)';
const M_LINE = 'error: -M needs perf, which --no-perf turns off (drop --no-perf, or drop -M)';
const BOTH_LINE = 'error: -e and -M need perf, which --no-perf turns off (drop --no-perf, or drop -e and -M)';

describe('-e or -M with --no-perf is a usage error, before anything runs', () => {
  it('compare: no command runs, no export is written', async () => {
    const marker = join(dir, 'compare-ran');
    const exported = join(dir, 'compare.json');
    const result = await perfcell(['compare', '--no-perf', '-e', 'page-faults', '--runs', '2', '--export-json', exported, '--', `touch ${marker}`, 'true']);
    expect(result.stderr).toBe(E_LINE);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(exported)).toBe(false);
  });

  it('compare of cells: no cell runs', async () => {
    const marker = join(dir, 'cell-ran');
    const file = join(dir, 'compare-cells.js');
    writeFileSync(file, `// %% a\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, 'a');\n// %% b\n1;\n`);
    const result = await perfcell(['compare', file, '--cells', 'a', 'b', '--no-perf', '-M', 'TopdownL1', '--runs', '2']);
    expect(result.stderr).toBe(M_LINE);
    expect(result.exitCode).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('run: the program is not started', async () => {
    const marker = join(dir, 'run-ran');
    const result = await perfcell(['run', '--no-perf', '-e', 'page-faults', '-M', 'TopdownL1', '--', 'touch', marker]);
    expect(result.stderr).toBe(BOTH_LINE);
    expect(result.exitCode).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('cells: no cell runs', async () => {
    const marker = join(dir, 'cells-ran');
    const file = join(dir, 'cells.js');
    writeFileSync(file, `// %% only\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    const result = await perfcell(['cells', file, '--no-perf', '-e', 'page-faults']);
    expect(result.stderr).toBe(E_LINE);
    expect(result.exitCode).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('cells: said before the file is read or compiled', async () => {
    for (const file of [join(dir, 'missing.js'), join(dir, 'broken.ts')]) {
      if (file.endsWith('.ts')) writeFileSync(file, '// %% broken\nconst = ;\n');
      const result = await perfcell(['cells', file, '--no-perf', '-e', 'page-faults']);
      expect(result.stderr, file).toBe(E_LINE);
      expect(result.exitCode, file).toBe(2);
    }
  });

  it('kernel: said before the connection file is read, so Jupyter shows why the kernel died', async () => {
    const result = await perfcell(['kernel', '--no-perf', '-e', 'page-faults', join(dir, 'missing-connection.json')]);
    expect(result.stderr).toBe(E_LINE);
    expect(result.exitCode).toBe(2);
  });

  it('repl: no prompt, no session', async () => {
    const result = await perfcell(['repl', '--no-perf', '-e', 'page-faults']);
    expect(result.stderr).toBe(E_LINE);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('attach: the process is not watched', async () => {
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const result = await perfcell(['attach', String(target.pid), '--no-perf', '-e', 'page-faults', '--duration', '0.5', '--json']);
      expect(result.stderr).toBe(E_LINE);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
    } finally {
      target.kill('SIGKILL');
    }
  });

  it('--no-perf alone still measures (the check refuses only the mix)', async () => {
    const marker = join(dir, 'plain-ran');
    const result = await perfcell(['run', '--no-perf', '--json', '--', 'touch', marker]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(JSON.parse(result.stdout).counters.backend).toBe('none');
  });
});
