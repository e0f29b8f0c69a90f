import { Argument, InvalidArgumentError, type Command, type Option } from 'commander';
import { renderCompletion, shells, type CompletionCommand, type FlagValue, type Shell } from '../../render/completion/completion.ts';
import { commandTable } from '../command-table.ts';
import { loadCommand } from '../command-loaders.ts';
import { createBareProgram } from '../main.ts';

const fileCommands = new Set(['perfcell cells', 'perfcell compare', 'perfcell parse', 'perfcell run']);
/** The commands whose first argument is a program that gets the words after it (run.ts: passThroughOptions). */
const programCommands = new Set(['perfcell run']);

/** `perfcell completion bash|zsh|fish`: a completion script on stdout, to source or install. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a completion script for bash, zsh or fish (e.g. source <(perfcell completion bash))')
    // choices for the completion scripts to offer (describeCommand), and a parser of its own for the error's words
    .addArgument(
      new Argument('<shell>', 'the shell the script is for').choices(shells).argParser((value: string) => {
        if (!(shells as readonly string[]).includes(value)) throw new InvalidArgumentError(`give one of ${shells.join(', ')}`);
        return value as Shell;
      }),
    )
    .action(async (shell: Shell) => {
      process.stdout.write(renderCompletion(shell, await describeProgram()));
    });
}

/** perfcell with every subcommand (all loaded, once, for this), as commander has them. */
async function describeProgram(): Promise<CompletionCommand> {
  const program = createBareProgram();
  for (const entry of commandTable) (await loadCommand(entry.name))?.(program);
  return describeCommand(program, []);
}

/** A command, its flags as its --help lists them (--help too) and the commands under it, from commander. */
function describeCommand(command: Command, above: readonly string[]): CompletionCommand {
  const path = [...above, command.name()];
  return {
    name: command.name(),
    description: command.description(),
    flags: command.createHelp().visibleOptions(command).map((option) => ({
      names: [option.short, option.long].filter((name): name is string => name !== undefined),
      description: option.description,
      value: flagValue(option),
      choices: option.argChoices ?? [],
    })),
    completesFiles: fileCommands.has(path.join(' ')),
    takesProgram: programCommands.has(path.join(' ')),
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
    subcommands: command.commands.map((subcommand) => describeCommand(subcommand, path)),
  };
}

/**
 * What follows a flag, by the name its help gives the value: `-o, --output <file>`, `--prefix <dir>`,
 * `--python <path>`; compare's `--input <where>` and `--output <where>` take a file or a word (null,
 * pipe), so files are offered there too.
 */
function flagValue(option: Option): FlagValue {
  if (!option.required && !option.optional) return null;
  if (/[<[](file|path|where)[>\]]/.test(option.flags)) return 'file';
  if (/[<[]dir[>\]]/.test(option.flags)) return 'folder';
  return 'other';
}
