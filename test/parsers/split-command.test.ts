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

  it('expands nothing: $VAR, globs and ~ stay as typed, and the $ is named as shell syntax', () => {
    expect(splitCommand('echo $HOME * ~')).toEqual({ argv: ['echo', '$HOME', '*', '~'], shellSyntax: '$' });
    expect(splitCommand('ls * ~ [ab]')).toEqual({ argv: ['ls', '*', '~', '[ab]'] });
  });

  // hyperfine runs a command in a shell: what a shell would act on, pasted into compare, is named (compare refuses it without --shell)
  it('names the first shell syntax a shell would act on, outside quotes (and $ or ` inside double quotes)', () => {
    const cases: [string, string | undefined][] = [
      ['seq 9 | wc -l', '|'],
      ['make && ./prog', '&&'],
      ['a || b', '||'],
      ['sleep 1; true', ';'],
      ['prog > out.txt', '>'],
      ['prog >> out.txt', '>>'],
      ['prog < in.txt', '<'],
      ['prog &', '&'],
      ['echo $(date)', '$('],
      ['echo `date`', '`'],
      ['(cd /tmp)', '('],
      ['echo "$HOME"', '$'],
      ["grep -c 'a|b;c>d' file", undefined],
      ['echo "a|b" \\| \\$x', undefined],
      ["awk '{print $1}'", undefined],
      ['echo "\\$HOME"', undefined],
    ];
    for (const [text, syntax] of cases) {
      const split = splitCommand(text);
      expect('argv' in split && split.shellSyntax, text).toBe(syntax);
    }
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
