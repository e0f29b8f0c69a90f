import { eventListProblem, splitEventList } from '../../parsers/event-list.ts';
import { closestNames } from '../closest-names.ts';
import { RUN_HOOKS } from '../known-options.ts';
import { UsageError } from '../errors.ts';
import { ackTimeoutProblem } from '../perf/control-channel.ts';
import { toolEventProblem } from '../perf/tool-events.ts';
import { INTERVAL_MS, PID, SECONDS_ABOVE_ZERO, SECONDS_FROM_ZERO, wholeNumberFrom, type ValueRule } from './option-rules.ts';

/**
 * The library's options, checked as the command line's flags are (the rules are option-rules.ts'),
 * before anything runs: a JavaScript caller's `intervalMs` went to perf as given (0 counted with a
 * warning that perf's last interval was missing, -5 was perf's own refusal as a PerfError, 1.5 lost
 * the counters), and `events: 'page-faults'` was split into letters.
 * A value outside the rule is a UsageError naming the option and the fix; `undefined` is the default.
 */

/** `intervalMs must be a whole number of milliseconds from 10 to 2147483647, not 0`. */
function check(name: string, value: unknown, rule: ValueRule): void {
  if (value !== undefined && !rule.holds(value)) throw new UsageError(`${name} must be ${rule.wants}, not ${shown(value)}`);
}

const BOOLEAN: ValueRule = { holds: (value) => typeof value === 'boolean', wants: 'true or false' };
const PATH: ValueRule = { holds: (value) => typeof value === 'string' && value !== '', wants: 'a path' };
const TEXT: ValueRule = { holds: (value) => typeof value === 'string', wants: 'a string' };
const ABORT_SIGNAL: ValueRule = { holds: (value) => value instanceof AbortSignal, wants: 'an AbortSignal, e.g. new AbortController().signal' };
const FUNCTION: ValueRule = { holds: (value) => typeof value === 'function', wants: 'a function' };

/** One of some strings, or `{ file }` where `withFile`: compare's --input and --output. */
function oneOf(choices: readonly string[], withFile = false): ValueRule {
  const named = [...choices.map((choice) => `'${choice}'`), ...(withFile ? ['{ file: PATH }'] : [])];
  return {
    holds: (value) => (typeof value === 'string' && choices.includes(value)) || (withFile && isFileTarget(value)),
    wants: `${named.slice(0, -1).join(', ')} or ${named.at(-1)}`,
  };
}

function isFileTarget(value: unknown): boolean {
  return typeof value === 'object' && value !== null && PATH.holds((value as { file?: unknown }).file);
}

const ENVIRONMENT: ValueRule = {
  holds: (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((each) => typeof each === 'string'),
  wants: "an object of strings, e.g. { LC_ALL: 'C' }",
};

/**
 * `events` and `metricGroups`: arrays of names. A string would be read a letter a name ('p', 'a',
 * …), so it is refused with the array it meant; an events list also takes perf's groups
 * (`{cycles,instructions}`) and refuses perf's tool events, as `-e` does (perf/tool-events.ts).
 */
function checkNames(name: 'events' | 'metricGroups', value: unknown, example: string): void {
  if (value === undefined) return;
  if (typeof value === 'string') throw new UsageError(`${name} is an array of names: ${name}: ${arrayText(splitEventList(value))}, not ${shown(value)}`);
  if (!Array.isArray(value) || !value.every((each) => typeof each === 'string' && each.trim() !== '')) {
    throw new UsageError(`${name} is an array of names, e.g. ${name}: ['${example}'], not ${shown(value)}`);
  }
  if (name !== 'events') return;
  const problem = value.map((each: string) => eventListProblem(each)).find((each) => each !== null) ?? toolEventProblem(value);
  if (problem !== null) throw new UsageError(problem);
}

/** The options every measurement takes (MeasureOptions), from measure(), and the library's runProgram() and prepareWindow() (src/library-entries.ts). */
export function checkMeasureOptions(options: unknown): void {
  refuseAckTimeout(options);
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new UsageError(`options must be an object, e.g. { events: ['page-faults'] }, not ${shown(options)}`);
  }
  const given = options as Record<string, unknown>;
  checkNames('events', given['events'], 'page-faults');
  checkNames('metricGroups', given['metricGroups'], 'TopdownL1');
  check('intervalMs', given['intervalMs'], INTERVAL_MS);
  for (const name of ['perf', 'live', 'settle', 'nodeGc', 'quiet']) check(name, given[name], BOOLEAN);
  check('perfPath', given['perfPath'], PATH);
  check('label', given['label'], TEXT);
  check('backend', given['backend'], oneOf(['perf', 'cachegrind']));
  check('programStdout', given['programStdout'], oneOf(['inherit', 'stderr', 'null', 'pipe'], true));
  check('programStdin', given['programStdin'], oneOf(['inherit', 'null'], true));
  check('programEnvironment', given['programEnvironment'], ENVIRONMENT);
}

