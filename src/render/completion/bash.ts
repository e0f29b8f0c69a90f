import { placeCommands, type CompletionCommand, type CompletionFlag, type FlagValue } from './completion.ts';

/**
 * The bash script: `complete -F _perfcell`, which reads COMP_WORDS. It finds the command the words
 * before the cursor name (perfcell/kernel/install), skipping each flag's value, then offers that
 * command's subcommands, the words its argument is one of, and flags (and files, for a command
 * that takes them); after a flag that takes a file (`-o FILE`) or a folder, their names alone;
 * after one with a fixed set of values (`--backend perf|cachegrind`), those; after any other
 * (`-e LIST`), nothing. After `--`, or run's first argument, the words are a program's, as after
 * sudo or time: the program, then files.
 */
export function renderBash(program: CompletionCommand): string {
  const placed = placeCommands(program);
  const name = program.name;
  const paths = placed.slice(1).map(({ path }) => path.join('/'));
  const commands = placed
    .map(({ path, command }) => {
      const words = [...command.subcommands.map((subcommand) => subcommand.name), ...command.argumentChoices].join(' ');
      const flags = command.flags.flatMap((flag) => flag.names).join(' ');
      const valued = (value: FlagValue) => namesTaking(command.flags, value);
      const valueFlags = command.flags.filter((flag) => flag.value !== null).flatMap((flag) => flag.names).join(' ');
      return `    ${path.join('/')}) words="${words}" flags="${flags}" valueflags="${valueFlags}" fileflags="${valued('file')}" folderflags="${valued('folder')}" files="${command.completesFiles ? 1 : ''}" takesprogram="${command.takesProgram ? 1 : ''}" ;;`;
    })
    .join('\n');
  const choices = placed
    .flatMap(({ path, command }) => command.flags.filter((flag) => flag.choices.length > 0).map((flag) => `    ${flag.names.map((flagName) => `${path.join('/')}/${flagName}`).join('|')}) choices="${flag.choices.join(' ')}" ;;`))
    .join('\n');
  return `# ${name} bash completion: source <(${name} completion bash)

# What the command the words name so far ($at) takes: its subcommands and the words its argument
# is one of, its flags, those that take a value (a file's, a folder's), whether its arguments are
# files, and whether its first one is a program that gets the words after it (run).
_${name}_command() {
  case $at in
${commands}
  esac
}

_${name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} at=${name} argued="" program="" valueof="" valueat=0 choices="" words="" flags="" valueflags="" fileflags="" folderflags="" files="" takesprogram="" word i
  # bash splits --backend=perf at the =: the cursor just past it is on the value's first letter
  [ "$cur" != = ] || cur=""
  _${name}_command
  # The command the words before the cursor name, each flag's value skipped; a word that names
  # none is its argument, after which only its flags (and files) are offered. A \`--\` ends the
  # command's words, and so does the program of a command that takes one (run ls -l).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case $word in
      --) program=$((i + 1)); break ;;
      -*)
        case " $valueflags " in *" $word "*)
          valueof=$word
          ((i++))
          [ "\${COMP_WORDS[i]}" != = ] || ((i++))
          valueat=$i
          ;;
        esac
        continue ;;
    esac
    [ -z "$argued" ] || continue
    case $at/$word in
      ${paths.join('|')}) at+=/$word; _${name}_command ;;
      *) argued=1; [ -z "$takesprogram" ] || { program=$i; break; } ;;
    esac
  done
  # after \`--\` (run -- PROG ARGS) or run's program (run PROG ARGS), as after sudo or time: the program, then its files
  if [ -n "$program" ]; then
    if ((COMP_CWORD == program)); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    return
  fi
  # the cursor on a flag's value: a file's or a folder's name, one of its choices, or (-e LIST) nothing
  if ((valueat >= COMP_CWORD)); then
    case " $fileflags " in *" $valueof "*) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
    case " $folderflags " in *" $valueof "*) COMPREPLY=($(compgen -d -- "$cur")); return ;; esac
    # neither a flag nor, where nothing matches, a file (complete -o default): no file is meant
    compopt +o default
    case $at/$valueof in
${choices}
    esac
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
    return
  fi
  [ -z "$argued" ] || words=""
  COMPREPLY=($(compgen -W "$words $flags" -- "$cur"))
  # run's program: a command (as after sudo), else a file (complete -o default: ./prog)
  if [ -n "$takesprogram" ] && [ -z "$argued" ]; then COMPREPLY+=($(compgen -c -- "$cur")); return; fi
  [ -z "$files" ] || COMPREPLY+=($(compgen -f -- "$cur"))
}
complete -o default -F _${name} ${name}
`;
}

/** The names of the flags a value of this kind follows: `-o --output --html`. */
function namesTaking(flags: readonly CompletionFlag[], value: FlagValue): string {
  return flags.filter((flag) => flag.value === value).flatMap((flag) => flag.names).join(' ');
}
