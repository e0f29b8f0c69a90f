import { constants } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { runProgram, type RunHooks } from '../../session/run-program.ts';
import { armEarlyGate } from '../../session/early-gate.ts';
import { cameAfterProgramEnded, holdInterruptions, InterruptedError, interruption, settleStopAfterEnd, type Interruption, wasPassedOn } from '../../session/interruption.ts';
import { LaunchError } from '../../session/exec-failure.ts';
import { formatError } from '../errors.ts';
import { endByLateInterruption, endBySignal, endIfInterruptedAfter, lateInterruptionLine } from '../end-by-signal.ts';
import { endingText, renderReportText } from '../../render/report-text.ts';
import { moveToFreshRow } from '../../live/fresh-row.ts';
import { prepareFormatters } from '../../render/units.ts';
import { ensureFolderOf, writeErrorCode, writeErrorFix, writeHtmlFile } from '../html-file.ts';
import { writeStdout } from '../stdout-guard.ts';
import { EVENTS_HELP, METRICS_HELP, parseEventList, parseIntervalMs, parseMetricList, perfFlagOptions, refusePerfFlagsWithBackend } from '../options.ts';
import { liveWanted } from '../../live/live-wanted.ts';
import { toJsonDocument } from '../../json-document.ts';
import { fitted, messageText, warningText } from '../../render/terminal-width.ts';
import type { MeasureOptions } from '../../session/options.ts';
import type { CommandReport } from '../../session/report.ts';
import { perfGaveUp } from '../../session/perf-gave-up.ts';
import { describeInterruptedSeries, parseRepeat, writeRepeatedRuns, type RepeatPartial } from '../run-repeat-output.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { followStopsOnTheEventLoop } from '../../perf/follow-stop.ts';
import { continuedSince, continueCount } from '../../session/job-stops.ts';
import { writeWholeFile } from '../../whole-file.ts';

interface RunFlags {
  readonly events?: readonly string[];
  readonly metrics?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
  readonly json?: boolean;
  readonly output?: string;
  readonly html?: string;
  readonly backend: 'perf' | 'cachegrind';
  readonly live: boolean;
  readonly nodeGc?: boolean;
  readonly repeat: number;
}

/**
 * `perfcell run [options] -- CMD ARGS…`: measure one external program, exit with its exit code.
 *
 * The program's streams stay the program's, as under perf stat and time: the text report goes to
 * stderr (or to `-o FILE`), so `perfcell run -- CMD | consumer` hands the consumer exactly CMD's
 * stdout. With `--json`, stdout carries exactly one JSON document and nothing else: the program's
 * stdout is sent to perfcell's stderr (with `-o FILE` the document goes to FILE and the program
 * keeps stdout).
 */
/**
 * A report file's name, refusing `--`: commander takes the word after `-o` as its value even when
 * it is the `--` before the command, so `run -o -- CMD` wrote the report to a file named `--`.
 */
