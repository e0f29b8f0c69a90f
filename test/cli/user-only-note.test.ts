import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perfUsable } from '../support/perf.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;

/** describeUserOnly's note for a :u perf added itself; a :u written in -e is the user's own. */
const PERF_ADDED = 'perf excluded the kernel';

beforeAll(() => {
  // test/global-setup.ts builds once (or fails the run); each file only checks the bin is there.
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

const perfcell = (args: readonly string[], input?: string) =>
  execa(process.execPath, [bin, ...args], { reject: false, timeout: 60_000, forceKillAfterDelay: 1_000, env: { NO_COLOR: '1' }, cwd: '/tmp', ...(input === undefined ? {} : { input }) });

// Every mode hands the -e list to the report's notes, as run does (1125a6b): an explicit
// page-faults:u counts, and no mode blames perf_event_paranoid for the :u the user wrote.
describe.runIf(perfUsable)('-e page-faults:u is the user\'s :u in every mode', () => {
  // one cells file for every test here, removed after the last (each awaits its perfcell)
  let dir = '';
  let file = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-user-only-'));
    file = join(dir, 'cells.js');
    writeFileSync(file, '// %% a\nlet s = 0\n// %% b\nfor (let i = 0; i < 1000; i++) s += i\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('cells', async () => {
    const result = await perfcell(['cells', '-e', 'page-faults:u', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('page-faults:u');
    expect(result.stdout + result.stderr).not.toContain(PERF_ADDED);
  });

  it('compare, commands and cells', async () => {
    for (const args of [['--', 'true', 'sleep 0'], [file, '--cells', 'a', 'b']]) {
      const result = await perfcell(['compare', '--runs', '2', '--json', '-e', 'page-faults:u', ...args]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain('page-faults:u');
      expect(result.stdout + result.stderr, args.join(' ')).not.toContain(PERF_ADDED);
    }
  });

  it('the REPL', async () => {
    const result = await perfcell(['repl', '-e', 'page-faults:u'], '1 + 1\n');
    expect(result.stdout + result.stderr).toContain('page-faults:u');
    expect(result.stdout + result.stderr).not.toContain(PERF_ADDED);
  });

  it('attach', async () => {
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const result = await perfcell(['attach', '--json', '-e', 'page-faults:u', '--duration', '0.5', String(target.pid)]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain('page-faults:u');
      expect(result.stdout + result.stderr).not.toContain(PERF_ADDED);
    } finally {
      target.kill('SIGKILL');
    }
  });
});
