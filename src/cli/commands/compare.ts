import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { cellAlternatives, commandAlternatives, distinctNames, oneOrEach, shellWords, type CommandIo, planCells, prepareCellPlan, runOnce, type Measurable, type RunHooks } from '../../experiment/alternatives.ts';
import { baselineLacks, compareWithBaseline } from '../../experiment/analyze.ts';
import { createCellEvaluator, type CellEvaluator } from '../../experiment/cell-evaluator.ts';
import { buildCompareDocument, type CompareDocument, type CompareSettings, type RunFailure, type SavedAlternative } from '../../experiment/compare-document.ts';
import { costOf } from '../../experiment/compare-cost.ts';
import { runHook } from '../../experiment/hook-command.ts';
import { runInterleavedUntilStopped, type InterleaveProgress } from '../../experiment/interleave.ts';
import { describePartial, partialCause, partialMessageText, withoutComparison } from '../../experiment/partial-run.ts';
import { holdInterruptions, interruptedOr, interruption, InterruptedError, throwIfInterrupted } from '../../session/interruption.ts';
import { endByInterruption, endIfInterruptedAfter } from '../end-by-signal.ts';
import { machineDifferences, perfVersionText, readMachineInfo } from '../../experiment/machine.ts';
import { metricsOfReport } from '../../experiment/metrics.ts';
import { releaseArmedPerf } from '../../experiment/run-cells.ts';
import type { MeasureOptions } from '../../session/options.ts';
import type { CommandReport } from '../../session/report.ts';
import { renderCompareCsv } from '../../render/compare-csv.ts';
import { renderHyperfineJson } from '../../render/compare-hyperfine.ts';
import { renderCompareDocumentHtml } from '../../render/compare-html.ts';
import { renderCompareAsciidoc } from '../../render/compare-asciidoc.ts';
import { renderCompareMarkdown } from '../../render/compare-markdown.ts';
import { renderCompareOrgmode } from '../../render/compare-orgmode.ts';
import { renderCompareText } from '../../render/compare-text.ts';
import { renderProgressBar, type ProgressEstimate } from '../../render/progress-bar.ts';
import { shellQuote } from '../../render/shell-quote.ts';
import { formatMetricValue } from '../../render/metric-units.ts';
import { displayPath, loadBaseline, replacedSave, savePath, writeOutput } from '../compare-files.ts';
import { writeHtmlFile } from '../html-file.ts';
import { checkOutputPaths, refuseOutputOverCells } from '../output-paths.ts';
import { parseInputWhere, parseOutputWhere } from '../program-io.ts';
import { runSchedule } from '../run-schedule.ts';
import { TIME_UNIT_SECONDS, type TimeUnit } from '../../render/time-unit.ts';
import { makeFolders } from '../../make-folders.ts';
import { findExecutable } from '../../backends/find-executable.ts';
import { EVENTS_HELP, METRICS_HELP, parseEventList, parseIntervalMs, parseMetricList, perfFlagOptions, refusePerfFlagsWithBackend, refusePerfFlagsWithoutPerf } from '../options.ts';
import { eventListName } from '../../events-source.ts';
import { readCells } from './cells.ts';
import { extensionOf, isCellFileExtension } from '../../../parsers/cells.ts';
import { canRedraw, liveWanted } from '../../live/live-wanted.ts';
import { COMPARE_EXPORTS } from '../compare-exports.ts';
import { OUTPUT_STYLES, styleEffects, type OutputStyle } from '../output-style.ts';
import { SORT_ORDERS, sortAlternatives, type SortOrder } from '../../experiment/sort-order.ts';
import { iterationEnvironment } from '../../experiment/iteration-env.ts';
import { startProgressTicker } from '../../live/progress-ticker.ts';
import { onLiveRecord } from '../../perf/controller.ts';
import { isMultiplexNote, mergeMultiplexNotes, runningPctsOf } from '../../session/counters.ts';
import { isRanDuringNote, mergeStrayNotes } from '../../proc/child-processes.ts';
import { toJsonDocument } from '../../json-document.ts';
import { fitted, messageText, outputWidth, warningText } from '../../render/terminal-width.ts';
import { renderReportText } from '../../render/report-text.ts';
import { failureWarnings } from '../../render/failure-warnings.ts';
import { exitWhenIdle } from '../exit-when-idle.ts';
import { monotonicMs } from '../../session/clock.ts';
import { continueCount, rerunRoundNote } from '../../session/job-stops.ts';
import { quoteName } from '../../render/quote-name.ts';
import { nameAlternativeNotes } from '../alternative-notes.ts';
import { collectGaveUpNotes, perfGaveUp } from '../../session/perf-gave-up.ts';
import { sendCellStdout, type OwnStdout } from '../../own-stdout.ts';
import { SECONDS_ABOVE_ZERO, wholeNumberFrom } from '../../session/option-rules.ts';
import { expandParameterLists, mentions, readParameterLists, readParameterScan, substituteParameters } from '../../../parsers/parameter-list.ts';

interface CompareFlags {
  readonly cells?: readonly string[];
  readonly names?: readonly string[];
  /** hyperfine's --sort: mean-time puts the fastest first. */
  readonly sort?: SortOrder;
  /** hyperfine's --style: the progress line and the summary (see output-style.ts). */
  readonly style?: OutputStyle;
  /** hyperfine's --command-name NAME (its -n in a line without --), once per command. */
  readonly commandName?: readonly string[];
  /** -L NAME VALUES, as commander collects them (every -L's words, in order). */
  readonly parameterList?: readonly string[];
  /** -P NAME MIN MAX, and -D STEP. */
  readonly parameterScan?: readonly string[];
  readonly parameterStepSize?: string;
  readonly runs?: number;
  /** hyperfine's -m and --max-runs: a range of rounds, run until --min-time (3 s by default) within it. */
  readonly minRuns?: number;
  readonly maxRuns?: number;
  readonly warmup?: number;
  readonly minTime?: number;
  readonly shell?: boolean;
  /** hyperfine's -S SHELL (none: no shell; default: sh). */
  readonly S?: string;
  /** hyperfine's -u: the unit of the summary's and the markdown's times. */
  readonly timeUnit?: TimeUnit;
  readonly backend: 'perf' | 'cachegrind';
  readonly events?: readonly string[];
  readonly metrics?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
  readonly json?: boolean;
  readonly exportJson?: string;
  readonly exportCsv?: string;
  readonly exportMarkdown?: string;
  readonly exportAsciidoc?: string;
  readonly exportOrgmode?: string;
  readonly exportHyperfine?: string;
  readonly html?: string;
  readonly save?: string;
  readonly baseline?: string;
  readonly progress: boolean;
  readonly live: boolean;
  readonly verbose?: boolean;
  readonly prepare?: readonly string[];
  readonly conclude?: readonly string[];
  readonly setup?: string;
  readonly cleanup?: string;
  readonly ignoreFailure?: boolean;
  readonly reference?: string;
  readonly referenceName?: string;
  readonly showOutput?: boolean;
  /** --input WHERE: null or a file; once for all, or once per alternative (a file's path may hold {NAME}). */
  readonly input?: readonly string[];
  /** --output WHERE: once for all, or once per alternative (as given: a file's path may hold {NAME}). */
  readonly output?: readonly string[];
}

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/** The flags given once for all alternatives or once each (as hyperfine's), and where CompareFlags keeps them. */
const PER_ALTERNATIVE_FLAGS = [['--prepare', 'prepare'], ['--conclude', 'conclude'], ['--input', 'input'], ['--output', 'output']] as const;

/**
 * The progress line's columns: $COLUMNS, else the terminal's, else 80 (`--style full` on a
 * pipe; a line redrawn with \r, never one a reader greps). The summary takes outputWidth's
 * answer as it is: none on a pipe, whose lines stay whole.
 */
function progressWidth(stream: { readonly columns?: number; readonly isTTY?: boolean }): number {
  return outputWidth(stream) ?? 80;
}

function parseCount(minimum: number, example: string) {
  const rule = wholeNumberFrom(minimum);
  return (value: string): number => {
    const count = Number(value);
    if (!rule.holds(count)) throw new InvalidArgumentError(`give ${rule.wants}, e.g. ${example}`);
    return count;
  };
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!SECONDS_ABOVE_ZERO.holds(seconds)) throw new InvalidArgumentError(`give ${SECONDS_ABOVE_ZERO.wants}, e.g. --min-time 5`);
  return seconds;
}

