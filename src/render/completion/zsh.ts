import type { CompletionCommand } from './completion.ts';

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

/** The zsh script: a compsys function, sourced or autoloaded from fpath. */
export function renderZsh(commands: readonly CompletionCommand[]): string {
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
