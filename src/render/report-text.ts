import type { EventAggregate } from '../../parsers/aggregate.ts';
import type { CommandReport, UnsupportedEvent } from '../session/report.ts';
import { derivedWithPmusText, perfMetricsText, perfMetricText, pmuSplitText, scaledFromText, scaledRatiosText } from './running-pct.ts';
import { countersRatiosScaledPct } from '../session/counters.ts';
import { sparkline } from './sparkline.ts';
import { formatDurationS, formatMetricValue, perfAmountText, perfRateText, shownRate } from './metric-units.ts';
import { formatCount, formatMiB, formatSignedMiB } from './units.ts';
import { renderGcLine } from './gc-line.ts';
import { cpuText, peakMethodText, settleNote } from './cpu-text.ts';
import { fitToWidth } from './report-repl.ts';
import { peakText } from './peak-text.ts';

/** The width the indent is capped at when none is given: a label up to 32 characters still aligns the counters under it. */
const UNKNOWN_WIDTH = 100;

export interface RenderOptions {
  readonly width?: number;
  /** How many raw samples to print before eliding the middle. */
  readonly maxSamples?: number;
}

/**
 * The report as people read it: one sentence for RAM, time and CPU, then a line per counter.
 * @example
 * In [3] used 763.1 MiB RAM in 0.42s (cpu 0.42s = 100% of one cpu; machine-wide mean 51%, busiest cpu 100%), peaked 0.0 MiB above final usage, current RAM usage now 832.5 MiB
 *        cache-misses  8,823/s  total 7,999  (4 samples: 6,273 382 441 1,103)  ▁▁▂▇
 */
export function renderReportText(report: CommandReport, options: RenderOptions = {}): string {
  const { width } = options;
  // A label longer than a third of the width does not push every line to the right. With no width
  // (a pipe, a file) lines stay whole, but the indent is capped as at UNKNOWN_WIDTH columns.
  const indentWidth = report.label.length + 1 <= Math.floor((width ?? UNKNOWN_WIDTH) / 3) ? report.label.length + 1 : 2;
  const indent = ' '.repeat(indentWidth);
  const lines = [headline(report)];
  const settled = settleNote(report.memory);
  if (settled !== null) lines.push(indent + settled);
  const heap = report.memory.heap;
  if (heap) {
    lines.push(
      `${indent}heap used ${formatSignedMiB(heap.heapUsedDeltaBytes)}, external ${formatSignedMiB(heap.externalDeltaBytes)}, array buffers ${formatSignedMiB(heap.arrayBuffersDeltaBytes)}`,
    );
  }
  const gcLine = renderGcLine(report.gc);
  if (gcLine !== null) lines.push(indent + gcLine);
  const events = report.counters.events;
  const nameWidth = Math.max(0, ...events.map((event) => event.event.length));
  for (const event of events) {
    const aligned = indent + eventLine(event, nameWidth, options.maxSamples ?? 8);
    // Too long for the width: the names' alignment padding goes first.
    const line = width !== undefined && aligned.length > width ? aligned.replace(/^(\s*\S+) {3,}/, '$1  ') : aligned;
    // Narrow: the sparkline goes on its own line, under the event's name. Its blocks (▁ to █) are
    // escaped: one character past ASCII made each lane's whole source a two-byte string to decode.
    const spark = / {2}([\u2581-\u2588]+)$/.exec(line);
    if (width !== undefined && line.length > width && spark !== null) lines.push(line.slice(0, spark.index), `${indent}  ${spark[1]}`);
    else lines.push(line);
  }
  const derived = derivedWithPmusText(report.counters.derived);
  // ratios of counts perf scaled up (multiplexed) are estimates too, as the counts' lines say
  const scaled = scaledRatiosText(countersRatiosScaledPct(report.counters));
  if (derived) lines.push(indent + derived + scaled);
  const perfMetrics = perfMetricsText(report.counters.metrics);
  if (perfMetrics !== null) lines.push(indent + perfMetrics);
  const unsupported = unsupportedText(report.counters.unsupported);
  if (unsupported !== null) lines.push(indent + unsupported);
  return width === undefined ? lines.join('\n') : fitToWidth(lines.join('\n'), width, indentWidth);
}