/**
 * hyperfine's --command-name (its -n NAME CMD, in a line without --): the names, one per use, of
 * the commands in order; a command after the last named is named by itself, as hyperfine names it.
 */
function withCommandNames(targets: readonly string[], flags: CompareFlags): CompareFlags {
  const given = flags.commandName;
  if (given === undefined) return flags;
  if (flags.cells !== undefined) throw new UsageError('--command-name (hyperfine\'s -n) names commands: name cells with --names (perfcell compare FILE --cells "A" "B" --names a b)');
  // (no command to name: "nothing to compare", as without it)
  if (targets.length === 0) return flags;
  if (flags.names !== undefined) throw new UsageError('--names and --command-name (hyperfine\'s -n without --) both name the alternatives (give one of them)');
  if (given.length > targets.length) throw new UsageError(`-n/--command-name was given ${given.length === 1 ? 'once' : `${given.length} times`} for ${targets.length} command${targets.length === 1 ? '' : 's'} (hyperfine's -n names the one command after it: -n NAME CMD; or give the names as a list before --: -n a b -- "CMD A" "CMD B")`);
  const own = distinctNames(targets);
  return { ...flags, names: targets.map((_, index) => given[index] ?? own[index] ?? '') };
}

/**
 * -L and -P (parsers/parameter-list.ts): the commands, names, --prepare and --conclude commands
 * for every value, and each alternative's values; without them, all as given.
 */
function withParameterLists(
  targets: string[],
  flags: CompareFlags,
  afterDashes: ReadonlySet<string>,
): { targets: string[]; flags: CompareFlags; afterDashes: ReadonlySet<string>; parameters: (Readonly<Record<string, string>> | null)[] | null } {
  if (flags.parameterScan === undefined && flags.parameterStepSize !== undefined) throw new UsageError('-D is the step of -P (e.g. -P n 256 1024 -D 256)');
  if (flags.parameterList === undefined && flags.parameterScan === undefined) return { targets, flags, afterDashes, parameters: null };
  if (flags.cells !== undefined) throw new UsageError(`${flags.parameterList === undefined ? '-P' : '-L'} is for commands: its values replace {NAME} in command strings (compare cells by their titles)`);
  const lists = readParameterLists(flags.parameterList ?? []);
  if ('problem' in lists) throw new UsageError(lists.problem);
  if (flags.parameterScan !== undefined) {
    const scan = readParameterScan(flags.parameterScan, flags.parameterStepSize);
    if ('problem' in scan) throw new UsageError(scan.problem);
    if (lists.some((list) => list.name === scan.name)) throw new UsageError(`${scan.name} was given to both -L and -P (give it to one)`);
    lists.push(scan);
  }
  const uses = (text: string): boolean => lists.some((list) => mentions(text, list.name));
  const hook = [flags.setup, flags.cleanup].find((text) => text !== undefined && uses(text));
  if (hook !== undefined) {
    throw new UsageError(`-L and -P values go into the commands, --names, --prepare and --conclude, not --setup or --cleanup: ${quoteName(hook)} would run with {…} as typed (PERFCELL_ALTERNATIVE names the alternative there)`);
  }
  if (targets.length === 0) return { targets, flags, afterDashes, parameters: null };
  const expanded = expandParameterLists(targets, flags.names ?? null, lists);
  if ('problem' in expanded) throw new UsageError(expanded.problem);
  const total = expanded.length;
  // --prepare and --conclude: one for all (the same command each time where it holds no {NAME}), one per command, or one per alternative;
  // with --reference, as hyperfine takes them, also the reference's first and then one per alternative (N×V+1: withReference checks the reference's)
  const perAlternative = (flag: string, hooks: readonly string[] | undefined): readonly string[] | undefined => {
    const given = hooks ?? [];
    const withReferenceFirst = flags.reference !== undefined && given.length === total + 1;
    if (given.length > 1 && given.length !== targets.length && given.length !== total && !withReferenceFirst) {
      const referenceForm = flags.reference === undefined ? '' : `, or ${total + 1} times with --reference: the reference's first`;
      throw new UsageError(`${flag} was given ${given.length} times for ${targets.length} commands × ${total / targets.length} values (give it once for all, once per command, or once per alternative${referenceForm}, with {NAME} where a value goes)`);
    }
    if (given.length === 0 || (given.length === 1 && !uses(given[0] as string))) return hooks;
    if (withReferenceFirst) return [given[0] as string, ...expanded.map((each, index) => substituteParameters(given[index + 1] as string, each.parameters))];
    return expanded.map((each, index) => substituteParameters((given.length === total ? given[index] : given[given.length === 1 ? 0 : index % targets.length]) as string, each.parameters));
  };
  // --input and --output as the hooks: a file's path with {NAME}, one per value
  const expandedFlags = Object.fromEntries(PER_ALTERNATIVE_FLAGS.flatMap(([flag, key]) => {
    const each = perAlternative(flag, flags[key]);
    return each === undefined ? [] : [[key, each]];
  }));
  return {
    targets: expanded.map((each) => each.command),
    flags: { ...flags, names: expanded.map((each) => each.name), ...expandedFlags },
    afterDashes: new Set([...afterDashes, ...expanded.filter((_, index) => afterDashes.has(targets[index % targets.length] as string)).map((each) => each.command)]),
    parameters: expanded.map((each) => each.parameters),
  };
}

/**
 * hyperfine's --reference CMD (--reference-name NAME): CMD runs first, the alternative the others
 * are compared against. Under -L and -P it runs once, with no value: {NAME} in it, or in a
 * --prepare or --conclude it would share, is refused, as is a hook given once per command.
 */
function withReference(
  scanned: ReturnType<typeof withParameterLists>,
  given: CompareFlags,
): ReturnType<typeof withParameterLists> {
  const { targets, flags, afterDashes, parameters } = scanned;
  if (given.reference === undefined) {
    if (given.referenceName !== undefined) throw new UsageError('--reference-name names the --reference command (give it: --reference CMD --reference-name NAME)');
    return scanned;
  }
  const reference = given.reference;
  if (given.cells !== undefined) throw new UsageError('--reference is for commands (compare cells by their titles: the first is the one the others are compared against)');
  // (no command to compare with it: "nothing to compare", as without it)
  if (targets.length === 0) return scanned;
  const valueNames = Object.keys(parameters?.find((values) => values !== null) ?? {});
  const used = valueNames.find((name) => mentions(reference, name));
  if (used !== undefined) throw new UsageError(`--reference runs once, not once per value: its {${used}} would run as typed (give the command with {${used}} after --, or a reference without it)`);
  // once for all; or, as hyperfine takes them, once per command and the reference's first (not under -L and -P)
  for (const [flag, key] of PER_ALTERNATIVE_FLAGS) {
    const hooks = given[key];
    if (hooks === undefined) continue;
    if (hooks.length > 1 && parameters === null && hooks.length !== targets.length + 1) {
      throw new UsageError(`with --reference, give ${flag} once for all, or ${targets.length + 1} times: the reference's first, then one per command (it was given ${hooks.length} times)`);
    }
    // under -L and -P: once for all, or (withParameterLists) the reference's first and one per command and value
    if ((hooks.length > 1 && parameters !== null && hooks.length !== targets.length + 1) || valueNames.some((name) => mentions(hooks[0] ?? '', name))) {
      throw new UsageError(`with --reference, give ${flag} once, for the reference and every command, without {…} (the reference runs with no value), or ${targets.length + 1} times: the reference's first, then one per command and value`);
    }
  }
  const names = flags.names ?? (given.referenceName === undefined ? undefined : distinctNames(targets));
  const withItsName = names === undefined ? undefined : [given.referenceName ?? reference, ...names];
  // names of perfcell's making (the commands, -L's) numbered where the reference's is one of them,
  // as a command given twice is: `--reference 'sleep 0.001' -L n 1,2 'sleep 0.00{n}'` was refused
  // with '--names must differ', no --names given; names given by hand stay as given (and checked)
  const isMadeHere = given.names === undefined && given.commandName === undefined;
  return {
    targets: [reference, ...targets],
    flags: { ...flags, ...(withItsName === undefined ? {} : { names: isMadeHere ? distinctNames(withItsName) : withItsName }) },
    afterDashes: new Set([...afterDashes, reference]),
    parameters: parameters === null ? null : [null, ...parameters],
  };
}

