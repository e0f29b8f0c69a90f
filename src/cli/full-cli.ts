/**
 * The command line with every command, each loaded when it is asked for: where the bin (bin.ts)
 * goes for a command that has no lane of its own. An ES module of its own, so that the bin, a
 * CommonJS file, stays small for the commands that have one.
 */
import { loadCommand } from './command-loaders.ts';
import { main } from './main.ts';

export function runFullCli(argv: readonly string[]): Promise<void> {
  return main(argv, loadCommand);
}
