import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { version } from '../version.ts';
import { commandTable, findCommand, suggestCommands } from './command-table.ts';
import type { LoadCommand } from './command-loaders.ts';
import { beforeCommand, firstCommandWord, helpAsFlag, saysNoPerf, hyperfineSpellings } from './argv.ts';
import { markFullRun } from './full-run.ts';
import { parseDefaultEvents, parseDefaultIntervalMs, readDefaults } from './defaults.ts';
import { inEventSourceWords, noteConfiguredEvents, noteEventsFrom } from '../events-source.ts';
import { ackTimeoutProblem } from '../perf/control-channel.ts';
import { formatError, exitCodeOf } from './errors.ts';
import { InterruptedError } from '../session/interruption.ts';
import { endBySignal } from './end-by-signal.ts';
import { refuseNotUtf8 } from './argv-bytes.ts';
import { sayUsageErrorsInOneLine } from './usage-error-line.ts';
import { shellQuote } from '../render/shell-quote.ts';
import { stdoutFailure } from './stdout-failure.ts';
import { watchStdoutRow } from './stdout-row.ts';

/**
 * Builds the `perfcell` program with only the subcommand that runs, loaded by `load`
 * (command-loaders.ts; a lane's entry passes its one command): `perfcell --help` lists every
 * command without loading any of them.
 */
export async function createProgram(argv: readonly string[], load: LoadCommand): Promise<Command> {
  const program = createBareProgram()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.hook('preAction', (_program, action) => {
    refuseWhatCachegrindIgnores(action);
    applyDefaults(action);
  });

  const first = firstCommandWord(argv);
  const wantsTopHelp = first === '-h' || first === '--help';
  if (wantsTopHelp) {
    for (const entry of commandTable) program.command(`${entry.name}${entry.args ? ` ${entry.args}` : ''}`).description(entry.description);
    program.addHelpText('after', '\nperfcell COMMAND --help tells more about one command. Defaults: PERFCELL_EVENTS, PERFCELL_INTERVAL, .perfcellrc.json');
    return program;
  }
  if (first === '-V' || first === '--version') return program;
  const isDefaultRepl = first === undefined || first.startsWith('-');
  // `perfcell --no-perf compare -- a b`: a command named after an option meant for it (it was
  // "no command before --" with a `perfcell run` line, or "too many arguments for 'repl'")
  const words = beforeCommand(argv).slice(2);
  const named = isDefaultRepl ? words.find((word) => findCommand(word) !== undefined) : undefined;
  if (named !== undefined) {
    const rest = words.filter((_, at) => at !== words.indexOf(named));
    const after = argv.indexOf('--') === -1 ? [] : argv.slice(argv.indexOf('--'));
    throw new UsageError(`the command's name comes before its options: perfcell ${shellQuote([named, ...rest, ...after])}`);
  }
  // `perfcell -- ls`: a program after -- with no command before it is one to run, not the REPL's
  // (commander said "too many arguments for 'repl'")
  const end = argv.indexOf('--');
  if (isDefaultRepl && end !== -1 && end < argv.length - 1) {
    throw new UsageError(`no command before -- (to measure a program: perfcell run -- ${shellQuote(argv.slice(end + 1))})`);
  }
  const entry = isDefaultRepl ? findCommand('repl') : findCommand(first);
  const register = entry === undefined ? undefined : await load(entry.name);
  if (entry === undefined || register === undefined) {
    const suggestions = suggestCommands(first!);
    const hint = suggestions.length > 0 ? `did you mean ${suggestions.join(' or ')}?` : 'perfcell --help lists the commands';
    throw new UsageError(`unknown command '${first}' (${hint})`);
  }
  register(program);
  if (entry.name === 'repl') program.commands[0]?.copyInheritedSettings(program);
  for (const command of program.commands) acceptDebug(command);
  sayUsageErrorsInOneLine(program);
  return program;
}

/**
 * --debug after the command's name too (`perfcell cells x.ts --debug`), for the command and its
 * own commands (`kernel install`): the program's options come before the name
 * (enablePositionalOptions, so that `run PROG --debug` passes it to PROG), and commander refused
 * it there with "unknown option '--debug'". The commands read it with optsWithGlobals(), main()
 * from argv. Hidden: the program's help lists it once, and the commands' helps and completions
 * stay as they were.
 */
function acceptDebug(command: Command): void {
  if (!command.options.some((option) => option.long === '--debug')) command.addOption(new Option('--debug', 'print stack traces of errors').hideHelp());
  for (const inner of command.commands) acceptDebug(inner);
}

/** The `perfcell` program with its own flags and no subcommand (the completion scripts start from it too). */
export function createBareProgram(): Command {
  return new Command('perfcell')
    .description('what did this command cost: RAM, peak RAM, time, CPU and perf counters')
    .version(version, '-V, --version', 'print the version')
    .option('--debug', 'print stack traces of errors')
    .enablePositionalOptions();
}

/**
 * -I and --no-perf given on the command line with --backend cachegrind, which starts no perf (and
 * so prints no intervals): they were taken without a word, as -e and -M are not (options.ts).
 * From the environment or a config file, -I is perf's default and stays one.
 */