/**
 * The shell each command runs under: false for none (the default, -N, -S none), true for sh
 * (--shell, -S default), else the shell -S names (run as NAME -c COMMAND, as hyperfine does).
 */
function shellOf(flags: Pick<CompareFlags, 'shell' | 'S'>): boolean | string {
  if (flags.S === undefined) return flags.shell === true;
  return flags.S === 'none' ? false : flags.S === 'default' ? true : flags.S;
}

/** The shell -S names runs here: else every run would fail as a command not found, and only after the set-up. */
async function checkShell(flags: CompareFlags): Promise<void> {
  const shell = shellOf(flags);
  if (typeof shell !== 'string' || flags.cells !== undefined) return;
  // a name, or a command line as hyperfine takes it (-S 'bash --norc'): its first word is looked up
  const program = shellWords(shell)[0] ?? shell;
  const lookup = await findExecutable(program, { cwd: process.cwd(), path: process.env['PATH'] });
  if (lookup.kind === 'missing') throw new UsageError(`-S ${shell}: no such shell ${program.includes('/') ? 'file' : 'on PATH'}${program === shell ? '' : ` (${program})`} (install it, or pick another: -S bash, or -S none for no shell)`);
  if (lookup.kind === 'not executable') throw new UsageError(`-S ${shell}: ${lookup.path} is not executable (chmod +x it, or pick another shell)`);
}

/** Commands written after `--` are operands too; what they mean depends on --cells. */
function checkCombination(targets: readonly string[], flags: CompareFlags, afterDashes: ReadonlySet<string>): void {
  refusePerfFlagsWithoutPerf(flags);
  refusePerfFlagsWithBackend(flags, flags.backend);
  if (flags.S !== undefined && flags.shell !== undefined) throw new UsageError(`-S picks the shell (-S none: no shell): give it without ${flags.shell ? '--shell' : '-N'}`);
  if (flags.S === '') throw new UsageError('-S was given an empty shell (name one, e.g. -S bash, or -S none)');
  if (flags.style === 'none' && flags.json === true) throw new UsageError('--style none prints nothing, and --json prints the document (give one; --export-json FILE writes it under --style none)');
  if (flags.style === 'full' && !flags.progress) throw new UsageError('--style full draws the progress line, and --no-progress drops it (give one; --style basic has none)');
  const count = flags.cells?.length ?? targets.length;
  if (flags.names !== undefined && flags.names.length !== count) {
    throw new UsageError(`--names gave ${flags.names.length} name${flags.names.length === 1 ? '' : 's'} for ${count} alternative${count === 1 ? '' : 's'} (give one name each)`);
  }
  if (flags.names !== undefined && (new Set(flags.names).size !== count || flags.names.includes('noise floor'))) {
    throw new UsageError("--names must differ from each other and from 'noise floor' (they key the results and a baseline)");
  }
  for (const [flag, key] of PER_ALTERNATIVE_FLAGS) {
    const given = flags[key]?.length ?? 0;
    if (given > 1 && given !== count) throw new UsageError(`${flag} was given ${given} times for ${count} alternatives (give it once for all, or once per alternative in order)`);
  }
  if (flags.showOutput === true && flags.output !== undefined) throw new UsageError('--show-output is --output inherit for every command (give one of them)');
  if (flags.cells !== undefined) {
    const io = flags.input === undefined ? (flags.output === undefined ? null : '--output') : '--input';
    if (io !== null) throw new UsageError(`${io} is for commands' stdin and stdout (a cell runs in perfcell; --show-output prints what cells log, on stderr)`);
    if (flags.ignoreFailure === true) throw new UsageError('--ignore-failure is for commands: a failing cell stops compare (fix the cell, or compare commands)');
    if (targets.length !== 1) throw new UsageError(`--cells compares cells of one file (usage: perfcell compare FILE --cells "A" "B"; got ${targets.length} files)`);
    if (flags.backend === 'cachegrind') throw new UsageError('--backend cachegrind measures external commands only (compare commands: perfcell compare --backend cachegrind -- "CMD A" "CMD B")');
    if (flags.shell === true || flags.S !== undefined) throw new UsageError(`${flags.S === undefined ? '--shell' : '-S'} is for commands, not cells (drop it)`);
    return;
  }
  // A cell file given where commands go (before any --) was meant for --cells: as a command it
  // would be looked up on PATH and draw "no such file or directory" for a file that is right here.
  // (a file with no extension is a program here, though `cells` would run it as JavaScript)
  const cellFile = targets.find((target) => !afterDashes.has(target) && isCellFile(target) && existsSync(target));
  if (cellFile !== undefined) {
    throw new UsageError(`${cellFile} is a cell file: name the cells to compare (perfcell compare ${cellFile} --cells "A" "B"), or put -- before commands`);
  }
  if (targets.length === 0) throw new UsageError('nothing to compare (usage: perfcell compare -- "CMD A" "CMD B", or perfcell compare FILE --cells "A" "B")');
  if (shellOf(flags) !== false && flags.backend === 'cachegrind') {
    const flag = flags.S === undefined ? '--shell' : `-S ${flags.S}`;
    throw new UsageError(`${flag} cannot be combined with --backend cachegrind: cachegrind would count the shell, not the command (drop ${flag})`);
  }
}

/** A file `cells` runs by its extension (JavaScript, TypeScript or a notebook). */
function isCellFile(target: string): boolean {
  const extension = extensionOf(target);
  return extension !== undefined && isCellFileExtension(extension);
}

const CACHE_EVENTS = /^(cache-misses|cache-references|L1-dcache|LLC)/;

