import { describe, expect, it } from 'vitest';
import { renderCompletion, type CompletionCommand } from '../../../src/render/completion/completion.ts';
import { completeInBash, completeInFish, completeInZsh, runsWithShell, syntaxErrors } from '../../support/shells.ts';
import { temporaryFolders } from '../../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');

// Every character a shell or a completion spec reads in a description: quotes, brackets (zsh's
// _arguments ends a description at ]), colons (its field separator), backslashes, a trailing one.
const hostile = `perf's [own] "groups": a\\b, C:\\ and \\\\ '' $HOME \`x\` end\\`;

const commands: readonly CompletionCommand[] = [
  { name: 'cells', description: hostile, flags: [{ names: ['-e', '--events'], description: hostile, takesValue: true }, { names: ['--json'], description: 'one JSON document', takesValue: false }], completesFiles: true },
  { name: 'check', description: 'a plain one', flags: [], completesFiles: false },
];

describe('completion scripts keep every description as written', () => {
  it('bash: parses and completes a command and its flags', () => {
    const script = renderCompletion('bash', commands);
    expect(syntaxErrors('bash', script, tempFolder('perfcell-bash-'))).toBe('');
    expect(completeInBash(script, ['perfcell', 'c'])).toEqual(['cells', 'check']);
    expect(completeInBash(script, ['perfcell', 'cells', '--e'])).toEqual(['--events']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))('zsh: parses, and lists each command and flag with its description', () => {
    const script = renderCompletion('zsh', commands);
    const dir = tempFolder('perfcell-zsh-');
    expect(syntaxErrors('zsh', script, dir)).toBe('');
    expect(completeInZsh(script, 'perfcell c', dir)).toEqual([
      { word: 'cells', shown: `cells  -- ${hostile}` },
      { word: 'check', shown: 'check  -- a plain one' },
    ]);
    // -e and --events are one flag: each is offered with the description, and neither once one is given
    expect(completeInZsh(script, 'perfcell cells -', dir)).toEqual([
      { word: '-e', shown: `-e        -- ${hostile}` },
      { word: '--events', shown: `--events  -- ${hostile}` },
      { word: '--json', shown: '--json    -- one JSON document' },
    ]);
    expect(completeInZsh(script, 'perfcell cells -e cache -', dir)).toEqual([{ word: '--json', shown: '--json  -- one JSON document' }]);
  });

  it.runIf(runsWithShell('fish', 'the fish completion script in fish'))('fish: parses, and completes each command and flag with its description', () => {
    const script = renderCompletion('fish', commands);
    const dir = tempFolder('perfcell-fish-');
    expect(syntaxErrors('fish', script, dir)).toBe('');
    expect(completeInFish(script, 'perfcell c', dir)).toEqual([
      { word: 'cells', shown: hostile },
      { word: 'check', shown: 'a plain one' },
    ]);
    expect(completeInFish(script, 'perfcell cells --', dir)).toEqual([
      { word: '--events', shown: hostile },
      { word: '--json', shown: 'one JSON document' },
    ]);
  });
});
