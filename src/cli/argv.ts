/** Flags that may come before the command's name (`perfcell --debug run -- …`). */
export const globalFlags: ReadonlySet<string> = new Set(['--debug']);

/**
 * The first word of argv that is not a global flag: the command's name, or an option.
 * @example firstCommandWord(['node', 'perfcell', '--debug', 'run', '--', 'true']) // 'run'
 */
export function firstCommandWord(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !globalFlags.has(arg));
}

/** perfcell's own words: argv up to `--` (after it, the command perfcell runs). */
export function beforeCommand(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

/**
 * Whether perfcell's own options say --no-perf, read from argv itself: by the lanes that start perf
 * before the options are parsed (lanes/run-early.ts, lanes/cells-early.ts), and by main.ts for the
 * lanes' code cache (full-run.ts).
 * @example saysNoPerf(['node', 'perfcell', 'run', '--no-perf', '--', 'true']) // true
 */
export function saysNoPerf(argv: readonly string[]): boolean {
  return beforeCommand(argv).includes('--no-perf');
}
