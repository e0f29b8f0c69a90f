import type { IntervalRow } from '../attach/interval-row.ts';
import { formatRunningPct } from './running-pct.ts';
import { sparkline } from './sparkline.ts';
import { formatCount, formatMiB, formatPct } from './units.ts';

export interface AttachTableOptions {
  readonly pid: number;
  readonly comm: string;
  readonly intervalMs: number;
  /** Terminal columns; lines are cut to fit so that redrawing in place can count lines. */
  readonly width?: number;
  /** Terminal rows; the frame shows as many recent rows as fit. */
  readonly height?: number;
  /** Bars in each sparkline. */
  readonly sparkWidth?: number;
}

interface Column {
  readonly title: string;
  readonly width: number;
  readonly cell: (row: IntervalRow) => string;
}

/**
 * One frame of the live watch: a heading, the most recent interval rows (time, RSS, CPU, each
 * event per second) and a sparkline of the recent past per column. Pure: the CLI redraws it in place.
 * @example
 * renderAttachFrame(rows, { pid: 42, comm: 'spin', intervalMs: 100, width: 100, height: 20 })
 * // pid 42 (spin), every 100 ms; Ctrl-C ends the watch with a summary
 * //     time       RSS   CPU  task-clock msec/s  page-faults/s
 * //    0.10s   1.2 MiB  100%             100.01              0
 * // …
 * // RSS         ▁▁▁▂▂▂▃▃  1.2 MiB … 1.4 MiB
 */
export function renderAttachFrame(rows: readonly IntervalRow[], options: AttachTableOptions): string {
  const width = Math.max(20, options.width ?? 100);
  const height = Math.max(6, options.height ?? 24);
  const columns = columnsFor(rows);
  const unsupported = unsupportedEvents(rows);
  const heading = [`pid ${options.pid} (${options.comm}), every ${options.intervalMs} ms; Ctrl-C ends the watch with a summary`];
  if (unsupported.length > 0) heading.push(`not supported here: ${unsupported.join(', ')} (perfcell doctor says why)`);
  const scaled = multiplexHeading(rows);
  if (scaled !== null) heading.push(scaled);
  const sparks = sparkLines(rows, options.sparkWidth ?? Math.min(40, Math.max(8, width - 44)));
  const room = Math.max(1, height - heading.length - 1 - sparks.length - 1);
  const shown = rows.slice(-room);
  const lines = [
    ...heading,
    columns.map((column) => column.title.padStart(column.width)).join('  '),
    ...shown.map((row) => columns.map((column) => column.cell(row).padStart(column.width)).join('  ')),
    ...sparks,
  ];
  return lines.map((line) => cut(line, width)).join('\n');
}

function columnsFor(rows: readonly IntervalRow[]): Column[] {
  const columns: Column[] = [
    { title: 'time', width: 8, cell: (row) => `${row.timeS.toFixed(2)}s` },
    { title: 'RSS', width: 10, cell: (row) => (row.rssBytes === null ? 'gone' : formatMiB(row.rssBytes)) },
    { title: 'CPU', width: 5, cell: (row) => (row.cpuPct === null ? '-' : formatPct(row.cpuPct)) },
  ];
  for (const { event, unit } of eventNames(rows)) {
    const title = `${event}${unit === '' ? '' : ` ${unit}`}/s`;
    columns.push({
      title,
      width: Math.max(10, title.length),
      cell: (row) => {
        const found = row.events.find((candidate) => candidate.event === event);
        if (found?.perSecond == null) return '-';
        return found.runningPct === undefined ? formatCount(found.perSecond) : `*${formatCount(found.perSecond)}`;
      },
    });
  }
  return columns;
}

/** Events that counted (or could count) in any row, in first-seen order. */
function eventNames(rows: readonly IntervalRow[]): { event: string; unit: string }[] {
  const seen = new Map<string, string>();
  for (const row of rows) {
    for (const event of row.events) {
      if (event.status !== 'not supported' && !seen.has(event.event)) seen.set(event.event, event.unit);
    }
  }
  return [...seen].map(([event, unit]) => ({ event, unit }));
}

/**
 * One line when perf counted some event only part of an interval (multiplexing) in the rows shown
 * or before: cells so scaled carry a `*`.
 */
function multiplexHeading(rows: readonly IntervalRow[]): string | null {
  let lowest: number | null = null;
  const names = new Set<string>();
  for (const row of rows) {
    for (const event of row.events) {
      if (event.runningPct === undefined) continue;
      names.add(event.event);
      if (lowest === null || event.runningPct < lowest) lowest = event.runningPct;
    }
  }
  if (lowest === null) return null;
  const group = names.size >= 2 ? [...names].slice(0, 2) : ['cache-misses', 'cache-references'];
  return `* scaled from as little as ${formatRunningPct(lowest)} of the time (${[...names].join(', ')}): perf multiplexed more events than the PMU has counters; ask for fewer, or group them: -e '{${group.join(',')}}'`;
}

function unsupportedEvents(rows: readonly IntervalRow[]): string[] {
  const names = new Set<string>();
  const counted = new Set(eventNames(rows).map((event) => event.event));
  for (const row of rows) for (const event of row.events) if (!counted.has(event.event) && event.status === 'not supported') names.add(event.event);
  return [...names];
}

function sparkLines(rows: readonly IntervalRow[], sparkWidth: number): string[] {
  if (rows.length < 2) return [];
  const recent = rows.slice(-sparkWidth);
  const series: { name: string; values: (number | null)[]; format: (value: number) => string }[] = [
    { name: 'RSS', values: recent.map((row) => row.rssBytes), format: formatMiB },
    { name: 'CPU', values: recent.map((row) => row.cpuPct), format: formatPct },
    ...eventNames(rows).map(({ event }) => ({
      name: event,
      values: recent.map((row) => row.events.find((candidate) => candidate.event === event)?.perSecond ?? null),
      format: (value: number) => `${formatCount(value)}/s`,
    })),
  ];
  const nameWidth = Math.max(...series.map((entry) => entry.name.length));
  return series.map(({ name, values, format }) => {
    const present = values.filter((value): value is number => value !== null);
    const range = present.length === 0 ? '' : `  ${format(Math.min(...present))} … ${format(Math.max(...present))}`;
    return `${name.padEnd(nameWidth)}  ${sparkline(values, sparkWidth).padEnd(sparkWidth)}${range}`;
  });
}

/** Cuts a line to the terminal width (by code point: every glyph used here is one column wide). */
function cut(line: string, width: number): string {
  const glyphs = [...line];
  return glyphs.length <= width ? line : `${glyphs.slice(0, width - 1).join('')}…`;
}
