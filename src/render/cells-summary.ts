import type { CellRun } from '../experiment/run-cells.ts';
import { ranNothing, type CellFailure } from '../experiment/cell-evaluator.ts';
import { fitTable, keptColumns, wrapLines } from './compare-fit.ts';
import { scaledFromText } from './running-pct.ts';
import { formatCount, formatMiB } from './units.ts';
import { formatMetricValue } from './metric-units.ts';

/** How many counted events get a column; the first ones, which perf was asked for first (cache misses). */
const MAIN_COUNTERS = 3;

export interface CellsSummaryOptions {
  /** Columns to fit (a terminal's, $COLUMNS); none (a pipe, a file): every column, a row a line. */
  readonly width?: number;
}

/**
 * The table after a cell file: a row per cell run with its time, RAM used, peak above final
 * RAM and main counters' totals, and whether it failed (a cell that did not compile: no figures).
 * Narrower than `width`, it drops whole columns, as compare's tables do, in the reverse of the
 * order README asks its questions (RAM, peak, time, counters): the start line, the counters from
 * the last, then the peak; cell, time, RAM used and status stay. A row is never wrapped mid-way
 * (a terminal had wrapped 79-column rows at 40, splitting words); names too long for even that go
 * on their own line, their figures under them.
 * @example
 * cell         line    time  RAM used  peak above final  page-faults
 * setup          9  52.1 ms   8.1 MiB           0.0 MiB        2,077
 * sum rows      17  12.0 ms   0.0 MiB           0.0 MiB            0
 */
export function renderCellsSummary(runs: readonly CellRun[], { width }: CellsSummaryOptions = {}): string {
  const counters: string[] = [];
  /** Each counter's column heading: its name, and its unit where perf printed one (`task-clock (msec)`). */
  const headings = new Map<string, string>();
  for (const run of runs) {
    for (const event of run.report.counters.events) {
      if (event.status === 'counted' && !counters.includes(event.event) && counters.length < MAIN_COUNTERS) counters.push(event.event);
      if (counters.includes(event.event) && !headings.has(event.event) && event.unit !== '') headings.set(event.event, `${event.event} (${event.unit})`);
    }
  }
  const hasFailure = runs.some((run) => run.failure !== null);
  const header = ['cell', 'line', 'time', 'RAM used', 'peak above final', ...counters.map((name) => headings.get(name) ?? name), ...(hasFailure ? ['status'] : [])];
  const rows = runs.map((run) => {
    const { report } = run;
    const totals = counters.map((name) => {
      const event = report.counters.events.find((candidate) => candidate.event === name);
      // a multiplexed count is perf's extrapolation: marked, and the footnote says from how much
      const scaled = event?.lowestRunningPct != null && event.lowestRunningPct < 100;
      return `${scaled ? '*' : ''}${formatCount(event?.total ?? null)}`;
    });
    const status = run.failure === null ? 'ok' : failureStatus(run.failure);
    if (ranNothing(run.failure)) return [run.title, String(run.startLine), '—', '—', '—', ...totals.map(() => '—'), status];
    return [
      run.title,
      String(run.startLine),
      formatMetricValue(report.durationS, 's'),
      formatMiB(report.memory.usedBytes),
      formatMiB(report.memory.peakAboveFinalBytes),
      ...totals,
      ...(hasFailure ? [status] : []),
    ];
  });
  const align = header.map((_, index) => (index === 0 || (hasFailure && index === header.length - 1) ? 'left' : 'right') as 'left' | 'right');
  const counterColumns = counters.map((_, index) => 5 + index);
  const droppable = [1, ...counterColumns.toReversed(), 4];
  const table = [header, ...rows];
  const lines = fitTable(table, width, droppable, align);
  // the footnote goes with a counter column on screen (a narrow table may show none)
  const shown = width === undefined ? counters : counters.filter((_, index) => keptColumns(table, width, droppable, align).includes(5 + index));
  const lowest = Math.min(
    ...runs.flatMap((run) => run.report.counters.events.filter((event) => shown.includes(event.event)).map((event) => event.lowestRunningPct ?? 100)),
  );
  if (lowest >= 100) return lines.join('\n');
  const footnote = `* ${scaledFromText(lowest) ?? ''} (perf multiplexed: ask for fewer events, or group them, e.g. -e '{cache-misses,cache-references}')`;
  return [...lines, ...wrapLines([footnote], width)].join('\n');
}

/** A failed cell's status: where it failed, or how it was stopped where no line says it. */
function failureStatus(failure: CellFailure): string {
  if (failure.reason === 'timeout') return 'timed out';
  if (failure.reason === 'interrupted') return 'interrupted';
  if (ranNothing(failure)) return failure.line === null ? 'syntax error' : `syntax error at line ${failure.line}`;
  if (failure.exitCode !== undefined) return `process.exit(${failure.exitCode})${failure.line === null ? '' : ` at line ${failure.line}`}`;
  return failure.line === null ? 'failed' : `failed at line ${failure.line}`;
}