/**
 * PERFCELL_PERF_ACK_TIMEOUT_S that perf could not wait by, where the options start perf: the
 * commands refuse it before they start (cli/main.ts), and the library took 'abc', 0 or -1 for 5 s
 * without a word.
 */
function refuseAckTimeout(options: unknown): void {
  const given = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>;
  if (given['perf'] === false || given['backend'] === 'cachegrind') return;
  const problem = ackTimeoutProblem();
  if (problem !== null) throw new UsageError(problem);
}

/** timeit's options (IPython's %timeit: runs, minTime, warmup, loops) and the perf ones it takes. */
export function checkTimeitOptions(options: unknown): void {
  checkMeasureOptions(options);
  const given = (options ?? {}) as Record<string, unknown>;
  check('runs', given['runs'], wholeNumberFrom(1));
  check('minTime', given['minTime'], SECONDS_FROM_ZERO);
  check('warmup', given['warmup'], wholeNumberFrom(0));
  check('loops', given['loops'], wholeNumberFrom(1));
  check('signal', given['signal'], ABORT_SIGNAL);
}

/** compareInProcess' options: compare's --runs, --warmup and --min-time, calls per run, and the perf ones. */
export function checkInProcessCompareOptions(options: unknown): void {
  checkMeasureOptions(options);
  const given = (options ?? {}) as Record<string, unknown>;
  check('runs', given['runs'], wholeNumberFrom(1));
  check('warmup', given['warmup'], wholeNumberFrom(0));
  check('minTime', given['minTime'], SECONDS_ABOVE_ZERO);
  check('loops', given['loops'], wholeNumberFrom(1));
  check('signal', given['signal'], ABORT_SIGNAL);
}

/**
 * attachToProcess' pid and options: attach's --duration, what the watch keeps, the perf ones, and
 * its signal and callbacks, which were called as they came once perf counted: a signal that was
 * not an AbortSignal, or an onStart that was not a function, was a TypeError with perf left
 * watching and the script held open, and an onRow that was not one an uncaught exception.
 */
export function checkAttachOptions(pid: unknown, options: unknown): void {
  if (!PID.holds(pid)) throw new UsageError(`pid must be ${PID.wants}, not ${shown(pid)}`);
  checkMeasureOptions(options);
  const given = (options ?? {}) as Record<string, unknown>;
  check('durationS', given['durationS'], SECONDS_ABOVE_ZERO);
  for (const name of ['maxSamples', 'recentRows', 'seriesPoints']) check(name, given[name], wholeNumberFrom(1));
  check('signal', given['signal'], ABORT_SIGNAL);
  for (const name of ['onStart', 'onRow', 'checkEvents']) check(name, given[name], FUNCTION);
}

/**
 * runProgram's third argument, its hooks: nothing, or an object of RUN_HOOKS' functions. A
 * hook that was not a function was a TypeError thrown where the run called it, the program started
 * and, for onEnded, its whole measurement lost ('hooks.onEnded is not a function'); a misspelt name
 * (`onStart`, attachToProcess' word) and hooks that were not an object were passed over in silence.
 */
