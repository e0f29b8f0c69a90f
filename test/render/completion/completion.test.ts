import { describe, expect, it } from 'vitest';
import { renderCompletion, type CompletionCommand } from '../../../src/render/completion/completion.ts';
import { completeInBash, completeInFish, completeInZsh, runsWithShell, syntaxErrors } from '../../support/shells.ts';
import { temporaryFolders } from '../../support/temp-folders.ts';

const tempFolder = temporaryFolders('each');

// Every character a shell or a completion spec reads in a description: quotes, brackets (zsh's
// _arguments ends a description at ]), colons (its field separator), backslashes, a trailing one.
const hostile = `perf's [own] "groups": a\\b, C:\\ and \\\\ '' $HOME \`x\` end\\`;

const command = (name: string, description: string, more: Partial<CompletionCommand> = {}): CompletionCommand => ({ name, description, flags: [], completesFiles: false, takesProgram: false, argumentChoices: [], subcommands: [], ...more });

// perfcell's shape: commands with flags, one that takes files, one with subcommands of its own
const program = command('perfcell', 'the program', {
  flags: [{ names: ['--debug'], description: 'stacks', value: null, choices: [] }],
  subcommands: [
    command('cells', hostile, { flags: [{ names: ['-e', '--events'], description: hostile, value: 'other', choices: [] }, { names: ['--json'], description: 'one JSON document', value: null, choices: [] }], completesFiles: true }),
    command('check', 'a plain one'),
    command('kernel', 'a kernel', {
      flags: [{ names: ['--no-perf'], description: 'no counters', value: null, choices: [] }],
      subcommands: [command('install', `install it: ${hostile}`, { flags: [{ names: ['--prefix'], description: 'DIR/share', value: 'folder', choices: [] }] }), command('list', 'list them')],
    }),
  ],
});

const words = (candidates: readonly { word: string }[]) => candidates.map((candidate) => candidate.word);

describe('completion scripts', () => {
  it('bash: parses, and completes the commands, their flags and the commands under them', () => {
    const script = renderCompletion('bash', program);
    expect(syntaxErrors('bash', script, tempFolder('perfcell-bash-'))).toBe('');
    expect(completeInBash(script, ['perfcell', 'c'])).toEqual(['cells', 'check']);
    expect(completeInBash(script, ['perfcell', '--debug', 'c'])).toEqual(['cells', 'check']);
    expect(completeInBash(script, ['perfcell', '-'])).toEqual(['--debug']);
    expect(completeInBash(script, ['perfcell', 'cells', '--e'])).toEqual(['--events']);
    expect(completeInBash(script, ['perfcell', 'kernel', ''])).toEqual(['install', 'list', '--no-perf']);
    expect(completeInBash(script, ['perfcell', 'kernel', 'ins'])).toEqual(['install']);
    expect(completeInBash(script, ['perfcell', 'kernel', 'install', '-'])).toEqual(['--prefix']);
    // after an argument of kernel (its connection file), no subcommand
    expect(completeInBash(script, ['perfcell', 'kernel', 'conn.json', ''])).toEqual(['--no-perf']);
    expect(completeInBash(script, ['perfcell', 'nosuch', ''])).toEqual(['--debug']);
  });

  it.runIf(runsWithShell('zsh', 'the zsh completion script in zsh'))('zsh: parses, and lists the commands, their flags and the commands under them, each with its description as written', () => {
    const script = renderCompletion('zsh', program);
    const dir = tempFolder('perfcell-zsh-');
    expect(syntaxErrors('zsh', script, dir)).toBe('');
    expect(completeInZsh(script, 'perfcell c', dir)).toEqual([
      { word: 'cells', description: `${hostile}` },
      { word: 'check', description: 'a plain one' },
    ]);
    expect(words(completeInZsh(script, 'perfcell --debug c', dir))).toEqual(['cells', 'check']);
    // -e and --events are one flag: each is offered with the description, and neither once one is given
    // (_arguments lists --events, whose value may follow an =, after the flags without one)
    expect(completeInZsh(script, 'perfcell cells -', dir)).toEqual([
      { word: '-e', description: `${hostile}` },
      { word: '--json', description: 'one JSON document' },
      { word: '--events', description: `${hostile}` },
    ]);
    expect(completeInZsh(script, 'perfcell cells -e cache -', dir)).toEqual([{ word: '--json', description: 'one JSON document' }]);
    expect(completeInZsh(script, 'perfcell kernel ', dir)).toEqual([
      { word: 'install', description: `install it: ${hostile}` },
      { word: 'list', description: 'list them' },
    ]);
    expect(completeInZsh(script, 'perfcell kernel -', dir)).toEqual([{ word: '--no-perf', description: 'no counters' }]);
    expect(completeInZsh(script, 'perfcell kernel install -', dir)).toEqual([{ word: '--prefix', description: 'DIR/share' }]);
  });

  it.runIf(runsWithShell('fish', 'the fish completion script in fish'))('fish: parses, and completes the commands, their flags and the commands under them, each with its description as written', () => {
    const script = renderCompletion('fish', program);
    const dir = tempFolder('perfcell-fish-');
    expect(syntaxErrors('fish', script, dir)).toBe('');
    expect(completeInFish(script, 'perfcell c', dir)).toEqual([
      { word: 'cells', description: hostile },
      { word: 'check', description: 'a plain one' },
    ]);
    expect(words(completeInFish(script, 'perfcell --debug c', dir))).toEqual(['cells', 'check']);
    expect(completeInFish(script, 'perfcell cells --', dir)).toEqual([
      { word: '--events', description: hostile },
      { word: '--json', description: 'one JSON document' },
    ]);
    expect(completeInFish(script, 'perfcell kernel ', dir)).toEqual([
      { word: 'install', description: `install it: ${hostile}` },
      { word: 'list', description: 'list them' },
    ]);
    expect(words(completeInFish(script, 'perfcell kernel -', dir))).toEqual(['--no-perf']);
    expect(words(completeInFish(script, 'perfcell kernel install -', dir))).toEqual(['--prefix']);
    expect(words(completeInFish(script, 'perfcell kernel conn.json ', dir))).toEqual([]);
  });
});
