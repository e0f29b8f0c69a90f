import type { Command } from 'commander';

/**
 * commander's refusal of a command line as one line that names the fix, as perfcell's own usage
 * errors are: an unknown option points to the command's --help, or says the option meant on the
 * same line (commander put its `(Did you mean --json?)` on a second one); a missing or extra
 * argument gives the command's usage; an option without its value points to --help. Any other
 * message (an invalid value, whose parser names the fix; two options that conflict) is as commander
 * wrote it. `text` ends with a newline, as commander hands it to outputError.
 * @example usageErrorLine("error: unknown option '--jsn'\n(Did you mean --json?)\n", 'perfcell run', '[options] <command...>')
 * // "error: unknown option '--jsn' (did you mean --json?)\n"
 * @example usageErrorLine("error: missing required argument 'file'\n", 'perfcell cells', '[options] <file>')
 * // "error: missing required argument 'file' (usage: perfcell cells [options] <file>)\n"
 */
export function usageErrorLine(text: string, path: string, usage: string): string {
  const [first = '', ...rest] = text.trimEnd().split('\n');
  const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' '));
  if (suggestion !== null) return `${first} (did you mean ${suggestion[1]}?)\n`;
  if (rest.length > 0) return text;
  if (first.startsWith("error: unknown option '")) return `${first} (${path} --help lists its options)\n`;
  if (first.startsWith("error: missing required argument '") || first.startsWith('error: too many arguments')) {
    return `${first.replace(/\.$/, '')} (usage: ${path} ${usage})\n`;
  }
  if (/^error: option '.*' argument missing$/.test(first)) return `${first} (${path} --help says what it takes)\n`;
  return text;
}

/** Has `command` and every command under it write commander's usage errors through usageErrorLine. */
export function sayUsageErrorsInOneLine(command: Command): void {
  const path = commandPath(command);
  command.configureOutput({ ...command.configureOutput(), outputError: (text, write) => write(usageErrorLine(text, path, command.usage())) });
  for (const inner of command.commands) sayUsageErrorsInOneLine(inner);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}
