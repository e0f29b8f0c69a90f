import { placeCommands, type CompletionCommand, type CompletionFlag, type FlagValue } from './completion.ts';

/**
 * The fish script: a `complete` line a candidate, each under a condition that the words before
 * the cursor name its command (`__perfcell_at perfcell/kernel`), as the bash script finds it: each
 * flag's value skipped, and after `--` or run's program the words are the program's.
 */
export function renderFish(program: CompletionCommand): string {
  const placed = placeCommands(program);
  const walk = `__${program.name}_walk`;
  const at = `__${program.name}_at`;
  const programAt = `__${program.name}_program`;
  const paths = placed.slice(1).map(({ path }) => quoteFish(path.join('/'))).join(' ');
  const valueFlags = placed.flatMap(({ path, command }) => command.flags.filter((flag) => flag.value !== null).flatMap((flag) => flag.names.map((name) => quoteFish(`${path.join('/')}/${name}`)))).join(' ');
  const programCommands = placed.filter(({ command }) => command.takesProgram).map(({ path }) => quoteFish(path.join('/'))).join(' ');
  const lines = [
    `# ${program.name} fish completion: ${program.name} completion fish > ~/.config/fish/completions/${program.name}.fish`,
    '',
    '# The command the words before the cursor name (perfcell/kernel/install), each flag\'s value',
    "# skipped, and where the cursor is: 'choosing' (no argument of it yet), 'argued' (after one),",
    "# 'program' (right after a `--`) or 'arguments' (after the program: after a `--`, or run's first",
    '# argument, the words are a program\'s, as after sudo or time).',
    `function ${walk}`,
    `    set -l at ${quoteFish(program.name)}`,
    '    set -l state choosing',
    '    set -l value 0',
    '    set -l words (commandline -opc)',
    '    set -e words[1]',
    '    for word in $words',
    '        if contains -- $state program arguments',
    '            set state arguments',
    '        else if test $value = 1',
    '            set value 0',
    '        else if test "$word" = --',
    '            set state program',
    "        else if string match -q -- '-*' $word",
    `            contains -- $at/$word ${valueFlags}; and set value 1`,
    '        else if test $state = argued',
    '            continue',
    `        else if contains -- $at/$word ${paths}`,
    '            set at $at/$word',
    ...(programCommands === '' ? [] : [`        else if contains -- $at ${programCommands}`, '            set state arguments']),
    '        else',
    '            set state argued',
    '        end',
    '    end',
    '    echo $at $state',
    'end',
    '',
    "# Whether the words before the cursor name the command WANT (perfcell/kernel/install) and, with",
    "# 'choosing', no argument of it yet: only then are its subcommands offered.",
    `function ${at} --argument-names want choosing`,
    `    set -l walked (${walk} | string split ' ')`,
    '    test "$walked[1]" = "$want"; or return 1',
    '    test "$walked[2]" = choosing; or test "$walked[2]" = argued -a -z "$choosing"',
    'end',
    '',
    "# Whether the cursor is on a program's word: WHICH is 'program' for its name, 'arguments' after it.",
    `function ${programAt} --argument-names which`,
    `    set -l walked (${walk} | string split ' ')`,
    '    test "$walked[2]" = "$which"',
    'end',
    '',
    `complete -c ${program.name} -f`,
    `complete -c ${program.name} -n ${quoteFish(`${programAt} program`)} -a '(__fish_complete_command)'`,
    `complete -c ${program.name} -n ${quoteFish(`${programAt} arguments`)} -F`,
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
    // run's first argument is the program (as after --), the words after it the program's
    if (command.takesProgram) lines.push(`complete -c ${program.name} -n ${quoteFish(`${at} ${here} choosing`)} -a '(__fish_complete_command)'`);
    else if (command.completesFiles) lines.push(`complete -c ${program.name} -n ${quoteFish(`${at} ${here}`)} -F`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What follows a flag, as `complete` says it: a value (-r), which is a file's name (-F), a folder's,
 * or another word (-x: no file; -e LIST).
 */
const VALUE_OPTIONS: Record<NonNullable<FlagValue>, string> = { file: '-r -F', folder: "-x -a '(__fish_complete_directories (commandline -ct))'", other: '-x' };

/** `-s e -l events -x`: a flag's names as `complete` takes them, and what follows it: its choices (--backend perf|cachegrind) where it has them. */
function flagOptions(flag: CompletionFlag): string {
  const names = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
  if (flag.value === null) return names;
  return flag.choices.length > 0 ? `${names} -x -a ${quoteFish(flag.choices.join(' '))}` : `${names} ${VALUE_OPTIONS[flag.value]}`;
}

/** `text` as one single-quoted fish word: there only \\ and \' are escapes. */
function quoteFish(text: string): string {
  return `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}