/** `perfcell compare`: alternatives run interleaved, summarized and compared against the first. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('run alternatives (cells of a file, or commands) interleaved, many times, and say whether they differ')
    .argument('[targets...]', 'FILE with --cells, else the commands, each one string (put -- before them)')
    .option('--cells <titles...>', 'compare these cells of FILE; the other cells run once (set-up before, later cells after)')
    .option('-n, --names <names...>', 'names for the alternatives, in order (default: the cell titles or the command strings); in a line without -- and --cells, as hyperfine\'s: -n NAME CMD -n NAME CMD')
    .option('--command-name <name>', "a name for the next command, once per command (as hyperfine --command-name)", collect)
    .option('-L, --parameter-list <pair...>', 'NAME VALUES: run each command once per value, {NAME} in it replaced: -L size 512,1024 -- "./prog {size}"; repeat for every combination (as hyperfine -L)')
    .option('-P, --parameter-scan <triple...>', 'NAME MIN MAX: as -L with the values MIN, MIN + STEP, … MAX (as hyperfine -P)')
    .option('-D, --parameter-step-size <step>', "-P's step (default 1; needed for values that are not whole numbers)")
    .option('-r, --runs <n>', 'measured runs of each alternative (default 10; 3 with --backend cachegrind); with --min-time, at least this many', parseCount(1, '--runs 10'))
    .option('-m, --min-runs <n>', "at least this many measured runs, and more until --min-time has passed (default 3 s: hyperfine's -m)", parseCount(1, '--min-runs 10'))
    .option('--max-runs <n>', "at most this many measured runs, run until --min-time (default 3 s) has passed (hyperfine's -M, which is perf's metric groups here)", parseCount(1, '--max-runs 100'))
    .option('-w, --warmup <n>', 'rounds run first and not counted (default 1; 0 with --backend cachegrind)', parseCount(0, '--warmup 1'))
    .option('--min-time <s>', 'keep adding rounds until this many seconds have passed', parseSeconds)
    .option('--shell', 'run each command with sh -c (default: split it into argv, no shell; a pipe, ; or $ in it is refused then)')
    .option('-N, --no-shell', 'split each command into argv, no shell: the default (as hyperfine -N)')
    .addOption(new Option('-u, --time-unit <unit>', "print times in this unit (as hyperfine -u), in the summary, --verbose, the tables' exports (markdown, AsciiDoc, Org) and --html; the JSON and CSV keep seconds").choices(Object.keys(TIME_UNIT_SECONDS)))
    .option('-S <shell>', "run each command with SHELL -c (as hyperfine -S, --shell=SHELL): a name, or a command line ('bash --norc'); none for no shell, default for sh")
    .addOption(new Option('--backend <name>', 'where counters come from (cachegrind: simulated caches, commands only)').choices(['perf', 'cachegrind']).default('perf'))
    .option('-e, --events <list>', EVENTS_HELP, parseEventList)
    .option('-M, --metrics <list>', METRICS_HELP, parseMetricList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .option('--json', 'print the whole comparison (every run\'s values too) as one JSON document')
    .option('--export-json <file>', 'also write the JSON document to FILE')
    .option('--export-csv <file>', 'also write the statistics as CSV to FILE')
    .option('--export-markdown <file>', 'also write markdown tables to FILE, one per metric, each in the unit its smallest mean reads in (µs, ms, MiB, thousands: named in its header), with a Relative column like hyperfine\'s')
    .option('--export-asciidoc <file>', "also write those tables as AsciiDoc to FILE (as hyperfine --export-asciidoc)")
    .option('--export-orgmode <file>', "also write those tables as an Emacs Org document to FILE (as hyperfine --export-orgmode)")
    .option('--export-hyperfine <file>', "also write the runs as hyperfine's --export-json writes them (results: command, mean, stddev, median, user, system, min, max, times, exit_codes, parameters), for scripts written for hyperfine")
    .option('--html <file>', 'also write a self-contained HTML page: a chart of every run per metric, the statistics and verdicts')
    .option('--save <name>', `also save the runs as ${'.perfcell/NAME.json'}, for a later --baseline NAME`)
    .option('--baseline <file>', 'compare each alternative with the same-named one in a saved comparison (a file, or a NAME given to --save)')
    .addOption(new Option('--style <type>', "as hyperfine --style: basic or color, no progress line; full, the progress line even where stderr is no terminal; none, no summary either (the exports are still written); auto or nocolor, as without it (compare draws no colours)").choices(OUTPUT_STYLES))
    .addOption(new Option('--sort <order>', "as hyperfine --sort: mean-time puts the fastest first (after a --reference), so every table, export and verdict is against it; auto or command, in the order given (the summary is against the first)").choices(SORT_ORDERS))
    .option('--no-progress', 'no progress line (it is drawn only when stderr is a terminal, not TERM=dumb)')
    .option('--no-live', 'no live part in the progress line during a long run (elapsed and RSS of a command; a cell gets the live view\'s own line)')
    .option('-v, --verbose', 'print every metric\'s table and verdict (default: time and the metrics that differ meaningfully)')
    .option('-p, --prepare <cmd>', 'run CMD (sh -c) before each run of each alternative, warm-up too; once per alternative, in order, for one each', collect)
    .option('--conclude <cmd>', 'run CMD (sh -c) after each run of each alternative, warm-up too (a server --prepare started, stopped); once per alternative, in order, for one each', collect)
    .option('-s, --setup <cmd>', 'run CMD (sh -c) once per alternative before the first round (PERFCELL_ALTERNATIVE names it)')
    .option('-c, --cleanup <cmd>', 'run CMD (sh -c) once per alternative after the last round (PERFCELL_ALTERNATIVE names it)')
    .option('--reference <cmd>', 'run CMD first and compare every command against it (as hyperfine --reference); under -L and -P it runs once, with no value')
    .option('--reference-name <name>', "the --reference command's name (default: the command)")
    .option('--show-output', "print what the commands (or cells) write to stdout, on stderr, for a look at what they do (stdin stays /dev/null)")
    .option('--input <where>', "the commands' stdin (as hyperfine --input): null (/dev/null, the default), or a FILE each run reads from its start; once for all, or once per alternative in order", (value: string, previous: readonly string[] = []) => (parseInputWhere(value), [...previous, value]))
    .option('--output <where>', "the commands' stdout (as hyperfine --output): null (/dev/null, the default), pipe (drained by perfcell: for programs that do less for /dev/null, as grep does), inherit (perfcell's stderr, as --show-output), or a FILE's path with a / (./out.txt), emptied as each run starts; once for all, or once per alternative in order", (value: string, previous: readonly string[] = []) => (parseOutputWhere(value), [...previous, value]))
    .option('-i, --ignore-failure', 'keep going when a command exits non-zero or dies: its runs are kept and listed as failures')
    .addHelpText(
      'after',
      `
Examples:
  perfcell compare samples/rowcol/rowcol.ts --cells "sum rows" "sum columns" --runs 10
  perfcell compare --names row col -- "./rowcol row 1024 20" "./rowcol col 1024 20"
  perfcell compare -L n 512,1024,4096 --names row col -- "./rowcol row {n} 5" "./rowcol col {n} 5"
  perfcell compare --backend cachegrind -- "./rowcol row 1024 1" "./rowcol col 1024 1"
  perfcell compare --save before -- "./prog"    later:  perfcell compare --baseline before -- "./prog"
  perfcell compare -N -w 3 -n old "./old" -n new "./new" --style none --export-markdown -   (a hyperfine line: the table on stdout)

Each --export-* and --html takes - for stdout. A command with a pipe, ; or $ needs --shell (hyperfine runs every command in a shell unless -N).`,
    )
    .action(async (givenTargets: string[], givenFlags: CompareFlags, command: Command) => {
      // -L, -P: every command for every value, named and prepared for each (its values kept for the document)
      // --reference: a command of its own, run first, with no value
      const { targets, flags, afterDashes, parameters } = withReference(withParameterLists(givenTargets, withCommandNames(givenTargets, givenFlags), operandsAfterDashes(command)), givenFlags);
      checkCombination(targets, flags, afterDashes);
      await checkShell(flags);
      const shell = shellOf(flags);
      const isCachegrind = flags.backend === 'cachegrind';
      // --min-time adds rounds to these, as hyperfine's --min-runs (default 10) does: two runs
      // would give a t-test with one degree of freedom per alternative
      const schedule = runSchedule(flags, isCachegrind ? 3 : 10);
      if ('problem' in schedule) throw new UsageError(schedule.problem);
      const { runs } = schedule;
      const warmup = flags.warmup ?? (isCachegrind ? 0 : 1);
      // what keys the results: the names given, else the cell titles, else the commands (a repeated one numbered)
      const alternativeNames = flags.names ?? flags.cells ?? distinctNames(targets);
      const baseline = flags.baseline === undefined ? null : await loadBaseline(flags.baseline);
      if (baseline !== null) {
        checkBaselineNames(alternativeNames, baseline.document.alternatives, flags.baseline ?? '');
        checkBaselineKind((baseline.document.settings as Partial<CompareSettings> | undefined) ?? {}, { backend: flags.backend, source: flags.cells === undefined ? 'commands' : 'cells' }, flags.baseline ?? '');
        // a baseline cut short holds fewer runs than it was asked for: said, as its own output said
        if (baseline.document.partial !== undefined) process.stderr.write(`warning: the baseline ${flags.baseline ?? ''} was cut short (${partialCause(baseline.document.partial)}); it holds only the runs that finished\n`);
      }
      const destination = flags.save === undefined ? null : savePath(flags.save);
      // the exports: a file each, or - for stdout (after the summary), as hyperfine takes them
      const outputs = [
        ...COMPARE_EXPORTS.flatMap(([flag, key]) => {
          const path = flags[key];
          return path === undefined ? [] : [{ flag, path, dashIsStdout: true }];
        }),
        ...(destination === null ? [] : [{ flag: '--save', path: destination }]),
      ];
      const onStdout = outputs.find((output) => output.path === '-');
      if (onStdout !== undefined && flags.json === true) throw new UsageError(`--json prints the document on stdout, and ${onStdout.flag} - too (give one, or ${onStdout.flag} a file)`);
      // --input, --output: read and written by the runs; checked (and the output's folders made) before the first
      const io = commandIos(flags, outputs);
      // every file written after the runs is checked before the first: a typo must not cost the comparison
      checkOutputPaths(outputs);
      if (flags.cells !== undefined && targets[0] !== undefined) refuseOutputOverCells(targets[0], outputs);
      makeOutputFolders(io);
      // --style and --no-progress: whether the progress line is drawn, and the summary printed
      const style = styleEffects(flags.style);
      const progress = flags.progress ? style.progress : 'never';
      const measureOptions: MeasureOptions = {
        ...perfFlagOptions(flags),
        backend: flags.backend,
        // A cell runs in this very process: its live view is the relay's line, drawn from outside.
        ...(flags.cells !== undefined && progress !== 'never' && liveWanted(flags.live) ? { live: true } : {}),
      };

      let evaluator: CellEvaluator | null = null;
      // why perf gave up in a run that is not kept (a warm-up, a set-up cell), where the runs after it went without
      const gaveUp = collectGaveUpNotes(measureOptions);
      let after: () => Promise<void> = async () => undefined;
      // commands' runs: the counters of their last runs are read once the rounds are over, and the
      // gate and perfs that served them end with compare
      let commandRuns: ReturnType<typeof commandAlternatives> | null = null;
      /** The runs' gate and perfs ending: begun once the runs are over, awaited before compare ends. */
      let released: Promise<void> | null = null;
      let perfVersion: Promise<string | null> | null = null;
      let plan: { alternatives: readonly Measurable[]; noiseFloor: Measurable };
      const file = flags.cells === undefined ? null : (targets[0] ?? '');
      /** The cells' process.stdout.write, discarded (or on stderr with --show-output) while they run, as their console is. */
      let cellStdout: OwnStdout | null = null;
      // Ctrl-C, SIGTERM and SIGHUP stop the current run; what finished is still reported.
      const releaseSignals = holdInterruptions();
      try {
        if (file !== null && flags.cells !== undefined) {
          cellStdout = sendCellStdout(flags.showOutput === true ? process.stderr : null);
          // a notebook's code cells, as `cells` reads them (its JSON run as JavaScript was a SyntaxError)
          const { notebook, cells } = await readCells(file);
          const cellPlan = planCells(cells, flags.cells, file);
          // Like a command's stdout, what cells print is discarded (compare repeats them), or with --show-output on stderr.
          evaluator = createCellEvaluator(file, { consoleStdout: flags.showOutput === true ? process.stderr : null, ...(notebook === null ? {} : { typescript: notebook.typescript }) });
          const cellEvaluator = evaluator;
          const say = (what: string) => (run: { title: string; report: CommandReport }): void => {
            gaveUp.note(run.report);
            process.stderr.write(`${what}: ${run.title} (${formatMetricValue(run.report.durationS, 's')})\n`);
          };
          // Every cell is compiled before the first window: esbuild's compiler, where a cell needs it,
          // is a process of its own, and one started once perf counts this process would inherit its counters.
          // a Ctrl-C while esbuild compiles them (it dies of it too) is an interruption before any round
          let preparedPlan: Awaited<ReturnType<typeof prepareCellPlan>>;
          try {
            preparedPlan = await interruptedOr(prepareCellPlan(cellEvaluator, cellPlan));
          } catch (error: unknown) {
            if (!(error instanceof InterruptedError)) throw error;
            process.stderr.write(nothingFinished(error));
            return finishStopped(error);
          }
          const { before, alternatives, after: afterCells, noiseFloor } = preparedPlan;
          await runOnce(cellEvaluator, before, file, measureOptions, say('set-up'));
          plan = cellAlternatives(cellEvaluator, alternatives, noiseFloor, file, measureOptions);
          after = () => runOnce(cellEvaluator, afterCells, file, measureOptions, say('after'));
        } else {
          // none of the user's code runs in this process: it may end as soon as nothing is pending
          exitWhenIdle();
          // -N or -S none: no shell by name, so shell syntax in a command is its arguments', as hyperfine -N passes it
          const keepShellSyntax = flags.shell === false || flags.S === 'none';
          commandRuns = commandAlternatives(targets, { shell, keepShellSyntax, measureOptions, ignoreFailure: flags.ignoreFailure === true, ...(io === null ? {} : { io }) });
          // perf's version for the document, read while the runs' gate starts (its spawn holds this
          // process some 4 ms: after the gate's, before the perfs', which wait for the gate)
          perfVersion = perfVersionText();
          plan = commandRuns;
        }

        plan = { ...plan, alternatives: renamed(plan.alternatives, flags.names) };
        if (flags.setup !== undefined) {
          try {
            for (const alternative of plan.alternatives) {
              throwIfInterrupted();
              await runHook('setup', flags.setup, alternative.name);
            }
          } catch (error: unknown) {
            if (!(error instanceof InterruptedError)) throw error;
            process.stderr.write(nothingFinished(error));
            return finishStopped(error);
          }
        }
        const hooked = hookedSlots(plan, flags, (report) => gaveUp.note(report));
        const { slots, failures } = hooked;
        const showProgress = progress === 'always' || (progress === 'auto' && canRedraw(process.stderr));
        // Commands run in other processes: this one is idle meanwhile, so a timer here can redraw the line.
        let lastProgress: InterleaveProgress | null = null;
        const ticker =
          showProgress && flags.cells === undefined && liveWanted(flags.live)
            ? startProgressTicker((live) => {
                if (lastProgress !== null) process.stderr.write(`\r\x1b[K${renderProgressBar(lastProgress, hooked.estimate(), progressWidth(process.stderr) - 1, live)}`);
              })
            : null;
        if (ticker !== null) onLiveRecord((record) => ticker.record(record));
        let outcome: Awaited<ReturnType<typeof runInterleavedUntilStopped<CommandReport>>>;
        try {
          outcome = await runInterleavedUntilStopped(slots, {
            warmup, runs, minTimeS: schedule.minTimeS, maxRuns: schedule.maxRuns,
            // the alternatives take turns at going first (A B, B A …), the noise floor last
            rotating: plan.alternatives.length,
            // a round that held a Ctrl-Z stop is left out and runs again: its times would hold the stop
            continues: continueCount,
            shouldStop: () => { const stop = interruption(); return stop === null ? null : new InterruptedError(stop); },
          }, (progress) => {
            hooked.onProgress(progress);
            lastProgress = progress;
            ticker?.runStarted();
            if (showProgress) process.stderr.write(`\r\x1b[K${renderProgressBar(progress, hooked.estimate(), progressWidth(process.stderr) - 1)}`);
          });
        } finally {
          await commandRuns?.settle();
          // nothing more is measured: the gate and perfs end while the results are analysed and written
          released = commandRuns?.release() ?? null;
          released?.catch(() => undefined);
          // a turn of the event loop: the release's first steps (a few awaits away) send the gate its
          // end and the perfs their signals now, not once the synchronous analysis is over
          if (released !== null) await new Promise((resolve) => setImmediate(resolve));
          ticker?.stop();
          onLiveRecord(null);
          if (showProgress) process.stderr.write('\r\x1b[K');
        }
        const reports = outcome.results;
        // A failing --cleanup or check cell (after the alternatives) keeps the measured runs:
        // reported, then the error; so does Ctrl-C during a --cleanup.
        let stopError: unknown = outcome.stop?.error ?? null;
        stopError = await runCleanups(flags.cleanup, plan.alternatives, stopError);
        if (stopError === null) {
          try {
            await after();
          } catch (error: unknown) {
            stopError = error;
          }
        }
        // the cells have run: stdout is the results' from here
        cellStdout?.restore();
        // Cut short before every alternative had a finished run: no comparison, but the runs that
        // finished are not lost (their reports on stderr; the JSON document holds them).
        const isCutShort = reports.some((runsOfOne) => runsOfOne.length === 0);
        if (isCutShort && stopError === null) throw new Error('no runs were measured');
        if (isCutShort && reports.slice(0, plan.alternatives.length).every((runsOfOne) => runsOfOne.length === 0)) {
          if (stopError instanceof InterruptedError) process.stderr.write(nothingFinished(stopError));
          warnEarlierFiles(outputs, false);
          return finishStopped(stopError);
        }

        const allReports = reports.flat();
        // one multiplexing warning for all runs (each run's share differs a little), the lowest share named
        // and one line per cell that left processes running, not one per run
        // The noise floor's own notes (after the alternatives' reports) name it: its counters are
        // in no table, and `cache-misses never counted` of its 0.4 ms `true` read as the
        // alternatives' counts being void. Its multiplexing merges with theirs, as before.
        const floorNotes = reports.slice(plan.alternatives.length).flat().flatMap((report) => report.warnings);
        const measuredNotes = mergeStrayNotes(mergeMultiplexNotes([
          ...gaveUp.notes,
          ...nameAlternativeNotes(reports.slice(0, plan.alternatives.length).map((runs) => runs.map((report) => report.warnings)), plan.alternatives.map((alternative) => alternative.name)),
          // a cell's stray process that ran during the floor's runs merges into that cell's one line
          ...floorNotes.filter((note) => isMultiplexNote(note) || isRanDuringNote(note)),
        ]));
        const floorLabel = file === null ? 'the noise floor (true)' : 'the noise floor';
        const warnings = [
          ...measuredNotes,
          ...new Set(floorNotes.filter((note) => !isMultiplexNote(note) && !isRanDuringNote(note) && !measuredNotes.includes(note)).map((note) => `${floorLabel}: ${note}`)),
          ...unsupportedEventNotes(allReports, flags, file === null),
          ...(outcome.roundsRerun === 0 ? [] : [rerunRoundNote(outcome.roundsRerun)]),
        ];
        for (const warning of warnings) process.stderr.write(warningText(warning, process.stderr));
        hintCachegrind(allReports, flags, file === null);

        const saved = (alternative: Measurable, index: number): SavedAlternative => {
          // --input, --output, --show-output: where its runs read and wrote (absent: /dev/null both; the noise floor's too)
          const ranWith = io === null || index >= plan.alternatives.length ? undefined : oneOrEach(io, index);
          // which of its counts perf scaled up from part of the time, and from how little: the runs' values keep only numbers
          const runningPct = runningPctsOf(reports[index] ?? []);
          return {
            name: alternative.name,
            ...(alternative.command === undefined ? {} : { command: alternative.command }),
            ...(parameters === null || parameters[index] === null ? {} : { parameters: parameters[index] ?? {} }),
            ...(ranWith === undefined ? {} : { io: ranWith }),
            runs: (reports[index] ?? []).map(metricsOfReport),
            ...((failures[index] ?? []).length === 0 ? {} : { failures: failures[index] }),
            ...(Object.keys(runningPct).length === 0 ? {} : { lowestRunningPct: runningPct }),
          };
        };
        // --sort mean-time: the fastest first, a --reference kept first
        const alternatives = sortAlternatives(plan.alternatives.map(saved), flags.sort ?? 'auto', flags.reference === undefined ? 0 : 1);
        // cells: asked now, after every measured cell (a file read once perf's version is cached)
        const machine = readMachineInfo(await (perfVersion ?? perfVersionText()));
        let document: CompareDocument = buildCompareDocument({
          machine,
          settings: {
            source: file === null ? 'commands' : 'cells',
            file,
            shell: shell !== false,
            ...(typeof shell === 'string' ? { shellProgram: shell } : {}),
            backend: flags.backend,
            events: flags.events ?? null,
            // false too where perf was asked and counted no run (missing, refused, never acknowledged): the warnings say why
            perf: flags.perf && !allReports.every((report) => perfGaveUp(report, measureOptions)),
            intervalMs: flags.interval,
            warmup,
            rounds: reports[0]?.length ?? 0,
            roundsRerun: outcome.roundsRerun,
            minTimeS: schedule.minTimeS,
            ...(schedule.maxRuns === null ? {} : { maxRuns: schedule.maxRuns }),
            ...(flags.sort === 'mean-time' ? { sort: 'mean-time' as const } : {}),
            order: 'interleaved',
          },
          alternatives,
          noiseFloor: saved(plan.noiseFloor, plan.alternatives.length),
          warnings,
          cost: costOf(outcome.spentS, plan.alternatives.map((alternative) => alternative.name)),
        });
        const partial = describePartial(outcome, stopError, [...plan.alternatives, plan.noiseFloor].map((alternative) => alternative.name));
        if (partial !== null) document = { ...document, partial };
        if (baseline !== null) {
          const differences = machineDifferences(baseline.document.machine, machine);
          if (differences.length > 0) process.stderr.write(`warning: the baseline ran on another machine or setup (${differences.join('; ')}); differences may be the machine's\n`);
          document = {
            ...document,
            baseline: {
              file: displayPath(baseline.path),
              createdAt: baseline.document.createdAt,
              machine: baseline.document.machine,
              comparisons: compareWithBaseline(alternatives, baseline.document.alternatives),
            },
          };
          const names = new Set(baseline.document.alternatives.map((alternative) => alternative.name));
          const unmatched = alternatives.filter((alternative) => !names.has(alternative.name)).map((alternative) => alternative.name);
          if (unmatched.length > 0) process.stderr.write(`warning: the baseline has no alternative named ${unmatched.map(quoteName).join(', ')}; only same-named alternatives are compared with it\n`);
          // same-named, but cut short before it ran: nothing to compare with, which had gone unsaid
          const withRuns = new Set(baseline.document.alternatives.filter((alternative) => alternative.runs.length > 0).map((alternative) => alternative.name));
          const unrun = alternatives.filter((alternative) => names.has(alternative.name) && !withRuns.has(alternative.name)).map((alternative) => alternative.name);
          if (unrun.length > 0) process.stderr.write(`warning: the baseline holds no finished run of ${unrun.map(quoteName).join(', ')} (it was cut short first); only alternatives with saved runs are compared with it\n`);
          // -e events the baseline did not count are left out of its comparison: said, as names are
          const lacking = baselineLacks(alternatives, baseline.document.alternatives);
          if (lacking.length > 0) process.stderr.write(`warning: the baseline's runs have no ${lacking.join(', ')} (they counted other events, or none); only the metrics both have are compared with it\n`);
        }

        for (const warning of document.warnings) if (!warnings.includes(warning)) process.stderr.write(warningText(warning, process.stderr));
        warnFailures(alternatives);
        const cause = isCutShort ? cutShortCause(stopError, plan.alternatives, reports) : null;
        if (cause !== null && partial !== null) document = { ...document, partial: withoutComparison(partial, cause) };
        const json = `${JSON.stringify(toJsonDocument('perfcell-compare', document), null, 2)}\n`;
        // A file that cannot be written now (a full disk: the check before the runs passed it) is
        // said, and every other output is still written: one failed write had lost the rest.
        const failedWrites: string[] = [];
        const attempt = async (write: () => Promise<void> | void): Promise<void> => {
          try {
            await write();
          } catch (error: unknown) {
            failedWrites.push((error as Error).message);
          }
        };
        const sayFailedWrites = (): void => {
          for (const failure of failedWrites) process.stderr.write(`error: ${failure}\n`);
          if (failedWrites.length > 0) process.exitCode = 1;
        };
        if (cause !== null) {
          if (flags.json === true) process.stdout.write(json);
          // the runs' document is written where asked; the tables, the page and a --save are
          // comparisons, not written with an alternative missing
          const { exportJson } = flags;
          if (exportJson !== undefined) await attempt(() => writeExport(exportJson, json));
          warnEarlierFiles(outputs.filter((output) => output.flag !== '--export-json'), exportJson !== undefined && failedWrites.length === 0);
          // the reports, then why there is no more: the last line
          if (stopError instanceof InterruptedError) process.stderr.write(unequalRoundText(cause, plan.alternatives, reports));
          sayFailedWrites();
          return finishStopped(stopError);
        }
        // -u: the unit of the summary's and the tables' times
        const timeUnitOption = flags.timeUnit === undefined ? {} : { timeUnit: flags.timeUnit };
        // the tables' exports end with why the runs stopped early, where they did
        const tableOptions = { ...timeUnitOption, ...(partial === null ? {} : { note: partialMessageText(partial) }) };
        if (flags.json === true || style.summary) process.stdout.write(flags.json === true ? json : `${renderCompareText(document, { ...fitted(process.stdout), verbose: flags.verbose === true, ...timeUnitOption })}\n`);
        const exports: readonly [string | undefined, () => string][] = [
          [flags.exportJson, () => json],
          [flags.exportCsv, () => renderCompareCsv(document)],
          [flags.exportMarkdown, () => renderCompareMarkdown(document, tableOptions)],
          [flags.exportAsciidoc, () => renderCompareAsciidoc(document, tableOptions)],
          [flags.exportOrgmode, () => renderCompareOrgmode(document, tableOptions)],
          [flags.exportHyperfine, () => renderHyperfineJson(document)],
        ];
        for (const [path, render] of exports) {
          if (path === undefined) continue;
          // rendered outside the attempt: only a write's failure is said and passed over, a renderer's bug is not
          const text = render();
          await attempt(() => writeExport(path, text));
        }
        const htmlPath = flags.html;
        if (htmlPath !== undefined) {
          const html = renderCompareDocumentHtml(document, undefined, timeUnitOption);
          if (htmlPath === '-') process.stdout.write(html);
          else await attempt(() => writeHtmlFile(htmlPath, html));
        }
        if (destination !== null) {
          // an earlier save of the same name is replaced: said, with when it was made
          const replaced = await replacedSave(destination);
          await attempt(async () => {
            await writeOutput(destination, json);
            process.stderr.write(`saved to ${displayPath(destination)}${replaced === null ? '' : `, replacing ${replaced}`} (compare with it later: --baseline ${flags.save ?? ''})\n`);
          });
        }
        sayFailedWrites();
        if (partial !== null) process.stderr.write(`${partial.message}\n`);
        if (stopError !== null) finishStopped(stopError);
        else await endIfInterruptedAfter('the last run');
      } finally {
        cellStdout?.restore();
        releaseSignals();
        await (released ?? commandRuns?.release());
        // the perf its cells shared has exited before compare ends
        if (evaluator !== null) await releaseArmedPerf(evaluator);
        evaluator?.close();
      }
    });
}

