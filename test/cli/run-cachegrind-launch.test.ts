import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { hasValgrind, runsWith } from '../support/tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfcell-cg-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const perfcell = (args: readonly string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1', ...env }, extendEnv: true, timeout: 60_000, forceKillAfterDelay: 1_000 });

/**
 * README: run exits 127 when the program is not found and 126 when it cannot be run; a machine that
 * lacks what perfcell needs is a failure (1), not misuse (2). Under --backend cachegrind both were 2:
 * the program was checked first, with a UsageError, so a PATH without valgrind (and so without the
 * program's folder) said `true: not found on PATH` and exited 2.
 */
describe('run --backend cachegrind: what cannot be launched', () => {
  it('valgrind missing from PATH: one line naming the fix, exit 1, whatever the program', async () => {
    const empty = join(dir, 'empty');
    for (const program of ['true', '/bin/true']) {
      const result = await perfcell(['run', '--backend', 'cachegrind', '--', program], { PATH: empty });
      expect(result.stderr).toBe('error: valgrind not found on PATH (install it: sudo apt-get install valgrind)');
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
    }
  });

  it.runIf(runsWith('valgrind', hasValgrind, 'the cachegrind launch-status test'))('a program not found exits 127, one not runnable 126, in the words run says them in under perf', async () => {
    const notFound = await perfcell(['run', '--backend', 'cachegrind', '--', join(dir, 'no-such-program')]);
    expect(notFound.stderr).toBe(`error: cannot run ${join(dir, 'no-such-program')}: no such file or directory (check the name, PATH and permissions)`);
    expect(notFound.exitCode).toBe(127);
    const script = join(dir, 'script.sh');
    writeFileSync(script, '#!/bin/sh\n', { mode: 0o644 });
    const notRunnable = await perfcell(['run', '--backend', 'cachegrind', '--json', '--', script]);
    expect(notRunnable.stderr).toBe(`error: cannot run ${script}: permission denied (make it executable: chmod +x ${script})`);
    expect(notRunnable.exitCode).toBe(126);
    expect(notRunnable.stdout).toBe('');
    // A QA pass: cachegrind had words of its own ('x: not found on PATH (give its path…)', 'x: no such
    // program', and a folder was 'no such program', 127): each now reads as run's under perf does
    // and a script whose #! interpreter is not there (or ends in a Windows \r): valgrind said only
    // 'valgrind wrote no cachegrind output (exit 126); run valgrind … to see why', exit 1 (a review)
    const badInterpreter = join(dir, 'bad-interpreter.sh');
    writeFileSync(badInterpreter, '#!/no/such/interpreter\n', { mode: 0o755 });
    const windowsLineBreak = join(dir, 'crlf.sh');
    writeFileSync(windowsLineBreak, '#!/bin/sh\r\nexit 0\r\n', { mode: 0o755 });
    for (const program of ['no-such-program-xyz', script, dir, badInterpreter, windowsLineBreak]) {
      const [cachegrind, perf] = await Promise.all([perfcell(['run', '--backend', 'cachegrind', '--', program]), perfcell(['run', '--no-perf', '--', program])]);
      expect([cachegrind.exitCode, cachegrind.stderr], program).toEqual([perf.exitCode, perf.stderr]);
    }
    const empty = await perfcell(['run', '--backend', 'cachegrind', '--', '']);
    expect(empty.stderr).toBe('error: cannot run a program with an empty name (the word after -- is ""; give a program, e.g. perfcell run -- ls)');
    expect(empty.exitCode).toBe(127);
    const repeated = await perfcell(['run', '-r', '2', '--backend', 'cachegrind', '--', join(dir, 'no-such-program')]);
    expect(repeated.exitCode).toBe(127);
  });

  // A review: the #! check (842964c) refused a #! line naming no interpreter, 'its #! line names
  // no interpreter', 127, where perf (execvp's ENOEXEC falls back to sh) and valgrind run it
  it.runIf(runsWith('valgrind', hasValgrind, 'the cachegrind blank #! test'))('a #! line naming no interpreter runs under cachegrind as under perf', async () => {
    const blank = join(dir, 'blank-interpreter.sh');
    writeFileSync(blank, '#!\nexit 3\n', { mode: 0o755 });
    const [cachegrind, perf] = await Promise.all([perfcell(['run', '--backend', 'cachegrind', '--json', '--', blank]), perfcell(['run', '--no-perf', '--json', '--', blank])]);
    expect([cachegrind.exitCode, perf.exitCode], cachegrind.stderr).toEqual([3, 3]);
  });
});
