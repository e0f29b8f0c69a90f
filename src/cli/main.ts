#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isReplInvocation, registerRepl } from './commands/repl.ts';
import { formatError, exitCodeOf } from './errors.ts';

/**
 * Builds the `perfcell` program; each subcommand lives in ./commands/. Starting the REPL loads
 * the repl command alone: the REPL measures its own process, and the other subcommands' modules
 * would add about 20 MiB to the RSS in its reports.
 */
export async function createProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('perfcell')
    .description('what did this command cost: RAM, peak RAM, time, CPU and perf counters')
    .option('--debug', 'print stack traces of errors')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  if (isReplInvocation(argv.slice(2))) registerRepl(program);
  else (await import('./commands/index.ts')).registerCommands(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = await createProgram(argv);
  try {
    await program.parseAsync(argv as string[]);
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // commander already printed its message; help and version are success.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(formatError(error, { debug: program.opts<{ debug?: boolean }>().debug === true }) + '\n');
    process.exitCode = exitCodeOf(error);
  }
}

await main();