/** An export's text to its file, or for `-` (as hyperfine takes it) to stdout, after what compare printed there. */
async function writeExport(path: string, text: string): Promise<void> {
  if (path === '-') process.stdout.write(text);
  else await writeOutput(path, text);
}

/**
 * The slots compare runs: each alternative's run between its --prepare and --conclude commands, and
 * a record of the runs that failed (kept under -i) and of each alternative's time so far for the
 * progress line. The noise floor gets neither: it measures running nothing.
 */
function hookedSlots(plan: { readonly alternatives: readonly Measurable[]; readonly noiseFloor: Measurable }, flags: CompareFlags, onWarmupReport: (report: CommandReport) => void) {
  const all = [...plan.alternatives, plan.noiseFloor];
  const failures: RunFailure[][] = all.map(() => []);
  const timesS: number[][] = all.map(() => []);
  let current: InterleaveProgress | null = null;
  let measureStartS: number | null = null;
  let running: { readonly slot: number; readonly startS: number } | null = null;
  // an alternative's --prepare or --conclude: one for all, or its own; none for the noise floor
  const hookOf = (hooks: readonly string[] | undefined, index: number): string | undefined =>
    index < plan.alternatives.length ? oneOrEach(hooks ?? [], index) : undefined;
  const slots = all.map((alternative, index) => ({
    name: alternative.name,
    // The next run's program is armed (forked, held before exec) ahead of its --prepare: it is not
    // exec'd until its run, so --prepare still runs before the program does.
    ...(alternative.arm === undefined ? {} : { arm: (options?: { readonly warmup?: boolean; readonly iteration?: string }) => alternative.arm?.(options) }),
    ...(alternative.disarm === undefined ? {} : { disarm: () => alternative.disarm?.() ?? Promise.resolve() }),
    run: async (hooks?: RunHooks): Promise<CommandReport> => {
      // the run's $HYPERFINE_ITERATION in its hooks too, as hyperfine 1.21 gives it them
      const hookEnvironment = { ...process.env, ...iterationEnvironment(hooks?.iteration) };
      const prepare = hookOf(flags.prepare, index);
      if (prepare !== undefined) await runHook('prepare', prepare, alternative.name, hookEnvironment);
      const phase = current?.phase ?? 'measure';
      const round = current?.round ?? 0;
      // the progress line's estimate counts the run in progress at what it has taken so far
      running = phase === 'measure' ? { slot: index, startS: monotonicMs() / 1000 } : null;
      const report = await alternative.measure(hooks).finally(() => (running = null));
      // after the run, failed or not (what --prepare started is stopped), outside its window
      const conclude = hookOf(flags.conclude, index);
      if (conclude !== undefined) await runHook('conclude', conclude, alternative.name, hookEnvironment);
      if (report.exitCode !== 0 || report.signal !== null) failures[index]!.push({ phase, round, exitCode: report.exitCode, signal: report.signal });
      if (phase === 'measure') timesS[index]!.push(report.durationS);
      else onWarmupReport(report);
      return report;
    },
  }));
  return {
    slots,
    failures,
    onProgress(progress: InterleaveProgress): void {
      current = progress;
      if (progress.phase === 'measure' && measureStartS === null) measureStartS = monotonicMs() / 1000;
    },
    estimate(): ProgressEstimate {
      // each slot's runs and their time, once: the means shown are the alternatives' of these
      const slotRuns = timesS.map((times, index) => ({ done: times.length, totalS: times.reduce((sum, time) => sum + time, 0), runsNothing: index === plan.alternatives.length }));
      return {
        elapsedS: measureStartS === null ? null : monotonicMs() / 1000 - measureStartS,
        runsDone: slotRuns.reduce((sum, slot) => sum + slot.done, 0),
        slots: all.length,
        means: plan.alternatives
          .map((alternative, index) => ({ name: alternative.name, slot: slotRuns[index]! }))
          .filter(({ slot }) => slot.done > 0)
          .map(({ name, slot }) => ({ name, meanS: slot.totalS / slot.done })),
        slotRuns,
        running: running === null ? null : { slot: running.slot, elapsedS: monotonicMs() / 1000 - running.startS },
      };
    },
  };
}

