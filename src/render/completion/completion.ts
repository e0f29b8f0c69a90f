import { renderBash } from './bash.ts';
import { renderFish } from './fish.ts';
import { renderZsh } from './zsh.ts';

/** The shells perfcell writes completion scripts for. */
export const shells = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof shells)[number];

/** What a completion script needs to know of one subcommand. */
export interface CompletionCommand {
  readonly name: string;
  readonly description: string;
  /** Long and short flags, e.g. ['-e', '--events']. */
  readonly flags: readonly { readonly names: readonly string[]; readonly description: string; readonly takesValue: boolean }[];
  /** Whether its arguments are files (cells, parse, compare). */
  readonly completesFiles: boolean;
}

/** A completion script for `shell` over these subcommands. */
export function renderCompletion(shell: Shell, commands: readonly CompletionCommand[]): string {
  switch (shell) {
    case 'bash':
      return renderBash(commands);
    case 'zsh':
      return renderZsh(commands);
    case 'fish':
      return renderFish(commands);
  }
}
