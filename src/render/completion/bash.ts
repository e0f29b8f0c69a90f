import { placeCommands, type CompletionCommand, type CompletionFlag, type FlagValue } from './completion.ts';

/**
 * The bash script: `complete -F _perfcell`, which reads COMP_WORDS. It finds the command the words
 * before the cursor name (perfcell/kernel/install), then offers that command's subcommands, the
 * words its argument is one of, and flags (and files, for a command that takes them); after a
 * flag that takes a file (`-o FILE`) or a folder, their names alone. After `--` the words are a
 * program's, as after sudo or time: the program, then files.
 */
export function renderBash(program: CompletionCommand): string {
  const placed = placeCommands(program);
  const paths = placed.slice(1).map(({ path }) => path.join('/'));
  const cases = placed
    .map(({ path, command }) => {
      const words = [...command.subcommands.map((subcommand) => subcommand.name), ...command.argumentChoices].join(' ');
      const flags = command.flags.flatMap((flag) => flag.names).join(' ');
      const valued = (value: FlagValue) => namesTaking(command.flags, value);
      return `    ${path.join('/')}) words="${words}" flags="${flags}" fileflags="${valued('file')}" folderflags="${valued('folder')}"${command.completesFiles ? ' files=1' : ''} ;;`;
    })
    .join('\n');
  return `# ${program.name} bash completion: source <(${program.name} completion bash)
_${program.name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} at=${program.name} argued="" dashes="" words="" flags="" fileflags="" folderflags="" files="" i
  # The command the words before the cursor name; a word that names none is its argument, after
  # which only its flags (and files) are offered. A \`--\` ends the command's words.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in
      --) dashes=$i; break ;;
      -*) continue ;;
    esac
    [ -z "$argued" ] || continue
    case $at/\${COMP_WORDS[i]} in
      ${paths.join('|')}) at+=/\${COMP_WORDS[i]} ;;
      *) argued=1 ;;
    esac
  done
  # after \`--\` (run -- PROG ARGS), as after sudo or time: the program, then its files
  if [ -n "$dashes" ]; then
    if ((COMP_CWORD == dashes + 1)); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    return
  fi
  case $at in
${cases}
  esac
  # the value of a flag that takes a file (-o FILE) or a folder: its names alone
  case " $fileflags " in *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
  case " $folderflags " in *" $prev "*) COMPREPLY=($(compgen -d -- "$cur")); return ;; esac
  [ -z "$argued" ] || words=""
  COMPREPLY=($(compgen -W "$words $flags" -- "$cur"))
  [ -z "$files" ] || COMPREPLY+=($(compgen -f -- "$cur"))
}
complete -o default -F _${program.name} ${program.name}
`;
}

/** The names of the flags a value of this kind follows: `-o --output --html`. */
function namesTaking(flags: readonly CompletionFlag[], value: FlagValue): string {
  return flags.filter((flag) => flag.value === value).flatMap((flag) => flag.names).join(' ');
}
