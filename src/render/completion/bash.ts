import type { CompletionCommand } from './completion.ts';

/** The bash script: `complete -F _perfcell`, which reads COMP_WORDS. */
export function renderBash(commands: readonly CompletionCommand[]): string {
  const cases = commands
    .map((command) => {
      const words = command.flags.flatMap((flag) => flag.names).concat('--help').join(' ');
      const files = command.completesFiles ? ' $(compgen -f -- "$cur")' : '';
      return `    ${command.name}) COMPREPLY=($(compgen -W "${words}" -- "$cur")${files}) ;;`;
    })
    .join('\n');
  return `# perfcell bash completion: source <(perfcell completion bash)
_perfcell() {
  local cur=\${COMP_WORDS[COMP_CWORD]} sub=""
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) sub=\${COMP_WORDS[i]}; break ;; esac
  done
  if [ -z "$sub" ]; then
    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(' ')} --help --version --debug" -- "$cur"))
    return
  fi
  case $sub in
${cases}
  esac
}
complete -o default -F _perfcell perfcell
`;
}
