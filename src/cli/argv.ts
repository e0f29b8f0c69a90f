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

/**
 * hyperfine's spellings in compare's own words, as compare takes them (other commands' argv, and
 * the words after `--`, are as given):
 * - `--shell=SHELL` is `-S SHELL` (compare's --shell takes no value, and sh is its shell);
 * - in a line with neither `--` nor `--cells`, as hyperfine's `-n NAME CMD -n NAME CMD`, each `-n`
 *   names one command: `--command-name NAME`, and the words after it are commands. With `--`,
 *   `-n a b -- A B` is compare's list of names.
 * @example hyperfineSpellings(['node', 'perfcell', 'compare', '--shell=bash', '--', 'x']) // ['node', 'perfcell', 'compare', '-S', 'bash', '--', 'x']
 * @example hyperfineSpellings(['node', 'perfcell', 'compare', '-n', 'a', 'sleep 1']) // ['node', 'perfcell', 'compare', '--command-name', 'a', 'sleep 1']
 */
export function hyperfineSpellings(argv: readonly string[]): readonly string[] {
  if (firstCommandWord(argv) !== 'compare') return argv;
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  const namesOneEach = end === -1 && !own.includes('--cells');
  const spelled = own.flatMap((arg) => (arg.startsWith('--shell=') ? ['-S', arg.slice('--shell='.length)] : namesOneEach && arg === '-n' ? ['--command-name'] : [arg]));
  return [...spelled, ...(end === -1 ? [] : argv.slice(end))];
}