function refuseWhatCachegrindIgnores(command: Command): void {
  if (command.getOptionValue('backend') !== 'cachegrind') return;
  if (command.getOptionValueSource('interval') === 'cli') {
    throw new UsageError("-I sets perf's print interval, and --backend cachegrind starts no perf (drop -I, or drop --backend cachegrind)");
  }
  if (command.getOptionValueSource('perf') === 'cli' && command.getOptionValue('perf') === false) {
    throw new UsageError('--no-perf turns perf off, and --backend cachegrind starts none: it counts without perf (drop --no-perf; or drop --backend cachegrind for RAM, time and CPU without counters)');
  }
}

/**
 * Fills `-e` and `-I` from the environment or a config file where the command line left them at
 * their defaults (flag > env > file > built-in); `-e` not under --backend cachegrind or --no-perf.
 * A PERFCELL_PERF_ACK_TIMEOUT_S perf cannot wait by is refused here too, before anything runs.
 */
function applyDefaults(command: Command): void {
  const hasOption = (name: string) => command.options.some((option) => option.attributeName() === name);
  const isUnset = (name: string) => {
    const source = command.getOptionValueSource(name);
    return source === undefined || source === 'default';
  };
  if (!hasOption('events') && !hasOption('interval')) return;
  const defaults = readDefaults();
  // A default -e is for perf: cachegrind counts no perf events, and --no-perf starts none; a
  // PERFCELL_EVENTS or .perfcellrc.json set once for perf stopped every --backend cachegrind and
  // every --no-perf run ('drop -e', never given).
  const perfOff = command.getOptionValue('backend') === 'cachegrind' || command.getOptionValue('perf') === false;
  // a perf's acknowledgement waits this long (perf/control-channel.ts): a bad value had been 5 s, or no wait at all
  const ackProblem = perfOff ? null : ackTimeoutProblem();
  if (ackProblem !== null) throw new UsageError(ackProblem);
  if (hasOption('events')) noteConfiguredEvents(defaults.events);
  if (defaults.events !== undefined && hasOption('events') && isUnset('events') && !perfOff) {
    command.setOptionValueWithSource('events', parseDefaultEvents(defaults.events), 'env');
    noteEventsFrom(defaults.events.source);
  }
  if (defaults.intervalMs !== undefined && hasOption('interval') && isUnset('interval')) {
    command.setOptionValueWithSource('interval', parseDefaultIntervalMs(defaults.intervalMs), 'env');
  }
}

/**
 * `perfcell --help | head -1`: a reader that went away ends perfcell quietly, as it ends GNU tools,
 * instead of with a stack trace; a stdout that cannot be written (`> /dev/full`) ends it with an
 * error. Returns what stops the watch: `run` stops it as its action starts, for its program may
 * still be running then and it handles its own stdout (stdout-guard.ts), but its --help is
 * perfcell's own output, as every command's is; perf processes are killed on exit (perf-process.ts).
 */
function endWhenStdoutFails(): () => void {
  // Node's own exit: the cells' guard replaces process.exit while cells run (a cell's exit ends
  // only that cell), and took this one for a cell's, which made every later cell fail.
  const exit = process.exit.bind(process);
  // the line starts a row of its own: `repl --json > /dev/full` had it after the prompt on stderr
  // ('In [3]: error: could not write …', a QA pass)
  const stderrRow = watchStdoutRow(process.stderr);
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    // a full disk (`> /dev/full`), a terminal gone: the results cannot be written, so say so and
    // fail, as GNU tools do, instead of ending 0 with nothing written
    process.stderr.write(`${stderrRow.isMidRow() ? '\n' : ''}${stdoutFailure(error)}\n`);
    exit(1);
  };
  process.stdout.on('error', onError);
  return () => {
    process.stdout.off('error', onError);
    stderrRow.restore();
  };
}

/**
 * `perfcell cells x.js 2>&1 >results | head -1`: stderr's reader may go while the results still go
 * to stdout. That is not perfcell's failure: what it (or a cell) writes to stderr from then on is
 * dropped, and nothing measured is lost. Without a listener Node throws the EPIPE as an uncaught
 * exception, which the cells' guard reported on stderr, which failed again: a loop at 100% CPU.
 */
function dropMessagesWhenStderrCloses(): void {
  process.stderr.on('error', () => undefined);
}

/** The `perfcell` command line: parses argv and runs the command that `load` gives. */
export async function main(given: readonly string[], load: LoadCommand): Promise<void> {
  const argv = helpAsFlag(given);
  let program: Command | undefined;
  try {
    const stopWatchingStdout = endWhenStdoutFails();
    dropMessagesWhenStderrCloses();
    refuseNotUtf8(argv);
    program = await createProgram(argv, load);
    if (firstCommandWord(argv) === 'run') program.hook('preAction', stopWatchingStdout);
    await program.parseAsync(hyperfineSpellings(argv) as string[]);
    // what the lane loader keeps a whole code cache from (full-run.ts)
    if (!saysNoPerf(argv)) markFullRun();
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // commander already printed its message; help and version are success.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const debug = program?.opts<{ debug?: boolean }>().debug === true || argv.includes('--debug');
    // perf's refusal of an event from PERFCELL_EVENTS or a config file names that, not -e (events-source.ts)
    process.stderr.write(inEventSourceWords(formatError(error, { debug })) + '\n');
    process.exitCode = exitCodeOf(error);
    // stopped by a signal before anything was measured: perfcell ends by it (end-by-signal.ts)
    if (error instanceof InterruptedError) endBySignal(error.interruption.signal);
  }
}
