import type { Command } from 'commander';

/** Every subcommand registers itself here, one file each. */
export function registerCommands(program: Command): void {
  void program;
}