/** -i kept failing runs: say which alternative failed how often and how, once each. */
function warnFailures(alternatives: readonly SavedAlternative[]): void {
  for (const warning of failureWarnings(alternatives)) process.stderr.write(`warning: ${warning}\n`);
}

/**
 * After a stop: an interruption ends compare by its signal once everything is out (its message
 * already is; $? 128+n), as hyperfine's Ctrl-C does, so a shell's loop of compares stops there
 * (end-by-signal.ts); a failure is thrown for main() to print.
 */
function finishStopped(error: unknown): void {
  if (!(error instanceof InterruptedError)) throw error;
  endByInterruption(error.interruption);
}

/**
 * Runs --cleanup once per alternative after the rounds. Each runs even where another failed (each
 * undoes its own --setup); an interruption during one ends them. Returns what stops compare:
 * `stopError` where something already had (a later failure is then a warning), else the first
 * cleanup's failure or interruption.
 */
async function runCleanups(command: string | undefined, alternatives: readonly Measurable[], stopError: unknown): Promise<unknown> {
  if (command === undefined) return stopError;
  let stop = stopError;
  for (const alternative of alternatives) {
    try {
      await runHook('cleanup', command, alternative.name);
    } catch (error: unknown) {
      if (stop === null) stop = error;
      else if (!(error instanceof InterruptedError)) process.stderr.write(`warning: ${error instanceof Error ? error.message : String(error)}\n`);
      if (error instanceof InterruptedError) break;
    }
  }
  return stop;
}

