import { InvalidArgumentError } from 'commander';
import { constants } from 'node:os';
import { toJsonDocument } from '../json-document.ts';
import { renderRepeatText } from '../render/run-repeat-text.ts';
import { shellQuote } from '../render/shell-quote.ts';
import type { CommandReport, UnsupportedEvent } from '../session/report.ts';
import { summarizeRuns } from '../session/run-repeat.ts';
import { deriveMetricsOverRuns } from '../session/counters.ts';
import { writeErrorCode, writeErrorFix, writeHtmlFile } from './html-file.ts';
import { writeStdout } from './stdout-guard.ts';
import { endBySignal } from './end-by-signal.ts';
import { mergeRunWarnings } from './repeat-warnings.ts';
import { messageText, outputWidth, warningText } from '../render/terminal-width.ts';
import { fitToWidth } from '../render/report-repl.ts';
import { endingText, renderReportText } from '../render/report-text.ts';
import { writeWholeFile } from '../whole-file.ts';
import type { Interruption } from '../session/interruption.ts';
import { rerunRunNote } from '../session/job-stops.ts';
import { median } from 'simple-statistics';
import { outlierIndexes } from '../experiment/outliers.ts';
import { formatSeconds } from '../render/units.ts';
import { wholeNumberFrom } from '../session/option-rules.ts';

/** `-r N`: a whole number from 1. */
export function parseRepeat(text: string): number {
  const value = Number(text);
  if (!wholeNumberFrom(1).holds(value)) throw new InvalidArgumentError('expected a whole number of runs, 1 or more (e.g. -r 5)');
  return value;
}

/** The events perf could not count in any of the runs, each once, in the order first met. */
function unsupportedOfRuns(reports: readonly CommandReport[]): UnsupportedEvent[] {
  const byEvent = new Map<string, UnsupportedEvent>();
  for (const event of reports.flatMap((report) => report.counters.unsupported)) if (!byEvent.has(event.event)) byEvent.set(event.event, event);
  return [...byEvent.values()];
}

/** A run's exit status as a shell sees it: 128+n for a signal. */
function statusOf(report: CommandReport): number {
  if (report.signal !== null) return 128 + ((constants.signals as Record<string, number | undefined>)[report.signal] ?? 0);
  return report.exitCode ?? 1;
}

/**
 * Why a `run -r N` series stopped before its N-th run, in the perfcell-run-repeat document (the
 * shape of compare's `partial`, with runs for rounds): only complete runs are in `runs` and the
 * statistics; the run the signal cut short is `droppedRun`.
 */
export interface RepeatPartial {
  readonly reason: 'interrupted';
  readonly signal: string;
  /** One line: what stopped the series and what the statistics hold (also printed on stderr). */
  readonly message: string;
  readonly completedRuns: number;
  readonly requestedRuns: number;
  /** The 1-based run the signal came during; null when it came between runs (or before the next one started). */
  readonly stoppedAt: { readonly run: number | null };
  /** The report of the run cut short, left out of the statistics; absent when none had started. */
  readonly droppedRun?: CommandReport;
}

/** The `partial` block for a series that `stop` ended after `completed` complete runs; `cut` is the run it cut short, if one ran. */
export function describeInterruptedSeries(stop: Interruption, completed: number, requested: number, cut: CommandReport | null): RepeatPartial {
  const runs = `${completed} complete run${completed === 1 ? '' : 's'}`;
  const kept = completed === 0
    ? `no run finished, so there are no statistics${cut === null ? '' : ' (the report above is the run cut short)'}`
    : `the statistics hold the ${runs}${cut === null ? '' : ' (the run cut short is left out)'}`;
  const when = cut === null ? `after ${completed} of ${requested} runs` : `during run ${completed + 1} of ${requested}`;
  return {
    reason: 'interrupted',
    signal: stop.signal,
    message: `perfcell: interrupted by ${stop.signal} ${when}; ${kept}`,
    completedRuns: completed,
    requestedRuns: requested,
    stoppedAt: { run: cut === null ? null : completed + 1 },
    ...(cut === null ? {} : { droppedRun: cut }),
  };
}

