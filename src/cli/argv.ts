/** Flags that may come before the command's name (`perfcell --debug run -- …`). */
export const globalFlags: ReadonlySet<string> = new Set(['--debug']);

/**
 * The first word of argv that is not a global flag: the command's name, or an option.
 * @example firstCommandWord(['node', 'perfcell', '--debug', 'run', '--', 'true']) // 'run'
 */
export function firstCommandWord(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !globalFlags.has(arg));
}
