import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import pty from 'node-pty';
import { cliPath, fixture } from '../support/fixtures.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { pidsInSession } from '../support/proc-scan.ts';

/**
 * A Ctrl-C under `perfcell run` does to the program and to the shell around it what it does to the
 * bare program: the program gets one SIGINT, and a shell's loop stops where the program died of it.
 */
const perfBefore = perfPidsNow();
afterAll(async () => expect(await leakedPerfPidsSettled(perfBefore)).toEqual([]));

async function until(condition: () => boolean, what: string, tries = 500): Promise<void> {
  for (let tried = 0; tried < tries; tried += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('perfcell run and Ctrl-C, as for the bare program', () => {
  // A QA pass: perfcell passed the terminal's SIGINT on to a program that had it already (both in
  // the terminal's foreground group), so the program got two, and the second cut short what the
  // first had started: Python's KeyboardInterrupt handler never printed its 'cleaned up'.
  it('a Ctrl-C typed at the terminal reaches the program once', async () => {
    const { COLUMNS: _columns, ...env } = process.env;
    const terminal = pty.spawn(process.execPath, [cliPath, 'run', '--no-perf', '--no-live', '--', fixture('count-sigint'), '500'], { cols: 120, rows: 30, env: { ...env, NO_COLOR: '1' } as Record<string, string> });
    let text = '';
    terminal.onData((data) => (text += data));
    const ended = new Promise<{ exitCode: number; signal?: number }>((resolve) => terminal.onExit(resolve));
    try {
      await until(() => text.includes('ready'), 'the program to start');
      // typed a moment later, as a person would: perfcell passes signals on once the program runs
      await new Promise((resolve) => setTimeout(resolve, 200));
      terminal.write('\x03');
      const exit = await Promise.race([ended, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))]);
      expect(exit, text).not.toBeNull();
      expect(text.match(/SIGINT x\d+/g), text).toEqual(['SIGINT x1']);
      expect(exit?.exitCode, text).toBe(0);
    } finally {
      terminal.kill('SIGKILL');
    }
  }, 30_000);

  // A QA pass: perfcell exited 130 where its program had died of the Ctrl-C, so bash, which stops
  // its script only when the command it waited for died of the SIGINT, ran the next round of the
  // loop: the bare program's loop, perf stat's and timeout's stop.
  it('a shell loop of runs stops at a Ctrl-C that kills the program, as a loop of the bare program does', async () => {
    const loop = `for i in 1 2; do "$0" "$1" run --no-perf -- "$2" 3000 2>/dev/null; echo "next $i $?"; done`;
    const shell = execa('bash', ['-c', loop, process.execPath, cliPath, fixture('sleep-ms')], { reject: false, detached: true, timeout: 20_000 });
    await until(() => pidsInSession(shell.pid ?? 0, 'sleep-ms').length > 0, 'the first run to start');
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-(shell.pid ?? 0), 'SIGINT');
    const result = await shell;
    expect(result.stdout).toBe('');
    expect(result.signal).toBe('SIGINT');
  }, 30_000);

  it('a program that catches the Ctrl-C and exits by itself leaves the script going, as it would bare', async () => {
    const loop = `"$0" "$1" run --no-perf -- "$2" 5 2>/dev/null; echo "next $?"; echo after`;
    const shell = execa('bash', ['-c', loop, process.execPath, cliPath, fixture('trap-int')], { reject: false, detached: true, timeout: 30_000 });
    await until(() => pidsInSession(shell.pid ?? 0, 'trap-int').length > 0, 'the first run to start');
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-(shell.pid ?? 0), 'SIGINT');
    const result = await shell;
    expect(result.stdout.split('\n')).toEqual(['ready', 'next 5', 'after']);
    expect(result.exitCode).toBe(0);
  }, 40_000);
});

describe('perfcell compare and cells and Ctrl-C, as hyperfine and a script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfcell-signal-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // compare and cells exited 130 on a Ctrl-C, so a shell's loop of them went on to its next round,
  // where a loop of hyperfine's stops (it dies of the SIGINT, as run now does)
  const started = join(dir, 'started');
  it.each([
    // compare's programs run in a session of their own: each says it runs
    ['compare', ['compare', '--no-perf', '--shell', '-r', '50', '--', `: > ${started}; ${fixture('sleep-ms')} 100`, `${fixture('sleep-ms')} 120`]],
    ['cells', ['cells', '--no-perf', join(dir, 'slow.js')]],
  ])('a shell loop of %s stops at a Ctrl-C', async (_name, args) => {
    // the cell says it runs (cells run in perfcell's process), so the Ctrl-C falls inside its 20 s wait
    writeFileSync(join(dir, 'slow.js'), `// %% slow\nimport { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(started)}, '');\nawait new Promise((resolve) => setTimeout(resolve, 20_000));\n// %% after\n1;\n`);
    rmSync(started, { force: true });
    const loop = 'cli=$1; shift; for i in 1 2; do "$0" "$cli" "$@" 2>/dev/null >/dev/null; echo "next $i $?"; done';
    const shell = execa('bash', ['-c', loop, process.execPath, cliPath, ...args], { reject: false, detached: true, timeout: 20_000 });
    await until(() => existsSync(started), 'the first round to start', 2000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const signalledMs = performance.now();
    process.kill(-(shell.pid ?? 0), 'SIGINT');
    const result = await shell;
    expect(result.stdout).toBe('');
    expect(result.signal).toBe('SIGINT');
    // at once, not once the stopped cell's 20 s timer has fired (it kept cells alive, as it would not keep node)
    expect(performance.now() - signalledMs).toBeLessThan(10_000);
  }, 30_000);
});
