import { placeCommands, type CompletionCommand, type CompletionFlag, type FlagValue } from './completion.ts';

/**
 * The zsh script: a compsys function a command (`_perfcell_kernel_install`), sourced or autoloaded
 * from fpath. A command with subcommands offers them as its first argument and hands the words
 * from there on to the subcommand's function, which sees them as its own command line. The
 * program's function first looks for a `--`: the words after it are a program's, as after sudo or
 * time (the program, then its files), and no command's flags.
 */
export function renderZsh(program: CompletionCommand): string {
  const functions = placeCommands(program).map(({ path, command }) => {
    const name = `_${path.join('_')}`;
    const specs = command.flags.map((flag) => `    ${flagSpec(flag)} \\\n`).join('');
    if (command.subcommands.length === 0) {
      // -A: after a program's name (run ls -l), no flag: the words are the program's
      return `${name}() {\n  _arguments${command.takesProgram ? " -A '-*'" : ''} \\\n${specs}    ${argumentSpec(command)}\n}`;
    }
    const dashes = path.length === 1 ? `  ${name}_after_dashes && return\n` : '';
    const list = command.subcommands.map((subcommand) => `    ${quoteZsh(`${escapeSpec(subcommand.name)}:${escapeSpec(subcommand.description)}`)}`).join('\n');
    const cases = command.subcommands.map((subcommand) => `        ${subcommand.name}) ${name}_${subcommand.name} ;;`).join('\n');
    return `${name}() {
${dashes}  local curcontext=$curcontext state line
  local -A opt_args
  local -a subcommands
  subcommands=(
${list}
  )
  _arguments -C \\
${specs}    ': :->subcommand' '*:: :->argument'
  case $state in
    subcommand) _describe -t commands ${quoteZsh(`${path.join(' ')} command`)} subcommands ;;
    argument)
      case $words[1] in
${cases}
      esac
      ;;
  esac
}`;
  });
  const root = `_${program.name}`;
  return `#compdef ${program.name}
# ${program.name} zsh completion: ${program.name} completion zsh > "\${fpath[1]}/${root}", or source <(${program.name} completion zsh) after compinit

# After a \`--\` before the cursor (run -- PROG ARGS): the program, then its files; false where there is none.
${root}_after_dashes() {
  local dashes=\${words[(i)--]}
  (( dashes < CURRENT )) || return 1
  if (( CURRENT == dashes + 1 )); then _command_names -e; else _files; fi
  return 0
}

${functions.join('\n\n')}

# Autoloaded from fpath, this file is ${root}'s body, run at the first Tab: it has just defined the
# functions, so it completes that Tab too. Sourced, it tells compsys which command is its.
if [[ $funcstack[1] == ${root} ]]; then
  ${root} "$@"
else
  compdef ${root} ${program.name}
fi
`;
}

/** What a command without subcommands takes after its flags: one of its choices, a program then its files, files, or anything. */
function argumentSpec(command: CompletionCommand): string {
  if (command.argumentChoices.length > 0) return quoteZsh(`:argument:${choiceAction(command.argumentChoices)}`);
  // the space before _command_names: _arguments then passes it none of its own options, ahead of
  // the -e (external commands only) it reads as its first argument
  if (command.takesProgram) return "':program: _command_names -e' '*::file:_files'";
  return command.completesFiles ? "'*:file:_files'" : "'*::arg:'";
}

/** What follows a flag, as _arguments' spec ends: a file's or a folder's name is completed. */
const VALUE_SPECS: Record<NonNullable<FlagValue>, string> = { file: ':file:_files', folder: ':folder:_path_files -/', other: ':value:' };

/** `(perf cachegrind)`: an action of _arguments that offers those words. */
function choiceAction(choices: readonly string[]): string {
  return `(${choices.map(escapeSpec).join(' ')})`;
}

/**
 * One flag as _arguments takes it; a value one of its choices (--backend perf|cachegrind) offers
 * them. A long flag's value may follow an `=` in the same word, as commander takes it
 * (`--backend=perf`, `--output=run.txt`): its name ends `=` (_arguments' `-optname=`: the next
 * word, or after `=`), where `--backend=<Tab>` had offered nothing, though bash and fish offer
 * the value there.
 */
function flagSpec(flag: CompletionFlag): string {
  const value = flag.value === null ? '' : flag.choices.length > 0 ? `:value:${choiceAction(flag.choices)}` : VALUE_SPECS[flag.value];
  const spec = `[${escapeSpec(flag.description)}]${value}`;
  const names = flag.names.map((name) => (flag.value !== null && name.startsWith('--') ? `${name}=` : name));
  if (names.length === 1) return quoteZsh(`${names[0]}${spec}`);
  // '(-e --events)'{-e,--events=}'[…]': the braces outside the quotes, so that zsh expands them
  // into one spec a name (inside, _arguments took the braces for the option's name); the list
  // ahead says that either name, once given, rules out both
  return `${quoteZsh(`(${flag.names.join(' ')})`)}{${names.join(',')}}${quoteZsh(spec)}`;
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
