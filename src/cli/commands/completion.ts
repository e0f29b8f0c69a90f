import { Command, InvalidArgumentError } from 'commander';
import { renderCompletion, shells, type CompletionCommand, type Shell } from '../../render/completion/completion.ts';
import { commandTable } from '../command-table.ts';
import { loadCommand } from '../command-loaders.ts';

const fileCommands = new Set(['cells', 'compare', 'parse', 'run']);

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
      process.stdout.write(renderCompletion(shell, await describeCommands()));
    });
}

/** Every subcommand's flags, read from the commands themselves (all loaded, once, for this). */
async function describeCommands(): Promise<CompletionCommand[]> {
  const all = new Command('perfcell').enablePositionalOptions();
  for (const entry of commandTable) (await loadCommand(entry.name))?.(all);
  return all.commands.map((command) => ({
    name: command.name(),
    description: command.description(),
    flags: command.options.map((option) => ({
      names: [option.short, option.long].filter((name): name is string => name !== undefined),
      description: option.description,
      takesValue: option.required || option.optional,
    })),
    completesFiles: fileCommands.has(command.name()),
  }));
}