/** The operands written after `--`: commands, whatever they look like. */
function operandsAfterDashes(command: Command): ReadonlySet<string> {
  let root = command;
  while (root.parent !== null) root = root.parent;
  // commander drops the `--` from the operands; the argv it parsed is its rawArgs (not in its types)
  const raw = (root as unknown as { readonly rawArgs?: unknown }).rawArgs;
  const argv = Array.isArray(raw) ? raw.map(String) : process.argv;
  const dashes = argv.indexOf('--');
  return new Set(dashes === -1 ? [] : argv.slice(dashes + 1));
}

/**
 * A baseline that has none of this run's names would compare nothing, and say so only after every
 * run: refused before the first, with its names. So is one whose same-named alternatives have no
 * finished run (an --export-json cut short before they ran), which compared nothing without a word.
 */
function checkBaselineNames(names: readonly string[], saved: readonly SavedAlternative[], given: string): void {
  const baselineNames = saved.map((alternative) => alternative.name);
  const quoted = (list: readonly string[]): string => list.map(quoteName).join(', ');
  const matched = names.filter((name) => baselineNames.includes(name));
  if (matched.length > 0 && !saved.some((alternative) => matched.includes(alternative.name) && alternative.runs.length > 0)) {
    throw new UsageError(`the baseline ${given} holds no finished run of ${quoted(matched)} (it was cut short first; record the baseline again with --save)`);
  }
  if (matched.length > 0) return;
  const fix = names.length <= baselineNames.length
    ? `pass --names ${shellQuote(baselineNames.slice(0, names.length))} to compare with them in order`
    : 'pass --names with names it has';
  throw new UsageError(`the baseline ${given} has no alternative named ${quoted(names)} (its alternatives: ${quoted(baselineNames)}; ${fix})`);
}

/**
 * A baseline measured another way has nothing to compare with: under valgrind (cachegrind) time
 * and RAM are valgrind's, and a cell's are its window in perfcell's process, not a program's.
 * Refused before the first run (it had read "a (now) is 26.9× faster" against a cachegrind baseline).
 */
