import type { CompletionCommand } from './completion.ts';

function fishEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** The fish script: a `complete` line a candidate. */
export function renderFish(commands: readonly CompletionCommand[]): string {
  const names = commands.map((command) => command.name).join(' ');
  const lines = [
    '# perfcell fish completion: perfcell completion fish > ~/.config/fish/completions/perfcell.fish',
    'complete -c perfcell -f',
    ...commands.map((command) => `complete -c perfcell -n 'not __fish_seen_subcommand_from ${names}' -a ${command.name} -d '${fishEscape(command.description)}'`),
  ];
  for (const command of commands) {
    for (const flag of command.flags) {
      const parts = flag.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
      lines.push(`complete -c perfcell -n '__fish_seen_subcommand_from ${command.name}' ${parts}${flag.takesValue ? ' -r' : ''} -d '${fishEscape(flag.description)}'`);
    }
    if (command.completesFiles) lines.push(`complete -c perfcell -n '__fish_seen_subcommand_from ${command.name}' -F`);
  }
  return `${lines.join('\n')}\n`;
}
