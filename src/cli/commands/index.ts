import type { Command } from 'commander';
import { registerDoctor } from './doctor.ts';

/** Every subcommand registers itself here, one file each. */
export function registerCommands(program: Command): void {
  void program;
  registerDoctor(program);
}
