import { placeCommands, type CompletionCommand, type CompletionFlag, type FlagValue } from './completion.ts';

/**
 * The fish script: a `complete` line a candidate, each under a condition that the words before
 * the cursor name its command (`__perfcell_at perfcell/kernel`), as the bash script finds it.
 */
export function renderFish(program: CompletionCommand): string {
  const placed = placeCommands(program);
  const at = `__${program.name}_at`;
  const afterDashes = `__${program.name}_after_dashes`;
  const paths = placed.slice(1).map(({ path }) => quoteFish(path.join('/'))).join(' ');
  const lines = [
    `# ${program.name} fish completion: ${program.name} completion fish > ~/.config/fish/completions/${program.name}.fish`,
    '',
    '# Whether the words before the cursor name the command WANT (perfcell/kernel/install) and, with',
    "# 'choosing', no argument of it yet: only then are its subcommands offered.",
    `function ${at} --argument-names want choosing`,
    `    set -l at ${quoteFish(program.name)}`,
    '    set -l words (commandline -opc)',
    '    set -e words[1]',
    '    for word in $words',
    `        # after a \`--\` the words are a program's (${afterDashes})`,
    "        test \"$word\" = --; and return 1",
    "        string match -q -- '-*' $word; and continue",
    `        if contains -- $at/$word ${paths}`,
    '            set at $at/$word',
    '        else',
    '            test -z "$choosing"; or return 1',
    '            break',
    '        end',
    '    end',
    '    test "$at" = "$want"',
    'end',
    '',
    "# After a `--` before the cursor (run -- PROG ARGS), as after sudo or time: WHICH is 'program'",
    "# where the cursor is on the word right after it, 'arguments' on a word after that.",
    `function ${afterDashes} --argument-names which`,
    '    set -l words (commandline -opc)',
    '    set -l dashes (contains -i -- -- $words); or return 1',
    '    if test "$which" = program',
    '        test (count $words) -eq $dashes',
    '    else',
    '        test (count $words) -gt $dashes',
    '    end',
    'end',
    '',
    `complete -c ${program.name} -f`,
    `complete -c ${program.name} -n ${quoteFish(`${afterDashes} program`)} -a '(__fish_complete_command)'`,
    `complete -c ${program.name} -n ${quoteFish(`${afterDashes} arguments`)} -F`,
  ];
  for (const { path, command } of placed) {
    const here = path.join('/');
    for (const subcommand of command.subcommands) {
      lines.push(`complete -c ${program.name} -n ${quoteFish(`${at} ${here} choosing`)} -a ${quoteFish(subcommand.name)} -d ${quoteFish(subcommand.description)}`);
    }
    if (command.argumentChoices.length > 0) {
      lines.push(`complete -c ${program.name} -n ${quoteFish(`${at} ${here} choosing`)} -a ${quoteFish(command.argumentChoices.join(' '))}`);
    }
    for (const flag of command.flags) lines.push(`complete -c ${program.name} -n ${quoteFish(`${at} ${here}`)} ${flagOptions(flag)} -d ${quoteFish(flag.description)}`);
    if (command.completesFiles) lines.push(`complete -c ${program.name} -n ${quoteFish(`${at} ${here}`)} -F`);
  }
  return `${lines.join('\n')}\n`;
}

/** What follows a flag, as `complete` says it: a value (-r), which is a file's name (-F) or a folder's. */
const VALUE_OPTIONS: Record<NonNullable<FlagValue>, string> = { file: '-r -F', folder: "-x -a '(__fish_complete_directories (commandline -ct))'", other: '-r' };

/** `-s e -l events -r`: a flag's names as `complete` takes them, and what follows it. */
function flagOptions(flag: CompletionFlag): string {
  const names = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
  return flag.value === null ? names : `${names} ${VALUE_OPTIONS[flag.value]}`;
}

/** `text` as one single-quoted fish word: there only \\ and \' are escapes. */
function quoteFish(text: string): string {
  return `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}
