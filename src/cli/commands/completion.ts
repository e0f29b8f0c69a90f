import { InvalidArgumentError, type Command } from 'commander';
import { renderCompletion, shells, type CompletionCommand, type Shell } from '../../render/completion/completion.ts';
import { commandTable } from '../command-table.ts';
import { loadCommand } from '../command-loaders.ts';
import { createBareProgram } from '../main.ts';

const fileCommands = new Set(['perfcell cells', 'perfcell compare', 'perfcell parse', 'perfcell run']);

/** `perfcell completion bash|zsh|fish`: a completion script on stdout, to source or install. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a completion script for bash, zsh or fish (e.g. source <(perfcell completion bash))')
    .argument('<shell>', `one of ${shells.join(', ')}`, (value: string) => {
      if (!(shells as readonly string[]).includes(value)) throw new InvalidArgumentError(`give one of ${shells.join(', ')}`);
      return value as Shell;
    })
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
      takesValue: option.required || option.optional,
    })),
    completesFiles: fileCommands.has(path.join(' ')),
    subcommands: command.commands.map((subcommand) => describeCommand(subcommand, path)),
  };
}