/** How many outlying runs the warning names (the farthest from the median); the rest are counted. */
const NAMED_OUTLIERS = 5;
/** The least share of the median a run's time must lie from it to be named an outlier. */
const OUTLIER_FLOOR = 0.01;

/**
 * compare's outlier warning for `run -r`: the runs whose time lies far from the rest (a modified
 * z-score above hyperfine's threshold, experiment/outliers.ts), or null. One stretched run of ten made
 * the σ 258% of the mean with no word of why (a QA pass). It names the five farthest from the
 * median and counts the rest, so that its length does not grow with -r.
 * @example timeOutliers(runsOf(0.01, 0.01, 0.5, 0.01)) // 'statistical outliers in the time: run 3 of 4 (0.50s), against a median of 0.010s: …'
 */
export function timeOutliers(reports: readonly CommandReport[]): string | null {
  const times = reports.map((report) => report.durationS);
  if (times.length === 0) return null;
  const center = median(times);
  // Far by the spread's measure and by the time's: where the runs agree to a few µs (a sleep), a
  // run 30 µs from a 0.2 s median scored 39 against a MAD of 0.5 µs, "something else interfered"
  // said of 0.015% (a QA pass); a run is named where it is also 1% or more from the median
  const outliers = outlierIndexes(times).filter((index) => Math.abs(times[index]! - center) >= OUTLIER_FLOOR * center);
  if (outliers.length === 0) return null;
  // The farthest few, in run order: a busy machine stretches ~3% of 2000 runs of true, and naming
  // each made one line of 1.8 kB at -r 2000, growing with -r (a QA pass)
  const named = [...outliers].sort((a, b) => Math.abs(times[b]! - center) - Math.abs(times[a]! - center)).slice(0, NAMED_OUTLIERS).sort((a, b) => a - b);
  const more = outliers.length - named.length;
  const format = secondsApart(named.map((index) => times[index]!), center);
  const which = named.map((index) => `run ${index + 1} of ${times.length} (${format(times[index]!)})`).join(', ') + (more === 0 ? '' : ` and ${more} more`);
  return (
    `statistical outliers in the time: ${which}, against a median of ${format(center)}: something else likely interfered ` +
    '(re-run on a quiet machine, without other programs competing for the CPUs; a slow first run is a cold start, which compare -w 1 runs ahead)'
  );
}

/**
 * How the outlier warning writes seconds: as the reports do, or where a run it names would read
 * as its median, all to the decimals that tell each from it (at most 6): a run of 0.2035 s beside
 * a median of 0.2001 s read "run 2 of 3 (0.20s), against a median of 0.20s" (a QA pass).
 */
function secondsApart(named: readonly number[], center: number): (seconds: number) => string {
  if (!named.some((seconds) => formatSeconds(seconds) === formatSeconds(center))) return formatSeconds;
  let decimals = center < 0.1 ? 3 : center < 10 ? 2 : 1;
  while (decimals < 6 && named.some((seconds) => seconds.toFixed(decimals) === center.toFixed(decimals))) decimals++;
  return (seconds) => `${seconds.toFixed(decimals)}s`;
}

/**
 * `run -r N`'s output: the text summary on stderr (or -o FILE), or one perfcell-run-repeat
 * document with every run's report on stdout (or -o FILE); each warning once. The exit status is
 * the first failed run's, else 0. An interrupted series (`partial`) is summarised over its complete
 * runs, says so on stderr and in the document, and exits with the first failed complete run's
 * status, else the cut run's own when it failed, else 128+n.
 */
