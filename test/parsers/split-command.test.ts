import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../parsers/split-command.ts';

/** How sh itself splits the words: the oracle for every case that sh accepts. */
function shellWords(text: string): string[] {
  const out = execFileSync('sh', ['-c', `for word in ${text}; do printf '%s\\0' "$word"; done`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return out === '' ? [] : out.slice(0, -1).split('\0');
}

describe('splitCommand', () => {
  const cases = [
    './rowcol col 1024',
    '  spaced   out\targs  ',
    `echo 'a b' "c d"`,
    `printf "%s" "quote \\" inside" 'single \\ kept'`,
    `a\\ b c`,
    `mixed"dq"'sq'plain`,
    `"" ''`,
    `line \\\ncontinued`,
    `"dollar \\$ and backtick \\\` escaped" "but \\n kept"`,
  ];
  for (const text of cases) {
    it(`splits ${JSON.stringify(text)} as sh does`, () => {
      expect(splitCommand(text)).toEqual({ argv: shellWords(text) });
    });
  }

  it('expands nothing: $VAR, globs and ~ stay as typed', () => {
    expect(splitCommand('echo $HOME * ~')).toEqual({ argv: ['echo', '$HOME', '*', '~'] });
  });

  it('says what is wrong with text it cannot split', () => {
    expect(splitCommand(`echo 'open`)).toEqual({ error: 'unclosed single quote' });
    expect(splitCommand(`echo "open`)).toEqual({ error: 'unclosed double quote' });
    expect(splitCommand('echo \\')).toEqual({ error: 'backslash at the end' });
  });

  it('gives no words for blank text', () => {
    expect(splitCommand('   ')).toEqual({ argv: [] });
  });
});
