import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.ts';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { attachToProcess, type AttachStart } from '../../attach/attach.ts';
import type { IntervalRow } from '../../attach/interval-row.ts';
import type { WatchState } from '../../attach/watch-state.ts';
import { renderAttachFrame } from '../../render/attach-table.ts';
import { renderHtmlReport } from '../../render/html.ts';
import { renderReportText } from '../../render/report-text.ts';
import { writeHtmlFile } from '../html-file.ts';
import { EVENTS_HELP, METRICS_HELP, parseEventList, parseIntervalMs, parseMetricList, perfFlagOptions } from '../options.ts';
import { ndjsonHeaderLine, toJsonDocument } from '../../json-document.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { holdInterruptions, interruptionExitCode, onInterruption } from '../../session/interruption.ts';
import { outputWidth } from '../../render/terminal-width.ts';
import { PID, SECONDS_ABOVE_ZERO } from '../../session/option-rules.ts';

interface AttachFlags {
  readonly events?: readonly string[];
  readonly metrics?: readonly string[];
  readonly interval: number;
  readonly duration?: number;
  readonly perf: boolean;
  readonly json?: boolean;
  readonly ndjson?: boolean;
  readonly html?: string;
}

/** A pid is a whole number > 0. */
export function parsePid(value: string): number {
  const pid = Number(value);
  if (!/^\d+$/.test(value) || !PID.holds(pid)) {
    throw new InvalidArgumentError('give the pid as a whole number, e.g. perfcell attach 1234');
  }
  return pid;
}

/** Seconds, fractions allowed: `--duration 2.5`. */
export function parseDurationS(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !SECONDS_ABOVE_ZERO.holds(seconds)) {
    throw new InvalidArgumentError('give the duration in seconds, a number > 0, e.g. --duration 10');
  }
  return seconds;
}

const REDRAW_MS = 100;

/**
 * `perfcell attach PID`: watch a running process like `perf stat -I`, with RSS and CPU beside the
 * counters. A live table on a terminal, else NDJSON (`kind`: start, interval, summary); the summary
 * when Ctrl-C (SIGTERM, SIGHUP) comes, the duration ends or the process exits. Exit 0 then; 1 when
 * the pid does not exist or may not be watched; 2 on misuse.
 */