export async function writeRepeatedRuns(command: readonly string[], reports: readonly CommandReport[], flags: { readonly json: boolean; readonly output?: string; readonly html?: string }, partial: RepeatPartial | null = null, runsRerun = 0): Promise<void> {
  const metrics = summarizeRuns(reports);
  // miss ratio, IPC and MPKI of the mean counts, as single run's report has them of its counts
  const derived = deriveMetricsOverRuns(reports.map((report) => report.counters.events), reports[0]?.counters.backend);
  const dropped = partial?.droppedRun;
  const warnings = mergeRunWarnings([...reports, ...(dropped === undefined ? [] : [dropped])].map((report) => report.warnings));
  if (runsRerun > 0) warnings.push(rerunRunNote(runsRerun));
  const outliers = timeOutliers(reports);
  if (outliers !== null) warnings.push(outliers);
  for (const warning of warnings) process.stderr.write(warningText(warning, process.stderr));
  const failed = reports.find((report) => statusOf(report) !== 0);
  const cutStatus = dropped === undefined ? 0 : statusOf(dropped);
  process.exitCode = failed !== undefined ? statusOf(failed)
    : partial === null ? 0
    : cutStatus !== 0 ? cutStatus
    : 128 + ((constants.signals as Record<string, number | undefined>)[partial.signal] ?? 0);
  // the signal ended the series, not a program's own failure: perfcell dies of it, as perf stat -r does
  if (failed === undefined && partial !== null && (cutStatus === 0 || dropped?.signal === partial.signal)) endBySignal(partial.signal as NodeJS.Signals);
  const label = reports[0]?.label ?? dropped?.label ?? shellQuote(command);
  // on a terminal, stderr's text is wrapped at spaces to its width (a long label's header broke mid-word)
  const width = outputWidth(process.stderr);
  const hasStatistics = reports.length > 0 || dropped === undefined;
  // No complete run: no statistics, but what the cut run measured is still shown.
  const summary = hasStatistics
    ? renderRepeatText(
      label, reports.length, metrics, partial === null ? {} : { requested: partial.requestedRuns, signal: partial.signal },
      reports.filter((report) => statusOf(report) !== 0).map(endingText),
      unsupportedOfRuns(reports),
      derived,
    )
    : renderReportText(dropped);
  const text = `${summary}\n`;
  const onStderr = width === undefined ? text : `${hasStatistics ? fitToWidth(summary, width, 4) : renderReportText(dropped!, { width })}\n`;
  const rendered = flags.json ? `${JSON.stringify(toJsonDocument('perfcell-run-repeat', { command, runs: reports, runsRerun, metrics, derived, ...(partial === null ? {} : { partial }) }), null, 2)}\n` : text;
  if (flags.output !== undefined) {
    try {
      writeWholeFile(flags.output, rendered);
    } catch (error: unknown) {
      const reason = writeErrorCode(error);
      process.stderr.write(`error: cannot write the report to ${flags.output}: ${reason} (${writeErrorFix(reason)}); the report follows on stderr\n${text}`);
      if (process.exitCode === 0) process.exitCode = 1;
    }
  } else if (flags.json) {
    if (!(await writeStdout(rendered))) process.stderr.write(onStderr);
  } else {
    process.stderr.write(onStderr);
  }
  if (flags.html !== undefined) {
    // Each run's section says which run it is, and the page ends with the statistics the terminal shows.
    const requested = partial?.requestedRuns ?? reports.length;
    const sections = [
      ...reports.map((report, index) => ({ ...report, label: `${report.label} (run ${index + 1} of ${requested})` })),
      ...(dropped === undefined ? [] : [{ ...dropped, label: `${dropped.label} (run ${reports.length + 1} of ${requested}, cut short: not in the statistics)` }]),
    ];
    const { renderReportsHtml } = await import('../render/html.ts');
    writeHtmlFile(flags.html, renderReportsHtml(`perfcell run -r ${requested}`, sections, {
      generatedAt: reports[0]?.startedAt ?? dropped?.startedAt ?? new Date().toISOString(),
      summaryText: partial === null ? summary : `${summary}\n${partial.message}`,
    }));
  }
  if (partial !== null) process.stderr.write(messageText(partial.message, process.stderr));
}