/**
 * The -e events perf could not count, named in one line with the first one's reason; null when none.
 * @example unsupportedText([{ event: 'cycles', reason: 'not supported on this machine (…)' }]) // 'cycles: not supported on this machine (…)'
 */
export function unsupportedText(unsupported: readonly UnsupportedEvent[]): string | null {
  if (unsupported.length === 0) return null;
  return `${unsupported.map((event) => event.event).join(', ')}: ${unsupported[0]?.reason ?? 'not supported'}`;
}

function headline(report: CommandReport): string {
  const { memory } = report;
  const cpu = cpuText(report.cpu);
  const time = formatDurationS(report.durationS);
  if (report.counters.backend === 'cachegrind') {
    // Under valgrind the RSS and CPU are valgrind's, and the time is valgrind's slowed-down run:
    // say what was measured rather than print '? MiB'.
    return `${report.label} ran under valgrind in ${time} (counts simulated by cachegrind; RAM and CPU not measured: they would be valgrind's), ${endingText(report)}`;
  }
  if (report.command !== undefined) {
    // A program starts from nothing and its memory is gone at exit: its peak is what it cost,
    // named with how it was obtained (the tree's, or only the largest process's).
    const largest = memory.largestProcessPeakBytes;
    const largestText = largest === undefined || largest === null || memory.peakMethod === 'rusage-maxrss' ? '' : `; largest process ${formatMiB(largest)}`;
    return `${report.label} peaked ${formatMiB(memory.peakRssBytes)} RAM (${peakMethodText(memory)}${largestText}) in ${time} ${cpu}, ${endingText(report)}`;
  }
  // a watched process that exited has no current RAM: its last reading, and when
  const final = memory.lastSeenBeforeExitS === undefined
    ? `current RAM usage now ${formatMiB(memory.rssAfterBytes)}`
    : `RAM last seen ${formatMiB(memory.rssAfterBytes)} before it exited`;
  return `${report.label} used ${formatMiB(memory.usedBytes)} RAM in ${time} ${cpu}, ${peakText(memory)}, ${final}`;
}

/** How a program ended: `exit code 3`, or `killed by SIGSEGV`. */
export function endingText(ended: { readonly signal: string | null; readonly exitCode: number | null }): string {
  if (ended.signal !== null) return `killed by ${ended.signal}`;
  return `exit code ${ended.exitCode ?? '?'}`;
}

function eventLine(event: EventAggregate, nameWidth: number, maxSamples: number): string {
  const name = event.event.padEnd(nameWidth);
  if (event.status !== 'counted') return `${name}  <${event.status}>`;
  const perSecond = shownRate(event);
  const rate = perSecond === null ? '' : `  ${perfRateText(perSecond, event.unit, formatCount)}`;
  const values = event.samples.map((sample) => sample.value);
  // nanoseconds (perf's tool events) as times, as the total is
  const sampleText = event.unit === 'ns' ? (value: number) => formatMetricValue(value, 'ns').replace(' ', '') : formatCount;
  const samplesText = values.length === 0 ? '' : `  (${formatCount(values.length)} sample${values.length === 1 ? '' : 's'}: ${shorten(values, maxSamples, sampleText)})`;
  const spark = values.length > 1 ? `  ${sparkline(values)}` : '';
  const split = pmuSplitText(event);
  const scaled = scaledFromText(event.lowestRunningPct);
  const detail = [split, scaled, perfMetricText(event)].filter((text) => text !== null).join('; ');
  return `${name}${rate}  total ${perfAmountText(event.total, event.unit, formatCount)}${detail === '' ? '' : ` (${detail})`}${samplesText}${spark}`;
}

function shorten(values: readonly (number | null)[], max: number, format: (value: number) => string = formatCount): string {
  const text = (value: number | null): string => (value === null ? '-' : format(value));
  if (values.length <= max) return values.map(text).join(' ');
  // the first the one more of an odd max; the last taken by their count (slice(-0) is every one)
  const last = Math.floor(max / 2);
  return [...values.slice(0, max - last).map(text), '…', ...values.slice(values.length - last).map(text)].join(' ');
}