export function registerAttach(program: Command): void {
  program
    .command('attach')
    .description('watch a running process: RSS, CPU and perf counters per interval, then a summary')
    .argument('<pid>', 'the process to watch', parsePid)
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl-C or the process exits)', parseDurationS)
    .option('-I, --interval <ms>', 'interval in ms', parseIntervalMs, 1000)
    .option('-e, --events <list>', EVENTS_HELP, parseEventList)
    .option('-M, --metrics <list>', METRICS_HELP, parseMetricList)
    .option('--no-perf', 'RSS and CPU only')
    .option('--ndjson', 'one JSON record per interval, then the summary (the default when stdout is not a terminal)')
    .addOption(new Option('--json', 'print only the summary, as one JSON document').conflicts('ndjson'))
    .option('--html <file>', 'also write a self-contained HTML page with charts of the whole watch')
    .addHelpText(
      'after',
      `
Output: on a terminal, a live table redrawn in place; otherwise (or with --ndjson) a header line
{"format":"perfcell-attach-ndjson","version":1,"perfcell":…}, then one JSON record per line:
{"kind":"start"}, then {"kind":"interval"} per interval, then {"kind":"summary"}.
The summary covers the whole watch: RAM used since attach, the peak above the final RSS (VmHWM,
reset at attach), CPU and each counter. Memory stays flat however long the watch runs.

Exit status: 0 when the watch ends (Ctrl-C, SIGTERM or SIGHUP, --duration, or the process
exits); 1 when the pid does not exist or belongs to another user (perfcell is not root); 2 on
misuse. A second Ctrl-C (SIGTERM, SIGHUP) leaves at once, without a summary: 128+n.`,
    )
    .action(async (pid: number, flags: AttachFlags) => {
      const kernelThread = kernelThreadName(pid);
      if (kernelThread !== null) {
        throw new UsageError(`pid ${pid} (${kernelThread}) is a kernel thread: it has no memory or program of its own to watch (attach to a user process, e.g. perfcell attach $(pgrep -n node))`);
      }
      // the page is written after the watch: a path it cannot be written to is refused before it
      if (flags.html !== undefined) checkOutputPaths([{ flag: '--html', path: flags.html, command: 'attach' }]);
      const mode = flags.json === true ? 'json' : flags.ndjson === true || process.stdout.isTTY !== true ? 'ndjson' : 'table';
      const out = (text: string): void => void process.stdout.write(text);
      const abort = new AbortController();
      // The stop signals every command takes (SIGINT, SIGTERM, SIGHUP), from the one list that
      // holds them: SIGHUP, missing from a list of attach's own, killed perfcell with its summary
      // unprinted. Each ends the watch as its normal end, as the duration does (exit 0).
      const releaseSignals = holdInterruptions();
      let interrupts = 0;
      const stopListening = onInterruption((stop) => {
        interrupts += 1;
        // A second one leaves at once (perf is killed by the exit hook).
        if (interrupts > 1) process.exit(interruptionExitCode(stop));
        abort.abort();
      });
      const table = mode === 'table' ? createLiveTable(out) : null;
      try {
        const result = await attachToProcess(pid, {
          ...perfFlagOptions(flags),
          ...(flags.duration === undefined ? {} : { durationS: flags.duration }),
          signal: abort.signal,
          onStart: (info) => {
            // The stream's header line first (json-document.ts, NDJSON_FORMATS), then the records.
            if (mode === 'ndjson') out(`${ndjsonHeaderLine('perfcell-attach-ndjson')}${JSON.stringify({ kind: 'start', ...info })}\n`);
            table?.start(info);
          },
          onRow: (row, state) => {
            if (mode === 'ndjson') out(`${JSON.stringify({ kind: 'interval', ...row })}\n`);
            table?.update(row, state);
          },
        });
        table?.finish();
        const { report } = result;
        for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
        if (mode === 'ndjson') out(`${JSON.stringify({ kind: 'summary', endedBy: result.endedBy, report })}\n`);
        else if (mode === 'json') out(`${JSON.stringify(toJsonDocument('perfcell-attach', { ...report, endedBy: result.endedBy }), null, 2)}\n`);
        else out(`${renderReportText(report)}\n`);
        if (flags.html !== undefined) {
          writeHtmlFile(flags.html, renderHtmlReport({
            title: `perfcell attach ${pid}`,
            generatedAt: report.startedAt,
            sections: [{ kind: 'attach', report, series: result.series }],
          }));
        }
      } finally {
        stopListening();
        releaseSignals();
      }
    });
}

/** PF_KTHREAD in /proc/PID/stat's flags: the pid is a kernel thread. */
const PF_KTHREAD = 0x00200000;

/** The command name of a kernel thread, or null for a user process (or a pid that is not there). */
export function kernelThreadName(pid: number, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): string | null {
  try {
    const stat = read(`/proc/${pid}/stat`);
    const close = stat.lastIndexOf(')');
    const flags = Number(stat.slice(close + 2).split(' ')[6]);
    return (flags & PF_KTHREAD) !== 0 ? stat.slice(stat.indexOf('(') + 1, close) : null;
  } catch {
    return null;
  }
}

/** The live table on a terminal, redrawn in place at most every REDRAW_MS. */
function createLiveTable(out: (text: string) => void) {
  let info: AttachStart | null = null;
  let state: WatchState | null = null;
  let drawnLines = 0;
  let lastDrawMs = 0;
  let pending: NodeJS.Timeout | undefined;
  const draw = (): void => {
    pending = undefined;
    if (info === null || state === null) return;
    lastDrawMs = Date.now();
    const frame = renderAttachFrame(state.recentRows(), {
      pid: info.pid,
      comm: info.comm,
      intervalMs: info.intervalMs,
      // $COLUMNS first: a terminal that says 0 columns (script's pty) cut every line to 20 characters
      width: outputWidth(process.stdout) ?? 100,
      height: Math.max(8, (process.stdout.rows ?? 24) - 2),
    });
    // Back to the first line of the previous frame, clear from there down, draw anew.
    out(`${drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[J` : ''}${frame}\n`);
    drawnLines = frame.split('\n').length;
  };
  return {
    start(started: AttachStart) {
      info = started;
      process.stderr.write(`watching pid ${started.pid} (${started.comm}) every ${started.intervalMs} ms; Ctrl-C ends the watch with a summary\n`);
    },
    update(_row: IntervalRow, current: WatchState) {
      state = current;
      if (pending !== undefined) return;
      const waitMs = REDRAW_MS - (Date.now() - lastDrawMs);
      if (waitMs <= 0) draw();
      else pending = setTimeout(draw, waitMs);
    },
    finish() {
      clearTimeout(pending);
      draw();
    },
  };
}
