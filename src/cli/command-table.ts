import { closestNames } from '../closest-names.ts';

/** One subcommand: what `perfcell --help` lists (its module is loaded by command-loaders.ts). */
export interface CommandEntry {
  readonly name: string;
  /** Its arguments as commander spells them in a command name, for the top-level help. */
  readonly args: string;
  readonly description: string;
}

/**
 * Every subcommand, by name: `perfcell --help` lists them and a mistyped name is matched against
 * them without loading any command's module (command-loaders.ts loads the one that runs).
 */
export const commandTable: readonly CommandEntry[] = [
  { name: 'repl', args: '', description: 'a Node REPL that reports what every command cost (the default command)' },
  { name: 'run', args: '<command...>', description: 'run a program (no shell) and report what it cost; exits with its exit code' },
  { name: 'cells', args: '<file>', description: 'run a .js or .ts file cell by cell (// %% lines) in one scope and report each cell' },
  { name: 'compare', args: '[targets...]', description: 'run alternatives (cells of a file, or commands) interleaved, many times, and say whether they differ' },
  { name: 'attach', args: '<pid>', description: 'watch a running process: RSS, CPU and perf counters per interval, then a summary' },
  { name: 'doctor', args: '', description: 'say whether perf can count hardware events here, and the command that fixes it if not' },
  { name: 'events', args: '', description: 'list the -e presets (cache, ipc, tlb, branch) and events, and which of them count here' },
  { name: 'parse', args: '[file]', description: 'read saved perf stat output (human, CSV from -x, JSON from -j) and print its counter rows' },
  { name: 'kernel', args: '[connection_file]', description: 'a Jupyter kernel that reports what every cell cost (kernel install | uninstall | list)' },
  { name: 'completion', args: '<shell>', description: 'print a completion script for bash, zsh or fish' },
];

/** The entry named `name`, or undefined. */
export function findCommand(name: string): CommandEntry | undefined {
  return commandTable.find((entry) => entry.name === name);
}

/** The command names closest to a mistyped one (edit distance ≤ 2, or a shared prefix of 3). */
export function suggestCommands(typed: string): string[] {
  return closestNames(typed, commandTable.map((entry) => entry.name));
}
