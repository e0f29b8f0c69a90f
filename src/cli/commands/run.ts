import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { Option, type Command } from 'commander';
import { runProgram } from '../../session/run-program.ts';
import { holdInterruptions, interruption, settleInterruption } from '../../session/interruption.ts';
import { renderReportText } from '../../render/report-text.ts';
import { prepareFormatters } from '../../render/units.ts';
import { ensureFolderOf, writeHtmlFile } from '../html-file.ts';
import { writeStdout } from '../stdout-guard.ts';
import { METRICS_HELP, parseEventList, parseIntervalMs, parseMetricList, perfFlagOptions } from '../options.ts';
import { liveWanted } from '../../live/live-wanted.ts';
import { toJsonDocument } from '../../json-document.ts';
import { outputWidth, warningText } from '../../render/terminal-width.ts';
import type { MeasureOptions } from '../../session/options.ts';
import type { CommandReport } from '../../session/report.ts';
import { parseRepeat, writeRepeatedRuns } from '../run-repeat-output.ts';

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
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a program (no shell) and report what it cost on stderr; exits with its exit code')
    .argument('<command...>', 'the program and its arguments (put -- before them)')
    .option('-e, --events <list>', 'perf events, comma-separated (default: cache-misses,cache-references,instructions,cycles,page-faults)', parseEventList)
    .option('-M, --metrics <list>', METRICS_HELP, parseMetricList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .option('--no-live', 'no live status line on stderr while the program runs (drawn only on a terminal, after 1 s)')
    .option('--node-gc', 'report a Node program\'s garbage collections (a preload via NODE_OPTIONS; default when the program is `node`)')
    .option('--no-node-gc', 'do not inject the GC preload into a `node` program')
    .addOption(new Option('--backend <name>', 'where counters come from').choices(['perf', 'cachegrind']).default('perf'))
    .option('--json', 'print the report as one JSON document on stdout; the program\'s stdout then goes to stderr')
    .option('-o, --output <file>', 'write the report (text, or JSON with --json) to FILE instead; the program keeps stdout')
    .option('--html <file>', 'also write a self-contained HTML page with charts of RSS and each counter')
    .option('-r, --repeat <n>', 'run it N times and report each metric\'s mean ± standard deviation (as perf stat -r)', parseRepeat, 1)
    .passThroughOptions()
    .addHelpText(
      'after',
      `
Streams: the program's stdout, stderr and stdin are its own. The report goes to stderr, like
perf stat's and time's; -o FILE writes it to FILE. With --json, stdout holds only the JSON
document and the program's stdout goes to stderr. A closed stdout (| head) ends perfcell with
the program's status (141 for SIGPIPE). SIGINT, SIGTERM and SIGHUP are passed on to the program;
perfcell then reports and exits 128+n.`,
    )
    .action(async (command: string[], flags: RunFlags) => {
      prepareFormatters();
      // Node makes a pipe non-blocking (O_NONBLOCK, on the open file the program shares) the first
      // time process.stdout or process.stderr is touched: done now, before the program starts (its
      // spawn gives it blocking stdio), not while it runs, where `seq … | head` would fail with EAGAIN.
      void process.stdout.writable;
      void process.stderr.writable;
      const jsonOnStdout = flags.json === true && flags.output === undefined;
      if (flags.output !== undefined) ensureFolderOf(flags.output);
      const releaseSignals = holdInterruptions();
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
          const reports: CommandReport[] = [];
          for (let round = 0; round < flags.repeat && interruption() === null; round += 1) reports.push(await measureProgram(command, measureOptions));
          await writeRepeatedRuns(command, reports, { json: flags.json === true, ...(flags.output === undefined ? {} : { output: flags.output }), ...(flags.html === undefined ? {} : { html: flags.html }) });
          return;
        }
        const report = await measureProgram(command, measureOptions);
        const programStatus = report.signal !== null ? 128 + signalNumber(report.signal) : (report.exitCode ?? 1);
        process.exitCode = programStatus;
        for (const warning of report.warnings) process.stderr.write(warningText(warning, process.stderr));
        const rendered = flags.json === true ? `${JSON.stringify(toJsonDocument('perfcell-report', report), null, 2)}\n` : `${renderReportText(report, flags.output === undefined ? fitted(process.stderr) : {})}\n`;
        const failures: string[] = [];
        if (flags.output !== undefined) {
          try {
            writeFileSync(flags.output, rendered);
          } catch (error: unknown) {
            failures.push(`cannot write the report to ${flags.output}: ${(error as NodeJS.ErrnoException).code ?? 'write failed'} (check the path and its permissions); the report follows on stderr`);
            process.stderr.write(renderReportText(report) + '\n');
          }
        } else if (jsonOnStdout) {
          // stdout closed or full: the document cannot be delivered; the report still reaches stderr.
          if (!(await writeStdout(rendered))) process.stderr.write(renderReportText(report) + '\n');
        } else {
          process.stderr.write(rendered);
        }
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
        const isStopSignal = report.signal === 'SIGINT' || report.signal === 'SIGTERM' || report.signal === 'SIGHUP';
        const stop = isStopSignal ? await settleInterruption() : interruption();
        if (stop !== null) {
          process.stderr.write(`perfcell: interrupted by ${stop.signal}; passed it on to the program (${report.signal !== null ? `killed by ${report.signal}` : `exit code ${report.exitCode ?? '?'}`})\n`);
          process.exitCode = 128 + stop.number;
        } else if (failures.length > 0 && programStatus === 0) {
          process.exitCode = 1;
        }
      } finally {
        releaseSignals();
      }
    });
}

/** One run of the program: perf's through the exec gate, or under cachegrind (loaded only for --backend cachegrind). */
async function measureProgram(command: readonly string[], options: MeasureOptions): Promise<CommandReport> {
  if (options.backend !== 'cachegrind') return runProgram(command, options);
  const { measure } = await import('../../session/measure.ts');
  return measure(command, options);
}

function signalNumber(name: string): number {
  return (constants.signals as Record<string, number | undefined>)[name] ?? 0;
}

/** Render options that fit `stream` ($COLUMNS, else the terminal's width; nothing for a pipe). */
function fitted(stream: NodeJS.WriteStream): { width?: number } {
  const width = outputWidth(stream);
  return width === undefined ? {} : { width };
}
