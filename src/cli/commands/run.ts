import { constants } from 'node:os';
import { Option, type Command } from 'commander';
import { measure } from '../../session/measure.ts';
import { renderReportText } from '../../render/report-text.ts';
import { prepareFormatters } from '../../render/units.ts';
import { renderReportsHtml } from '../../render/html.ts';
import { writeHtmlFile } from '../html-file.ts';
import { parseEventList, parseIntervalMs } from '../options.ts';

interface RunFlags {
  readonly events?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
  readonly json?: boolean;
  readonly html?: string;
  readonly backend: 'perf' | 'cachegrind';
}

/** `perfcell run [options] -- CMD ARGS…`: measure one external program, exit with its exit code. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a program (no shell) and report what it cost; exits with its exit code')
    .argument('<command...>', 'the program and its arguments (put -- before them)')
    .option('-e, --events <list>', 'perf events, comma-separated (default: cache-misses,cache-references,instructions,cycles,page-faults)', parseEventList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .addOption(new Option('--backend <name>', 'where counters come from').choices(['perf', 'cachegrind']).default('perf'))
    .option('--json', 'print the whole report as one JSON document')
    .option('--html <file>', 'also write a self-contained HTML page with charts of RSS and each counter')
    .passThroughOptions()
    .action(async (command: string[], flags: RunFlags) => {
      prepareFormatters();
      const report = await measure(command, {
        ...(flags.events === undefined ? {} : { events: flags.events }),
        intervalMs: flags.interval,
        perf: flags.perf,
        backend: flags.backend,
      });
      for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${renderReportText(report)}\n`);
      if (flags.html !== undefined) {
        writeHtmlFile(flags.html, renderReportsHtml('perfcell run', [report], { generatedAt: report.startedAt }));
      }
      process.exitCode = report.signal !== null ? 128 + signalNumber(report.signal) : (report.exitCode ?? 1);
    });
}

function signalNumber(name: string): number {
  return (constants.signals as Record<string, number | undefined>)[name] ?? 0;
}
