/** Flags that may come before the command's name (`perfcell --debug run -- …`). */
export const globalFlags: ReadonlySet<string> = new Set(['--debug']);

/**
 * The first word of argv that is not a global flag: the command's name, or an option.
 * @example firstCommandWord(['node', 'perfcell', '--debug', 'run', '--', 'true']) // 'run'
 */
export function firstCommandWord(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !globalFlags.has(arg));
}

/**
 * `perfcell help COMMAND…` as `perfcell COMMAND… --help`, and `perfcell help` as `perfcell --help`:
 * commander's help command printed the help of the stub the top-level listing registers (no option
 * but -h), and for an unknown name the whole program's help on stderr; as a flag, the command itself
 * is loaded and prints its own help, and a mistyped name is refused as it is without `help`.
 * @example helpAsFlag(['node', 'perfcell', 'help', 'kernel', 'install']) // ['node', 'perfcell', 'kernel', 'install', '--help']
 */
export function helpAsFlag(argv: readonly string[]): readonly string[] {
  const at = argv.indexOf('help', 2);
  if (at === -1 || firstCommandWord(argv) !== 'help') return argv;
  const read = [...argv.slice(0, at), ...argv.slice(at + 1)];
  // `help help`: the listing's own `help [command]`, which had been refused as an unknown command
  return firstCommandWord(read) === 'help' ? helpAsFlag(read) : [...read, '--help'];
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
 * Whether perfcell's own options say --backend cachegrind, read from argv itself: run's lane arms
 * no gate for it (lanes/run-early.ts), since valgrind runs the program instead.
 * @example saysCachegrind(['node', 'perfcell', 'run', '--backend=cachegrind', '--', 'true']) // true
 */
export function saysCachegrind(argv: readonly string[]): boolean {
  const own = beforeCommand(argv);
  return own.includes('--backend=cachegrind') || own.some((word, index) => word === '--backend' && own[index + 1] === 'cachegrind');
}

/**
 * hyperfine's spellings in compare's own words, as compare takes them (other commands' argv, and
 * the words after `--`, are as given):
 * - `--shell=SHELL` is `-S SHELL` (compare's --shell takes no value, and sh is its shell);
 * - in a line with neither `--` nor `--cells`, as hyperfine's `-n NAME CMD -n NAME CMD`, each `-n`
 *   names one command: `--command-name NAME`, and the words after it are commands. With `--`,
 *   `-n a b -- A B` is compare's list of names.
 * - in such a line too, `-L NAME VALUES` takes its two words and `-P NAME MIN MAX` its three, as
 *   hyperfine's do, and the words after them are commands (`-r 3 -L t 1,2 'sleep 0.{t}'`): each
 *   word as `--parameter-list=WORD`, which commander's list option takes alone. With `--`, the
 *   words up to it are the option's, as before.
 * @example hyperfineSpellings(['node', 'perfcell', 'compare', '--shell=bash', '--', 'x']) // ['node', 'perfcell', 'compare', '-S', 'bash', '--', 'x']
 * @example hyperfineSpellings(['node', 'perfcell', 'compare', '-n', 'a', 'sleep 1']) // ['node', 'perfcell', 'compare', '--command-name', 'a', 'sleep 1']
 * @example hyperfineSpellings(['node', 'perfcell', 'compare', '-L', 't', '1,2', 'sleep {t}']) // ['node', 'perfcell', 'compare', '--parameter-list=t', '--parameter-list=1,2', 'sleep {t}']
 */
export function hyperfineSpellings(argv: readonly string[]): readonly string[] {
  if (firstCommandWord(argv) !== 'compare') return argv;
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  const hyperfineLine = end === -1 && !own.includes('--cells');
  const spelled: string[] = [];
  for (let index = 0; index < own.length; index++) {
    const arg = own[index] as string;
    const scan = hyperfineLine ? FIXED_ARITY.get(arg) : undefined;
    if (scan !== undefined) {
      for (const word of own.slice(index + 1, index + 1 + scan.words)) spelled.push(`${scan.long}=${word}`);
      index += scan.words;
    } else if (arg.startsWith('--shell=')) spelled.push('-S', arg.slice('--shell='.length));
    else spelled.push(hyperfineLine && arg === '-n' ? '--command-name' : arg);
  }
  return [...spelled, ...(end === -1 ? [] : argv.slice(end))];
}

/** hyperfine's options of a fixed number of words that compare declares as lists. */
const FIXED_ARITY: ReadonlyMap<string, { readonly long: string; readonly words: number }> = new Map([
  ['-L', { long: '--parameter-list', words: 2 }],
  ['--parameter-list', { long: '--parameter-list', words: 2 }],
  ['-P', { long: '--parameter-scan', words: 3 }],
  ['--parameter-scan', { long: '--parameter-scan', words: 3 }],
]);
