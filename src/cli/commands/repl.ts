import type { Command } from 'commander';
import { EVENTS_HELP, METRICS_HELP, parseEventList, parseIntervalMs, parseMetricList, perfFlagOptions } from '../options.ts';

interface ReplFlags {
  readonly events?: readonly string[];
  readonly metrics?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
  readonly settle: boolean;
  readonly ts?: boolean;
  readonly report: boolean;
  readonly live: boolean;
  readonly compact?: boolean;
  readonly json?: boolean;
}

/**
 * `perfcell repl` (and plain `perfcell`): a Node REPL that reports every command. The REPL code
 * is imported only when it starts, so other subcommands do not load it, and main.ts starts the
 * REPL without loading the other subcommands: the REPL measures its own process, and every
 * module loaded is RSS in its reports.
 */
export function registerRepl(program: Command): void {
  program
    .command('repl', { isDefault: true })
    .description('a Node REPL that reports what every command cost (the default command)')
    .option('-e, --events <list>', EVENTS_HELP, parseEventList)
    .option('-M, --metrics <list>', METRICS_HELP, parseMetricList)
    .option('-I, --interval <ms>', 'perf sampling interval in ms', parseIntervalMs, 100)
    .option('--no-perf', 'RAM, time and CPU only')
    .option('--no-settle', 'read final RAM at the end of each command as it is, without collecting its garbage first')
    .option('--ts', 'read every command as TypeScript (default: only commands that are not valid JavaScript)')
    .option('--no-ts', 'never read commands as TypeScript')
    .option('--no-report', 'start with reporting off (.start turns it on)')
    .option('--no-live', 'no live status line on stderr while a long command runs (drawn only on a terminal, after 1 s)')
    .option('--compact', 'one report line per command (used, time, peak above final, current RAM), as ipython-memory-usage prints it')
    .option('--json', "print each command's report on stdout as one JSON document a line (as run --json prints one); the prompt, values and console output go to stderr")
    .action(async (flags: ReplFlags) => {
      const perfFlags = perfFlagOptions(flags);
      // An -e list (or -M) perf refuses is an error before the session starts, as in run and cells;
      // it had turned perf off with one line, the other events with it, and every report after had
      // no counters and no word why (a QA pass).
      if (perfFlags.perf && (perfFlags.events !== undefined || perfFlags.metricGroups !== undefined)) {
        const [{ checkPerfEvents }, { resolvePerfOptions }] = await Promise.all([import('../../attach/perf-preflight.ts'), import('../../session/options.ts')]);
        const refused = await checkPerfEvents(resolvePerfOptions(perfFlags));
        if (refused !== null) throw refused;
      }
      const { startRepl } = await import('../../repl/start-repl.ts');
      const { liveWanted } = await import('../../live/live-wanted.ts');
      const { closed } = startRepl({
        measure: {
          ...perfFlags,
          settle: flags.settle,
          live: liveWanted(flags.live),
        },
        typescript: flags.ts ?? 'auto',
        reporting: flags.report,
        compact: flags.compact === true,
        json: flags.json === true,
      });
      await closed;
      // Like node's own REPL: leaving it ends the process (stdin and timers the session made would keep it alive).
      process.exit(0);
    });
}

/** Whether argv (after node and the script) starts the REPL, so main.ts can load only what it needs. */
export function isReplInvocation(args: readonly string[]): boolean {
  return args.length === 0 || args[0] === 'repl';
}
