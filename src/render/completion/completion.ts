import { renderBash } from './bash.ts';
import { renderFish } from './fish.ts';
import { renderZsh } from './zsh.ts';

/** The shells perfcell writes completion scripts for. */
export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

/**
 * What follows a flag: a file (`-o FILE`, `--html FILE`: file names are completed), a folder
 * (`--prefix DIR`), another value (`-e LIST`: nothing is offered), or nothing (a switch).
 */
export type FlagValue = 'file' | 'folder' | 'other' | null;

/** One flag of a command: its names, e.g. ['-e', '--events'], and what follows it. */
export interface CompletionFlag {
  readonly names: readonly string[];
  readonly description: string;
  readonly value: FlagValue;
  /** The words its value is one of (commander's `.choices()`: `--backend perf|cachegrind`); empty where the value is free. */
  readonly choices: readonly string[];
}

/** What a completion script needs to know of a command: perfcell itself, or one under it. */
export interface CompletionCommand {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly CompletionFlag[];
  /** Whether its arguments are files (cells, parse, compare). */
  readonly completesFiles: boolean;
  /**
   * Whether its first argument is a program and the words after it are the program's, not the
   * command's flags (run, which commander passes them through to): only files are offered there,
   * as after `--`.
   */
  readonly takesProgram: boolean;
  /** The words its argument is one of (completion's bash, zsh and fish); empty where it is free. */
  readonly argumentChoices: readonly string[];
  /** The commands under it, as commander has them (perfcell's; kernel's install, uninstall, list). */
  readonly subcommands: readonly CompletionCommand[];
}

/** A command and the names that lead to it from the program: ['perfcell', 'kernel', 'install']. */
export interface PlacedCommand {
  readonly path: readonly string[];
  readonly command: CompletionCommand;
}

/** `program` and every command under it, each before its subcommands. */
export function placeCommands(program: CompletionCommand, above: readonly string[] = []): PlacedCommand[] {
  const path = [...above, program.name];
  return [{ path, command: program }, ...program.subcommands.flatMap((command) => placeCommands(command, path))];
}

/** A completion script for `shell`: `program` (perfcell), its flags and the commands under it. */
export function renderCompletion(shell: Shell, program: CompletionCommand): string {
  switch (shell) {
    case 'bash':
      return renderBash(program);
    case 'zsh':
      return renderZsh(program);
    case 'fish':
      return renderFish(program);
  }
}
