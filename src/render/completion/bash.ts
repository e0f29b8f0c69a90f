import { placeCommands, type CompletionCommand } from './completion.ts';

/**
 * The bash script: `complete -F _perfcell`, which reads COMP_WORDS. It finds the command the words
 * before the cursor name (perfcell/kernel/install), then offers that command's subcommands and
 * flags (and files, for a command that takes them).
 */
export function renderBash(program: CompletionCommand): string {
  const placed = placeCommands(program);
  const paths = placed.slice(1).map(({ path }) => path.join('/'));
  const cases = placed
    .map(({ path, command }) => {
      const subcommands = command.subcommands.map((subcommand) => subcommand.name).join(' ');
      const flags = command.flags.flatMap((flag) => flag.names).join(' ');
      return `    ${path.join('/')}) subcommands="${subcommands}" flags="${flags}"${command.completesFiles ? ' files=1' : ''} ;;`;
    })
    .join('\n');
  return `# ${program.name} bash completion: source <(${program.name} completion bash)
_${program.name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} at=${program.name} argued="" subcommands="" flags="" files="" i
  # The command the words before the cursor name; a word that names none is its argument, after
  # which only its flags (and files) are offered.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) continue ;; esac
    case $at/\${COMP_WORDS[i]} in
      ${paths.join('|')}) at+=/\${COMP_WORDS[i]} ;;
      *) argued=1; break ;;
    esac
  done
  case $at in
${cases}
  esac
  [ -z "$argued" ] || subcommands=""
  COMPREPLY=($(compgen -W "$subcommands $flags" -- "$cur"))
  [ -z "$files" ] || COMPREPLY+=($(compgen -f -- "$cur"))
}
complete -o default -F _${program.name} ${program.name}
`;
}
