import type { Command } from 'commander';
import { registerAttach } from './attach.ts';
import { registerCells } from './cells.ts';
import { registerCompare } from './compare.ts';
import { registerDoctor } from './doctor.ts';
import { registerEvents } from './events.ts';
import { registerKernel } from './kernel.ts';
import { registerParse } from './parse.ts';
import { registerRepl } from './repl.ts';
import { registerRun } from './run.ts';

/** Every subcommand registers itself here, one file each. */
export function registerCommands(program: Command): void {
  void program;
  registerDoctor(program);
  registerEvents(program);
  registerRun(program);
  registerCells(program);
  registerCompare(program);
  registerParse(program);
  registerRepl(program);
  registerAttach(program);
  registerKernel(program);
}