function checkBaselineKind(saved: Partial<Pick<CompareSettings, 'backend' | 'source'>>, now: Pick<CompareSettings, 'backend' | 'source'>, given: string): void {
  if (saved.backend !== undefined && saved.backend !== now.backend) {
    const fix = saved.backend === 'cachegrind' ? 'add --backend cachegrind' : 'leave out --backend cachegrind';
    throw new UsageError(`the baseline ${given} was measured with the ${saved.backend} backend and this comparison with ${now.backend}: their times and RAM are not comparable (${fix}, or save a new baseline with --save)`);
  }
  if (saved.source !== undefined && saved.source !== now.source) {
    const what = (source: CompareSettings['source']): string => (source === 'cells' ? "cells of a file (a window in perfcell's process)" : 'programs');
    throw new UsageError(`the baseline ${given} measured ${what(saved.source)} and this comparison ${what(now.source)}: their time and RAM mean different things (compare like with like, or save a new baseline with --save)`);
  }
}

/**
 * Each command's stdin and stdout from --input, --output and --show-output (null: /dev/null for
 * every one). The input must be a file this process can read; each output file joins `outputs`,
 * to be checked as the exports are (its path once, however many commands write there), and may
 * not be the input.
 */
function commandIos(flags: CompareFlags, outputs: Array<{ flag: string; path: string }>): readonly CommandIo[] | null {
  if (flags.cells !== undefined || (flags.input === undefined && flags.output === undefined && flags.showOutput !== true)) return null;
  const stdins = (flags.input ?? ['null']).map(parseInputWhere);
  for (const stdin of stdins) {
    if (typeof stdin !== 'object') continue;
    const problem = inputFileProblem(stdin.file);
    if (problem !== null) throw new UsageError(`--input ${stdin.file} ${problem} (give a file for the commands to read on stdin, or null)`);
  }
  const stdouts = flags.showOutput === true ? ['stderr' as const] : (flags.output ?? ['null']).map(parseOutputWhere);
  const inputs = new Set(stdins.flatMap((stdin) => (typeof stdin === 'object' ? [resolve(stdin.file)] : [])));
  for (const stdout of stdouts) {
    if (typeof stdout !== 'object' || outputs.some((output) => output.flag === '--output' && resolve(output.path) === resolve(stdout.file))) continue;
    if (inputs.has(resolve(stdout.file))) throw new UsageError(`--input and --output both name ${stdout.file} (the output would empty the input: give each its own file)`);
    outputs.push({ flag: '--output', path: stdout.file });
  }
  // each one for all, or (checkCombination has counted them) one per alternative
  const count = Math.max(stdins.length, stdouts.length);
  return Array.from({ length: count }, (_, index) => ({ stdin: oneOrEach(stdins, index) ?? 'null', stdout: oneOrEach(stdouts, index) ?? 'null' }));
}

/** Why `file` cannot be a run's stdin, or null. */
function inputFileProblem(file: string): string | null {
  try {
    if (statSync(file).isDirectory()) return 'is a folder';
    accessSync(file, constants.R_OK);
    return null;
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'may not be read' : `cannot be read (${code ?? 'error'})`;
  }
}

/** The folders of --output's files, made as the exports' are (their checks passed). */
function makeOutputFolders(io: readonly CommandIo[] | null): void {
  for (const { stdout } of io ?? []) {
    if (typeof stdout === 'object' && !makeFolders(dirname(resolve(stdout.file)))) throw new UsageError(`--output ${stdout.file} cannot be written: its folder cannot be made (pick a folder you can write to)`);
  }
}

/** The alternatives under the names given with --names (one each), which also key a baseline. */
function renamed(alternatives: readonly Measurable[], names: readonly string[] | undefined): readonly Measurable[] {
  if (names === undefined) return alternatives;
  return alternatives.map((alternative, index) => ({ ...alternative, name: names[index] ?? alternative.name, measure: (hooks?: RunHooks) => alternative.measure(hooks) }));
}

/**
 * Events asked for with -e (or PERFCELL_EVENTS, a config file: the fix names which) that perf
 * could not count here: said once, as `run` says them on its report, rather than left out of the
 * comparison without a word.
 */
function unsupportedEventNotes(reports: readonly CommandReport[], flags: CompareFlags, isCommands: boolean): string[] {
  if (flags.events === undefined || flags.backend !== 'perf' || !flags.perf) return [];
  const missing = [...new Set(reports.flatMap((report) => report.counters.unsupported.map((event) => event.event)))];
  if (missing.length === 0) return [];
  const cachegrind = isCommands && missing.some((event) => CACHE_EVENTS.test(event)) ? '; --backend cachegrind counts simulated cache misses' : '';
  return [
    `${missing.join(', ')}: not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU), so not compared (drop ${missing.length === 1 ? 'it' : 'them'} from ${eventListName()}; perfcell doctor says what counts here${cachegrind})`,
  ];
}

/** Cache events unsupported under perf (a VM), not asked for with -e (those have their warning): point at the backend that can count them. */
function hintCachegrind(reports: readonly CommandReport[], flags: CompareFlags, isCommands: boolean): void {
  if (flags.backend !== 'perf' || !flags.perf || flags.events !== undefined) return;
  const missing = [...new Set(reports.flatMap((report) => report.counters.unsupported.map((event) => event.event)))].filter((event) => CACHE_EVENTS.test(event));
  if (missing.length === 0) return;
  const how = isCommands
    ? 'add --backend cachegrind to count simulated cache misses'
    : 'compare a native build of the code as commands with --backend cachegrind to count simulated cache misses';
  process.stderr.write(`hint: ${missing.join(', ')} not supported here (no hardware counters, e.g. a VM); ${how}\n`);
}

/** An interruption before any alternative had a finished run: which signal, and that nothing is lost. */
function nothingFinished(error: InterruptedError): string {
  return `perfcell: interrupted by ${error.interruption.signal} before any round finished: no results to report\n`;
}

/**
 * The files compare was asked to write and, cut short, does not (`notWritten`): one already at its
 * path is said to be an earlier one, not this run's (and where --export-json was written, that it
 * holds the runs). Not --output's: the commands write it as each runs, so it holds this run's
 * output (it had been said to be an earlier one, holding the failed run's).
 */
function warnEarlierFiles(notWritten: readonly { readonly flag: string; readonly path: string }[], isJsonWritten: boolean): void {
  const reason = isJsonWritten ? 'no comparison was made; --export-json holds the runs that finished' : 'no comparison was made';
  for (const { flag, path } of notWritten.filter((output) => output.flag !== '--output' && output.path !== '-' && existsSync(output.path))) {
    process.stderr.write(messageText(`perfcell: ${flag} ${path} was not written (${reason}); the file there is an earlier one`, process.stderr));
  }
}

/**
 * Why compare was cut short before every alternative had a finished run, for stderr and the JSON
 * document's `partial`: "interrupted by SIGINT before 'sleep 3' had a finished run".
 */
function cutShortCause(stopError: unknown, alternatives: readonly Measurable[], reports: readonly (readonly CommandReport[])[]): string {
  const none = alternatives.filter((_, index) => (reports[index]?.length ?? 0) === 0).map((alternative) => `'${alternative.name}'`);
  const missing = none.length === 0 ? 'the first round had finished (its noise floor had not run)' : `${none.join(', ')} had a finished run`;
  const what = stopError instanceof InterruptedError ? `interrupted by ${stopError.interruption.signal}` : 'stopped by a failure';
  return `${what} before ${missing}`;
}

/**
 * An interruption before every alternative had a finished run: no comparison, but the runs that
 * did finish are measured and are not lost (`'sleep 0.2'` done, `'sleep 3'` cut short had said
 * only "no results to report"): each is reported as `run` reports it, then why there is no more.
 */
function unequalRoundText(cause: string, alternatives: readonly Measurable[], reports: readonly (readonly CommandReport[])[]): string {
  // the alternatives' runs (the noise floor's follow them: not a run anyone asked for), under the
  // alternatives' names (--names), as the line below says them
  const finished = alternatives.flatMap((alternative, index) => (reports[index] ?? []).map((report) => ({ ...report, label: alternative.name })));
  const texts = finished.map((report) => `${renderReportText(report, fitted(process.stderr))}\n`);
  const line = `perfcell: ${cause}, so no comparison is made (the ${finished.length === 1 ? 'report above is the run' : `${finished.length} reports above are the runs`} that finished)`;
  return `${texts.join('')}${messageText(line, process.stderr)}`;
}