export function checkRunHooks(hooks: unknown): void {
  if (hooks === undefined) return;
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) {
    throw new UsageError(`hooks must be an object, e.g. { onStarted() {} }, not ${shown(hooks)}`);
  }
  const given = hooks as Record<string, unknown>;
  const unknown = Object.keys(given).find((name) => !RUN_HOOKS.includes(name));
  if (unknown !== undefined) {
    const meant = closestNames(unknown, RUN_HOOKS)[0];
    throw new UsageError(`unknown hook '${unknown}'${meant === undefined ? '' : `: did you mean '${meant}'?`} (runProgram's hooks are ${RUN_HOOKS.join(', ')})`);
  }
  for (const name of RUN_HOOKS) check(name, given[name], FUNCTION);
}

/** `typescript` of the REPL and createEvaluator(): true, false or 'auto'. */
const TYPESCRIPT_MODE: ValueRule = { holds: (value) => typeof value === 'boolean' || value === 'auto', wants: "true, false or 'auto'" };

/** startRepl's options: its measure set-up, TypeScript mode, width and switches (streams are the caller's). */
export function checkReplOptions(options: unknown): void {
  const given = (options ?? {}) as Record<string, unknown>;
  checkMeasureOptions(given['measure']);
  check('typescript', given['typescript'], TYPESCRIPT_MODE);
  check('width', given['width'], wholeNumberFrom(1));
  for (const name of ['reporting', 'banner', 'compact', 'json']) check(name, given[name], BOOLEAN);
  if (given['historyPath'] !== null) check('historyPath', given['historyPath'], TEXT);
}

/** renderReportText's and renderReplReport's columns and samples: 0 printed a character a line, -5 was a RangeError. */
export function checkRenderOptions(options: unknown): void {
  const given = (options ?? {}) as Record<string, unknown>;
  for (const name of ['width', 'maxSamples']) check(name, given[name], wholeNumberFrom(1));
}

const SEPARATOR: ValueRule = { holds: (value) => typeof value === 'string' && value !== '', wants: "the separator given to perf stat -x (e.g. ',')" };

/** parsePerfStat's and createPerfStatParser's, as parse --format and --sep: a format 'xml' read 0 records without a word. */
export function checkParserOptions(options: unknown): void {
  const given = (options ?? {}) as Record<string, unknown>;
  check('format', given['format'], oneOf(['auto', 'csv', 'human', 'json']));
  check('separator', given['separator'], SEPARATOR);
  check('metrics', given['metrics'], BOOLEAN);
}

/**
 * createAggregator's samples kept: a whole number (0 keeps none), or Infinity for every one, its
 * default ("Default: all", which the aggregator holds as Infinity), said outright.
 */
const SAMPLES_KEPT: ValueRule = {
  holds: (value) => value === Number.POSITIVE_INFINITY || wholeNumberFrom(0).holds(value),
  wants: 'a whole number ≥ 0, or Infinity for all',
};

/** createAggregator's and aggregateRecords': samples kept (0 keeps none) and perf's time the window starts at. */
export function checkAggregatorOptions(options: unknown): void {
  const given = (options ?? {}) as Record<string, unknown>;
  check('maxSamples', given['maxSamples'], SAMPLES_KEPT);
  check('startTimeS', given['startTimeS'], SECONDS_FROM_ZERO);
}

/** createEvaluator's `typescript`, and createCellEvaluator's (a file's cells are TypeScript or not) and its `timeoutS` (--cell-timeout). */
export function checkEvaluatorOptions(options: unknown, kind: 'evaluator' | 'cells'): void {
  const given = (options ?? {}) as Record<string, unknown>;
  check('typescript', given['typescript'], kind === 'cells' ? BOOLEAN : TYPESCRIPT_MODE);
  if (kind === 'cells' && given['timeoutS'] !== null) check('timeoutS', given['timeoutS'], SECONDS_ABOVE_ZERO);
}

