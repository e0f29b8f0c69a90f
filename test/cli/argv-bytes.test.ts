// A QA pass: `perfcell run -- ./tr\xffue` (a file named in Latin-1, which /usr/bin/time runs) read
// "cannot run ./tr�ue: no such file" (127), and `run -- printf %s a\xfe\xffb` handed the program
// a\uFFFD\uFFFDb: Node decodes argv as UTF-8. perfcell now refuses such a word before anything
// runs (exit 2), naming it by its bytes and how to give it.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { notUtf8Words } from '../../src/cli/argv-bytes.ts';
import { cliPath } from '../support/fixtures.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe("perfcell's command line in bytes", () => {
  it('finds the words Node decoded with U+FFFD in place of bytes that are not UTF-8, whatever node flags come before the script', () => {
    const argv = ['node', 'cli.cjs', 'run', '--', './tr\uFFFDue', 'h\u00e9'];
    const cmdline = Buffer.concat([latin1('node\0--single-threaded-gc\0cli.cjs\0run\0--\0./tr\xffue\0'), Buffer.from('h\u00e9\0')]);
    expect(notUtf8Words(argv, cmdline)).toEqual(['./tr\\xffue']);
    // a real U+FFFD typed in UTF-8 is the user's
    expect(notUtf8Words(['node', 'cli.cjs', '\uFFFD'], Buffer.from('node\0cli.cjs\0\uFFFD\0'))).toEqual([]);
  });

  it('refuses such a program or argument before anything runs (exit 2), and runs UTF-8 and the shell form it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-argv-bytes-'));
    try {
      const name = Buffer.concat([Buffer.from(`${dir}/tr`), latin1('\xff'), Buffer.from('ue')]);
      copyFileSync('/bin/true', name);
      // bash -c passes the bytes as given, as a terminal's shell does
      const run = (args: string) => spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} run --no-perf -- ${args}`], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
      const refused = run(`"./tr$(printf '\\377')ue"`);
      expect(refused.status, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/^error: \.\/tr\\xffue is not UTF-8, and Node, which perfcell runs on, would hand it on changed: name it in UTF-8, or let a shell make its bytes from ASCII/);
      const argument = run(`printf %s "a$(printf '\\376\\377')b"`);
      expect(argument.status).toBe(2);
      expect(argument.stdout).toBe('');
      expect(argument.stderr).toMatch(/^error: a\\xfe\\xffb is not UTF-8/);
      const shell = run(`sh -c './tr$(printf "\\377")ue'`);
      expect(shell.status, shell.stderr).toBe(0);
      const utf8 = run(`printf %s 'h\u00e9 \u2713'`);
      expect(utf8.status, utf8.stderr).toBe(0);
      expect(utf8.stdout).toBe('h\u00e9 \u2713');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
