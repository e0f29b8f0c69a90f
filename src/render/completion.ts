/** The shells perfcell writes completion scripts for. */
export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

/** What a completion script needs to know of one subcommand. */
export interface CompletionCommand {
  readonly name: string;
  readonly description: string;
  /** Long and short flags, e.g. ['-e', '--events']. */
  readonly flags: readonly { readonly names: readonly string[]; readonly description: string; readonly takesValue: boolean }[];
  /** Whether its arguments are files (cells, parse, compare). */
  readonly completesFiles: boolean;
}

/** A completion script for `shell` over these subcommands. */
export function renderCompletion(shell: Shell, commands: readonly CompletionCommand[]): string {
  switch (shell) {
    case 'bash':
      return renderBash(commands);
    case 'zsh':
      return renderZsh(commands);
    case 'fish':
      return renderFish(commands);
  }
}

function renderBash(commands: readonly CompletionCommand[]): string {
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

/**
 * `text` in a spec of _arguments or _describe: each reads `\X` as X, and would take a bare `]` for
 * the end of a description, a `:` for the start of the next field.
 */
function escapeSpec(text: string): string {
  return text.replace(/[[\]:\\]/g, (char) => `\\${char}`);
}

/** `text` as one single-quoted zsh word: as in sh, a backslash is literal there, so `'` ends the quote, is quoted, and reopens it. */
function quoteZsh(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function renderZsh(commands: readonly CompletionCommand[]): string {
  const list = commands.map((command) => `    ${quoteZsh(`${escapeSpec(command.name)}:${escapeSpec(command.description)}`)}`).join('\n');
  const cases = commands
    .map((command) => {
      const specs = command.flags
        .map((flag) => {
          const spec = `[${escapeSpec(flag.description)}]${flag.takesValue ? ':value:' : ''}`;
          if (flag.names.length === 1) return quoteZsh(`${flag.names[0]}${spec}`);
          // '(-e --events)'{-e,--events}'[…]': the braces outside the quotes, so that zsh expands
          // them into one spec a name (inside, _arguments took the braces for the option's name);
          // the list ahead says that either name, once given, rules out both
          return `${quoteZsh(`(${flag.names.join(' ')})`)}{${flag.names.join(',')}}${quoteZsh(spec)}`;
        })
        .join(' ');
      return `    ${command.name}) _arguments ${specs} ${command.completesFiles ? "'*:file:_files'" : "'*::arg:'"} ;;`;
    })
    .join('\n');
  return `#compdef perfcell
# perfcell zsh completion: perfcell completion zsh > "\${fpath[1]}/_perfcell"
_perfcell() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local sub=\${words[2]}
  shift words; (( CURRENT-- ))
  case $sub in
${cases}
  esac
}
compdef _perfcell perfcell
`;
}

function fishEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function renderFish(commands: readonly CompletionCommand[]): string {
  const names = commands.map((command) => command.name).join(' ');
  const lines = [
    '# perfcell fish completion: perfcell completion fish > ~/.config/fish/completions/perfcell.fish',
    'complete -c perfcell -f',
    ...commands.map((command) => `complete -c perfcell -n 'not __fish_seen_subcommand_from ${names}' -a ${command.name} -d '${fishEscape(command.description)}'`),
  ];
  for (const command of commands) {
    for (const flag of command.flags) {
      const parts = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
      lines.push(`complete -c perfcell -n '__fish_seen_subcommand_from ${command.name}' ${parts}${flag.takesValue ? ' -r' : ''} -d '${fishEscape(flag.description)}'`);
    }
    if (command.completesFiles) lines.push(`complete -c perfcell -n '__fish_seen_subcommand_from ${command.name}' -F`);
  }
  return `${lines.join('\n')}\n`;
}