function reportFile(option: '-o' | '--html'): (text: string) => string {
  return (text) => {
    if (text === '--') throw new InvalidArgumentError(`it is the -- before the command: put ${option} FILE before -- (perfcell run ${option} report.${option === '-o' ? 'txt' : 'html'} -- CMD)`);
    return text;
  };
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a program (no shell) and report what it cost on stderr; exits with its exit code')
    .argument('<command...>', 'the program and its arguments (put -- before them)')
    .option('-e, --events <list>', EVENTS_HELP, parseEventList)
    .option('-M, --metrics <list>', METRICS_HELP, parseMetricList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .option('--no-live', 'no live status line on stderr while the program runs (drawn only on a terminal, after 1 s)')
    .option('--node-gc', 'report a Node program\'s garbage collections (a preload via NODE_OPTIONS; default when the program is `node`)')
    .option('--no-node-gc', 'do not inject the GC preload into a `node` program')
    .addOption(new Option('--backend <name>', 'where counters come from').choices(['perf', 'cachegrind']).default('perf'))
    .option('--json', 'print the report as one JSON document on stdout; the program\'s stdout then goes to stderr')
    .option('-o, --output <file>', 'write the report (text, or JSON with --json) to FILE instead; the program keeps stdout', reportFile('-o'))
    .option('--html <file>', 'also write a self-contained HTML page with charts of RSS and each counter', reportFile('--html'))
    .option('-r, --repeat <n>', 'run it N times and report each metric\'s mean ± standard deviation (as perf stat -r)', parseRepeat, 1)
    .passThroughOptions()
    .addHelpText(
      'after',
      `
Streams: the program's stdout, stderr and stdin are its own. The report goes to stderr, like
perf stat's and time's; -o FILE writes it to FILE. With --json, stdout holds only the JSON
document and the program's stdout goes to stderr. A closed stdout (| head) ends perfcell with
the program's status (141 for SIGPIPE). SIGINT, SIGTERM and SIGHUP are passed on to the program;
perfcell then reports and exits with its status (128+n when the signal killed it). With -r N an
interruption ends the series: the run it cut short is left out of the statistics. A program that
cannot be started exits 127 (not found) or 126 (found, but not runnable).`,
    )
    .action(async (command: string[], flags: RunFlags, cmd: Command) => {
      prepareFormatters();
      // Node makes a pipe non-blocking (O_NONBLOCK, on the open file the program shares) the first
      // time process.stdout or process.stderr is touched: done now, before the program starts (its
      // spawn gives it blocking stdio), not while it runs, where `seq … | head` would fail with EAGAIN.
      void process.stdout.writable;
      void process.stderr.writable;
      const jsonOnStdout = flags.json === true && flags.output === undefined;
      /** What follows the program on a terminal starts a row of its own, where its last line had no newline. */
      const freshRows = (): void => {
        moveToFreshRow(process.stderr);
        if (jsonOnStdout) moveToFreshRow(process.stdout);
      };
      // the files written after the program are checked before it: a typo must not cost the run
      checkOutputPaths([
        ...(flags.output === undefined ? [] : [{ flag: '-o', path: flags.output, command: 'run' }]),
        ...(flags.html === undefined ? [] : [{ flag: '--html', path: flags.html, command: 'run' }]),
      ]);
      if (flags.output !== undefined) ensureFolderOf(flags.output);
      refusePerfFlagsWithBackend(flags, flags.backend);
      const releaseSignals = holdInterruptions();
      // Ctrl-Z: the program's perf (in a session of its own) stops with perfcell and goes on after fg,
      // rather than print a line every interval through the stop; perfcell runs no command's code
      const stopFollowing = followStopsOnTheEventLoop();
      try {
        const measureOptions: MeasureOptions = {
          ...perfFlagOptions(flags),
          backend: flags.backend,
          live: liveWanted(flags.live),
          ...(flags.nodeGc === undefined ? {} : { nodeGc: flags.nodeGc }),
          ...(jsonOnStdout ? { programStdout: 'stderr' as const } : {}),
        };
        // -r N: N runs one after another, mean ± σ of each metric (as perf stat -r); an interruption ends the series.
        if (flags.repeat > 1) {
          const series = await measureSeries(command, measureOptions, flags.repeat);
          freshRows();
          if (series.launchFailure !== null && series.reports.length === 0 && series.partial === null) {
            failLaunch(series.launchFailure, cmd);
            return;
          }
          await writeRepeatedRuns(command, series.reports, { json: flags.json === true, ...(flags.output === undefined ? {} : { output: flags.output }), ...(flags.html === undefined ? {} : { html: flags.html }) }, series.partial, series.runsRerun);
          if (series.launchFailure !== null) failLaunch(series.launchFailure, cmd);
          // as a signal between runs ends the series
          if (series.partial === null) await endIfInterruptedAfter('the last run');
          return;
        }
        let report: CommandReport;
        try {
          report = await measureProgram(command, measureOptions);
        } catch (error: unknown) {
          if (!(error instanceof LaunchError)) throw error;
          failLaunch(error, cmd);
          return;
        }
        freshRows();
        // The program's own status, as timeout(1) and perf stat exit with it: 128+n only when it
        // died by signal n. A program that catches Ctrl-C and exits 5 ends perfcell with 5.
        const programStatus = statusOf(report);
        process.exitCode = programStatus;
        // A Ctrl-C typed at the terminal (or a signal to the whole group) reaches the program
        // itself: it is not passed on at the terminal, nor to a program it has ended already, and
        // the line had said 'passed it on' there too (a QA pass)
        const passedOnText = (signal: NodeJS.Signals): string => (wasPassedOn(signal) === false ? 'the program had it too' : 'passed it on to the program');
        // A signal perfcell saw before it heard of the program's end, but that came as the program
        // exited by itself (perfcell found it gone as it passed it on, and the group never had it):
        // the program never had it, so it is one after the program's end, as a later one is, and
        // ends perfcell by it; it had ended perfcell with the program's status, 0 (a QA pass)
        const isAfterEnd = (stop: Interruption): boolean => report.signal !== stop.signal && cameAfterProgramEnded();
        const afterEnd = 'the program had ended';
        const interruptedLineOf = (stop: Interruption): string => (isAfterEnd(stop) ? lateInterruptionLine(stop, afterEnd) : `perfcell: interrupted by ${stop.signal}; ${passedOnText(stop.signal)} (${endingText(report)})`);
        // Whether perfcell was interrupted takes some loop turns to know (settleStopAfterEnd), in which
        // the gate's and perf's exits are handled: 1-3 ms here. The JSON document says it, so it waits;
        // the text report does not (the interrupted line follows it), so it goes out first, unless
        // it goes to -o FILE, whose write may block (a FIFO, a slow disk): a Ctrl-C in that write,
        // the program long ended, was taken for one during it ('passed it on to the program', exit
        // 0) where --json's and --html's say the results are complete and end by it (a QA pass)
        const isDocument = flags.json === true;
        let stop = isDocument || flags.output !== undefined ? await settleStopAfterEnd(report.signal) : null;
        for (const warning of report.warnings) process.stderr.write(warningText(warning, process.stderr));
        const document = stop === null ? report : { ...report, interruption: { signal: stop.signal, message: interruptedLineOf(stop) } };
        const rendered = flags.json === true ? `${JSON.stringify(toJsonDocument('perfcell-report', document), null, 2)}\n` : `${renderReportText(report, flags.output === undefined ? fitted(process.stderr) : {})}\n`;
        const failures: string[] = [];
        let hasLostReportFile = false;
        if (flags.output !== undefined) {
          try {
            writeWholeFile(flags.output, rendered);
          } catch (error: unknown) {
            // said before the report it sends to stderr instead, as the line says and run -r has it
            hasLostReportFile = true;
            const reason = writeErrorCode(error);
            process.stderr.write(`error: cannot write the report to ${flags.output}: ${reason} (${writeErrorFix(reason)}); the report follows on stderr\n${renderReportText(report)}\n`);
          }
        } else if (jsonOnStdout) {
          // stdout closed or full: the document cannot be delivered; the report still reaches stderr.
          if (!(await writeStdout(rendered))) process.stderr.write(renderReportText(report) + '\n');
        } else {
          process.stderr.write(rendered);
        }
        if (!isDocument && flags.output === undefined) stop = await settleStopAfterEnd(report.signal);
        if (flags.html !== undefined) {
          try {
            // Loaded only for --html: the page's charts and statistics are no part of a plain run's start-up.
            const { renderReportsHtml } = await import('../../render/html.ts');
            writeHtmlFile(flags.html, renderReportsHtml('perfcell run', [report], { generatedAt: report.startedAt }));
          } catch (error: unknown) {
            failures.push((error as Error).message);
          }
        }
        // A report file that cannot be written is said, but the exit status stays the program's.
        for (const failure of failures) process.stderr.write(`error: ${failure}\n`);
        // a signal once the program had ended ends perfcell by it, not with the program's status
        const late = stop === null ? await endIfInterruptedAfter(afterEnd) : null;
        if (stop !== null && isAfterEnd(stop)) {
          endByLateInterruption(stop, afterEnd);
        } else if (stop !== null) {
          process.stderr.write(messageText(interruptedLineOf(stop), process.stderr));
          // the program died of perfcell's signal: perfcell dies of it too, as perf stat and timeout do
          if (report.signal === stop.signal) endBySignal(stop.signal);
        } else if (late === null && (failures.length > 0 || hasLostReportFile) && programStatus === 0) process.exitCode = 1;
      } finally {
        stopFollowing();
        releaseSignals();
      }
    });
}

/** One run of the program: perf's through the exec gate, or under cachegrind (loaded only for --backend cachegrind). */
async function measureProgram(command: readonly string[], options: MeasureOptions, hooks?: RunHooks): Promise<CommandReport> {
  if (options.backend !== 'cachegrind') return runProgram(command, options, hooks);
  const { measure } = await import('../../session/measure.ts');
  return measure(command, options);
}

/** A report's exit status as a shell sees it: the exit code, or 128+n when signal n killed the program. */
function statusOf(report: CommandReport): number {
  if (report.signal !== null) return 128 + ((constants.signals as Record<string, number | undefined>)[report.signal] ?? 0);
  return report.exitCode ?? 1;
}

/**
 * `-r N`'s runs until the N-th or an interruption: only complete runs are kept for the statistics;
 * a run the signal cut short (its program killed, or ended early by its own handler) is set apart.
 * A program that cannot be started stops the series with what finished before.
 */
async function measureSeries(command: readonly string[], options: MeasureOptions, requested: number): Promise<{ reports: CommandReport[]; partial: RepeatPartial | null; launchFailure: LaunchError | null; runsRerun: number }> {
  const reports: CommandReport[] = [];
  let runOptions = options;
  let runsRerun = 0;
  for (let round = 1; round <= requested; round += 1) {
    let report: CommandReport | null = null;
    const continues = continueCount();
    // The next run's gate, as the first run's was: its held child moves into the next cgroup and its
    // perf loads (held at main()) while this run's report is made and the next run is set up. Armed
    // the moment this program has ended, where the gate reports it, never beside a program; a
    // series that stops here leaves it to the lane's end. None under cachegrind: valgrind runs the
    // program, without a gate.
    const armNext = (): void => {
      if (round < requested && runOptions.backend !== 'cachegrind') armEarlyGate(runOptions.perf !== false);
    };
    try {
      if (interruption() === null) report = await measureProgram(command, runOptions, { onEnded: armNext });
    } catch (error: unknown) {
      if (error instanceof LaunchError) return { reports, partial: null, launchFailure: error, runsRerun };
      // asked to stop while the next run was being set up: it never ran
      if (!(error instanceof InterruptedError)) throw error;
    }
    const stop = report === null ? interruption() : await settleStopAfterEnd(report.signal);
    // one that came as the program exited by itself (perfcell's alone): the run is whole, and the
    // series ends after it; it had been set apart as cut short ('no run finished', a QA pass)
    if (stop !== null && report !== null && report.signal !== stop.signal && cameAfterProgramEnded()) {
      reports.push(report);
      return { reports, partial: round === requested ? null : describeInterruptedSeries(stop, reports.length, requested, null), launchFailure: null, runsRerun };
    }
    if (stop !== null) return { reports, partial: describeInterruptedSeries(stop, reports.length, requested, report), launchFailure: null, runsRerun };
    // a Ctrl-Z stop fell into this run, whose time holds it: left out of the statistics, and run again
    if (report !== null && (await continuedSince(continues))) {
      runsRerun++;
      round -= 1;
      continue;
    }
    if (report !== null) reports.push(report);
    // perf counted nothing (session/perf-gave-up.ts): the runs after this one go without it, as its warning says
    // (a gate armed with a perf that the next run no longer wants: its held perf reads EOF and exits)
    if (report !== null && perfGaveUp(report, runOptions)) runOptions = { ...runOptions, perf: false };
    armNext();
  }
  return { reports, partial: null, launchFailure: null, runsRerun };
}

/** A program that could not be started: its one-line error, and 127 or 126 as timeout and env exit. */
function failLaunch(error: LaunchError, cmd: Command): void {
  process.stderr.write(`${formatError(error, { debug: cmd.optsWithGlobals<{ debug?: boolean }>().debug === true })}\n`);
  process.exitCode = error.exitStatus;
}
