import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath } from '../support/fixtures.ts';

const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });

/** Exits 0 under bash only: sh (dash on Debian) has no $BASH_VERSION. */
const ONLY_BASH = 'test -n "$BASH_VERSION"';

// hyperfine's -S SHELL (and --shell=SHELL), with real shells.
describe('perfcell compare -S SHELL', () => {
  it('runs each command, and the noise floor, with SHELL -c; --shell=SHELL is the same; the document names it', async () => {
    for (const flags of [['-S', 'bash'], ['--shell=bash']]) {
      const result = await perfcell(['compare', '--no-perf', '--json', '-w', '0', '-r', '2', ...flags, '--', ONLY_BASH]);
      expect(result.exitCode, result.stderr).toBe(0);
      const document = JSON.parse(result.stdout) as CompareDocument;
      expect(document.alternatives[0]?.command).toEqual(['bash', '-c', ONLY_BASH]);
      expect(document.noiseFloor?.command).toEqual(['bash', '-c', 'true']);
      expect([document.settings.shell, document.settings.shellProgram]).toEqual([true, 'bash']);
    }
    // under --shell (sh) the same command fails: the shell -S names is the one that ran
    const sh = await perfcell(['compare', '--no-perf', '-w', '0', '-r', '1', '--shell', '--', ONLY_BASH]);
    expect(sh.exitCode).toBe(1);
    expect(sh.stderr).toContain(`exited with code 1`);
  });

  it("takes a shell's command line as hyperfine does (-S 'bash -o posix'): its words, then -c", async () => {
    // bash -o posix sets POSIXLY_CORRECT: the option reached the shell that ran the command
    const posix = 'test "$POSIXLY_CORRECT" = y';
    const result = await perfcell(['compare', '--no-perf', '--json', '-w', '0', '-r', '2', '-S', 'bash -o posix', '--', posix]);
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as CompareDocument;
    expect(document.alternatives[0]?.command).toEqual(['bash', '-o', 'posix', '-c', posix]);
    expect(document.settings.shellProgram).toBe('bash -o posix');
    expect((await perfcell(['compare', '--no-perf', '-w', '0', '-r', '1', '-S', 'bash', '--', posix])).exitCode).toBe(1);
  });

  it('-S none runs no shell, -S default runs sh', async () => {
    const none = await perfcell(['compare', '--no-perf', '--json', '-w', '0', '-r', '1', '-S', 'none', '--', 'echo $HOME']);
    expect(none.exitCode, none.stderr).toBe(0);
    expect((JSON.parse(none.stdout) as CompareDocument).alternatives[0]?.command).toEqual(['echo', '$HOME']);
    const sh = await perfcell(['compare', '--no-perf', '--json', '-w', '0', '-r', '1', '-S', 'default', '--', 'echo $HOME']);
    expect(sh.exitCode, sh.stderr).toBe(0);
    expect((JSON.parse(sh.stdout) as CompareDocument).alternatives[0]?.command).toEqual(['sh', '-c', 'echo $HOME']);
  });

  it('refuses a shell that is not there, -S beside --shell or -N, and -S with cachegrind, before any run', async () => {
    const cases: Array<[readonly string[], string]> = [
      [['-S', 'no-such-shell-xyz', '--', 'true'], 'error: -S no-such-shell-xyz: no such shell on PATH (install it, or pick another: -S bash, or -S none for no shell)'],
      [['-S', 'bash', '--shell', '--', 'true'], 'error: -S picks the shell (-S none: no shell): give it without --shell'],
      [['-N', '-S', 'bash', '--', 'true'], 'error: -S picks the shell (-S none: no shell): give it without -N'],
      [['-S', 'no-such-shell-xyz --norc', '--', 'true'], 'error: -S no-such-shell-xyz --norc: no such shell on PATH (no-such-shell-xyz) (install it, or pick another: -S bash, or -S none for no shell)'],
      [['-S', "bash -c 'x", '--', 'true'], "error: -S bash -c 'x: cannot split it: unclosed single quote (close the quote)"],
      [['--backend', 'cachegrind', '-S', 'bash', '--', 'true'], 'error: -S bash cannot be combined with --backend cachegrind: cachegrind would count the shell, not the command (drop -S bash)'],
    ];
    for (const [args, message] of cases) {
      // (not --no-perf with cachegrind: the pair is refused first, cachegrind starting no perf)
      const result = await perfcell(['compare', ...(args.includes('cachegrind') ? [] : ['--no-perf']), ...args]);
      expect([result.exitCode, result.stderr.trim()], args.join(' ')).toEqual([2, message]);
    }
  });
});
