import { splitCommand } from '../../parsers/split-command.ts';
import { SORT_ORDERS } from '../experiment/sort-order.ts';
import { TIME_UNIT_SECONDS } from '../render/time-unit.ts';
import { COMPARE_EXPORTS } from './compare-exports.ts';
import { OUTPUT_STYLES } from './output-style.ts';

/**
 * compare's warm-up runs of commands, read from argv before its options are parsed, so that the
 * program server (session/program-server.ts) runs them while perfcell itself still loads: each is
 * thrown away, and none needs perf. Only for a command line whose meaning is certain here: `compare`,
 * then nothing but the options below (flags that change no run, --warmup, --runs, --names,
 * --shell, the output's --style, --sort and -u, the exports' files where they can be written, and
 * hyperfine's -w, -r, -n, -N), then `--` and the commands. Any other option (a hook,
 * events, outputs, a baseline, cells, a backend…), a value compare would refuse, or a command it
 * could not split, and compare starts as it always did: no program runs before its options have
 * been checked.
 */
export interface EarlyWarmups {
  /** Each alternative's argv, in the order given. */
  readonly commands: readonly (readonly string[])[];
  /** The noise floor's argv (`true`, under `sh -c` with --shell), run after them in each round. */
  readonly noiseFloor: readonly string[];
  /** Warm-up rounds (compare's --warmup, default 1). */
  readonly rounds: number;
}

/** Flags that change nothing a warm-up run does. */
const PLAIN_FLAGS: ReadonlySet<string> = new Set(['--json', '--no-progress', '-v', '--verbose', '--no-live', '--no-perf']);

/** compare's own name for the noise floor, which --names may not take. */
const NOISE_FLOOR_NAME = 'noise floor';

/** Options with a whole-number value, and the least compare takes (its parseCount). */
const COUNT_OPTIONS: ReadonlyMap<string, number> = new Map([
  ['--warmup', 0],
  ['--runs', 1],
]);

/** Options of the output, each with the values compare takes (commander's choices): they change no run. */
const CHOICE_OPTIONS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['--style', OUTPUT_STYLES],
  ['--sort', SORT_ORDERS],
  ['--time-unit', Object.keys(TIME_UNIT_SECONDS)],
]);

/** Options naming a file written after the runs: they change no run, once compare's check of the paths passes. */
const EXPORT_OPTIONS: ReadonlySet<string> = new Set(COMPARE_EXPORTS.map(([flag]) => flag));

/** hyperfine's short flags that compare takes too: `-w 2 -r 20` is `--warmup 2 --runs 20`. */
const SHORT_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['-w', '--warmup'],
  ['-r', '--runs'],
  ['-u', '--time-unit'],
]);

/**
 * The warm-ups `argv` asks for, where it is certain what they are; else null.
 * `isNodeProgram`: a Node program gets a gate of its own each run (its GC is reported), not the server.
 * `canWrite`: whether compare's check of the exports' paths passes (cli/output-paths.ts), as it
 * checks them before its first run; no export: not asked.
 * @example earlyWarmups(['node', 'perfcell', 'compare', '--warmup', '2', '--', './a 1', './b'], {}, isNodeProgram) // { commands: [['./a', '1'], ['./b']], noiseFloor: ['true'], rounds: 2 }
 * @example earlyWarmups(['node', 'perfcell', 'compare', '--prepare', 'make', '--', './a'], {}, isNodeProgram) // null
 */
export function earlyWarmups(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv,
  isNodeProgram: (file: string) => boolean,
  canWrite: (outputs: readonly { readonly flag: string; readonly path: string }[]) => boolean = () => false,
): EarlyWarmups | null {
  if (argv[2] !== 'compare') return null;
  // the switches that turn served or uncounted warm-ups off (program-server.ts, alternatives.ts), and this
  if (environment['PERFCELL_EARLY_WARMUPS'] === '0' || environment['PERFCELL_SERVED_RUNS'] === '0' || environment['PERFCELL_WARMUP_UNCOUNTED'] === '0') return null;
  const dashes = argv.indexOf('--');
  if (dashes === -1) return null;
  const counts = new Map<string, number>();
  const choices = new Map<string, string>();
  const exports: { flag: string; path: string }[] = [];
  const plain = new Set<string>();
  let shell = false;
  /** -N given: shell syntax in a command is its arguments, as compare takes them (alternatives.ts, commandArgv). */
  let noShellNamed = false;
  let names: string[] | null = null;
  for (let index = 3; index < dashes; index++) {
    const arg = argv[index] ?? '';
    if (PLAIN_FLAGS.has(arg)) {
      plain.add(arg);
      continue;
    }
    if (arg === '--shell' && !shell) {
      shell = true;
      continue;
    }
    // -N (hyperfine's no shell, compare's default), after --shell too, as commander reads them in order
    if (arg === '-N' || arg === '--no-shell') {
      shell = false;
      noShellNamed = true;
      continue;
    }
    if ((arg === '--names' || arg === '-n') && names === null) {
      // commander's variadic option: every word up to the next that starts with '-'
      names = [];
      while (index + 1 < dashes && !(argv[index + 1] ?? '').startsWith('-')) names.push(argv[++index] ?? '');
      continue;
    }
    const [given = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const name = SHORT_OPTIONS.get(given) ?? given;
    if (EXPORT_OPTIONS.has(name) && !exports.some((output) => output.flag === name)) {
      const path = inline ?? argv[++index];
      if (path === undefined || index >= dashes) return null;
      exports.push({ flag: name, path });
      continue;
    }
    const allowed = CHOICE_OPTIONS.get(name);
    const minimum = COUNT_OPTIONS.get(name);
    if ((minimum === undefined && allowed === undefined) || counts.has(name) || choices.has(name)) return null;
    const value = inline ?? argv[++index];
    if (value === undefined || index >= dashes) return null;
    if (minimum === undefined) {
      if (!(allowed ?? []).includes(value)) return null;
      choices.set(name, value);
      continue;
    }
    // as compare's parseCount reads it
    const count = Number(value);
    if (!Number.isInteger(count) || count < minimum) return null;
    counts.set(name, count);
  }
  // as compare checks --style (checkCombination): none prints no --json, full draws what --no-progress drops
  const style = choices.get('--style');
  if ((style === 'none' && plain.has('--json')) || (style === 'full' && plain.has('--no-progress'))) return null;
  // (an export to stdout, -, beside --json: compare refuses the two)
  if (exports.length > 0 && (!canWrite(exports) || (plain.has('--json') && exports.some((output) => output.path === '-')))) return null;
  const texts = argv.slice(dashes + 1);
  if (texts.length === 0) return null;
  // as compare checks --names (checkCombination): one each, all different, none the noise floor's
  if (names !== null && (names.length !== texts.length || new Set(names).size !== names.length || names.includes(NOISE_FLOOR_NAME))) return null;
  const commands: string[][] = [];
  for (const text of texts) {
    if (shell) {
      commands.push(['sh', '-c', text]);
      continue;
    }
    const split = splitCommand(text);
    // (shell syntax where no shell was named: compare refuses it, naming --shell)
    if ('error' in split || split.argv.length === 0 || (split.shellSyntax !== undefined && !noShellNamed) || isNodeProgram(split.argv[0] ?? '')) return null;
    commands.push([...split.argv]);
  }
  const rounds = counts.get('--warmup') ?? 1;
  return rounds > 0 ? { commands, noiseFloor: shell ? ['sh', '-c', 'true'] : ['true'], rounds } : null;
}
