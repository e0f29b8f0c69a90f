import type { Command } from 'commander';
import { registerDoctor } from './doctor.ts';
import { registerParse } from './parse.ts';
import { registerRun } from './run.ts';

/** Every subcommand registers itself here, one file each. */
export function registerCommands(program: Command): void {
  void program;
  registerDoctor(program);
  registerRun(program);
  registerParse(program);
}