/**
 * What measure() and runProgram() run: a function (measure only) or the program as an argv array of
 * strings. A string was taken letter by letter (`measure('ls')` ran `l`).
 */
export function checkMeasureTarget(target: unknown, caller: 'measure' | 'runProgram'): void {
  if (caller === 'measure' && typeof target === 'function') return;
  if (typeof target === 'string') {
    const words = target.trim().split(/\s+/).filter((word) => word !== '');
    throw new UsageError(`pass the program as an argv array: ${caller}(${arrayText(words.length === 0 ? ['sleep', '1'] : words)})`);
  }
  if (!Array.isArray(target) || !target.every((word) => typeof word === 'string')) {
    const takes = caller === 'measure' ? 'a function or the program as an argv array of strings' : 'the program as an argv array of strings';
    throw new UsageError(`${caller} takes ${takes}, e.g. ${caller}(['sleep', '1']), not ${shown(target)}`);
  }
}

/**
 * The library's `events` and `metricGroups` with what counts none of them: `perf: false`, or
 * `backend: 'cachegrind'` (it simulates the caches). They were dropped without a word, where the
 * command line refuses -e and -M with --no-perf and with --backend cachegrind (cli/options.ts); so
 * are they here, in the options' words. Checked at the library's door only (library-entries.ts):
 * perfcell's own callers pass a set-up they have made (the REPL's perfcell.timeit its session's
 * events and perf), whose flags were checked where they were given.
 */
export function refusePerfOptionsUncounted(options: unknown): void {
  if (typeof options !== 'object' || options === null) return;
  const given = options as { events?: unknown; metricGroups?: unknown; perf?: unknown; backend?: unknown };
  const named = (['events', 'metricGroups'] as const).filter((name) => Array.isArray(given[name]) && (given[name] as unknown[]).length > 0);
  if (named.length === 0) return;
  const names = named.join(' and ');
  const one = named.length === 1;
  if (given.perf === false) throw new UsageError(`${names} need${one ? 's' : ''} perf, which perf: false turns off (drop perf: false, or drop ${names})`);
  if (given.backend === 'cachegrind') {
    throw new UsageError(`${names} pick${one ? 's' : ''} perf's events, which backend: 'cachegrind' does not count (drop ${names}, or drop backend: 'cachegrind')`);
  }
}

/**
 * What compareInProcess and perfcell.compare compare: named functions in an object. null was
 * V8's 'Cannot convert undefined or null to object', a string 'compare: 0 is not a function' (its
 * letters), and an array was compared as alternatives named 0, 1, ….
 */
export function checkCompareAlternatives(alternatives: unknown): void {
  if (typeof alternatives === 'object' && alternatives !== null && !Array.isArray(alternatives)) return;
  throw new UsageError(`compare takes named functions in an object, e.g. perfcell.compare({ a: () => f(), b: () => g() }), not ${shown(alternatives)}`);
}

/**
 * The library's measure(argv) and runProgram(argv): an argv with a program's name, refused in the
 * library's words, where run's ('the word after -- is ""', 'perfcell run -- ls') name a command
 * line its caller has not. perfcell's own callers (run --backend cachegrind, compare) keep run's.
 */
export function checkProgramNamed(command: readonly string[], caller: 'measure' | 'runProgram'): void {
  if (command.length === 0) throw new UsageError(`${caller} needs a program to run: ${caller}(['sleep', '1'])`);
  if (command[0] === '') throw new UsageError(`cannot run a program with an empty name (${caller}(${arrayText(command)})); give a program, e.g. ${caller}(${arrayText(['ls', ...command.slice(1)])})`);
}

/** `['a', 'b']`, as the caller would write it. */
function arrayText(words: readonly string[]): string {
  return `[${words.map((word) => `'${word.replace(/['\\]/g, '\\$&')}'`).join(', ')}]`;
}

/** A value as the caller wrote it, near enough: `'page-faults'`, `1.5`, `[object]`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
