import type { EventAggregate } from '../../parsers/aggregate.ts';
import type { CommandReport } from '../session/report.ts';
import { baseEventName, countersRatiosScaledPct } from '../session/counters.ts';
import { derivedText, perfMetricsText, perfMetricText, pmuSplitText, scaledFromText, scaledRatiosText } from './running-pct.ts';
import { formatMiB, formatSignedMiB } from './units.ts';
import { formatDurationS } from './metric-units.ts';
import { perfAmountText, perfRateText, shownRate } from './metric-units.ts';
import { renderGcLine } from './gc-line.ts';
import { cpuText, settleNote } from './cpu-text.ts';
import { peakText } from './peak-text.ts';
import { foldLine } from './fold-line.ts';

export interface ReplRenderOptions {
  /** The events as asked for, so counters print in that order (cache-misses first) whatever perf supports. */
  readonly eventOrder?: readonly string[];
  /** Extra lines under the report (outcome, one-time hints), already worded. */
  readonly notes?: readonly string[];
  /** Columns to fit (the terminal's width): longer lines wrap at a word, continued under the indent. */
  readonly width?: number;
  /** One line per command, as ipython-memory-usage prints it: used, time, peak above final, current RAM. */
  readonly compact?: boolean;
}

/**
 * A REPL command's report, compact: the RAM/time/CPU sentence, the JS heap view beside RSS, and
 * all counters on one line, unsupported ones named in place.
 * @example
 * In [3] used 128.1 MiB RAM in 0.09s (cpu 0.09s = 100% of one cpu; machine-wide mean 50%, busiest cpu 100%), peaked 0.0 MiB above final usage, current RAM usage now 176.4 MiB
 *        heap used +0.0 MiB, external +128.0 MiB, array buffers +128.0 MiB
 *        cache-misses, cache-references <not supported on this machine>   page-faults 32,817 (364,633/s)
 * With hardware counters the line ends with the derived metrics, and an event perf multiplexed says so:
 *        cache-misses 500,000 (1,000,000/s, scaled from 50% of the time)   cache-references 2,000,000 (4,000,000/s, scaled from 50% of the time)   miss ratio 25.0%  (of counts scaled from 50% of the time)
 */
export function renderReplReport(report: CommandReport, options: ReplRenderOptions = {}): string {
  const { memory } = report;
  if (options.compact === true) {
    return `${report.label} used ${formatMiB(memory.usedBytes)} RAM in ${formatDurationS(report.durationS)}, ${peakText(memory)}, current RAM usage now ${formatMiB(memory.rssAfterBytes)}`;
  }
  const full = renderFullReport(report, options);
  return options.width === undefined ? full : fitToWidth(full, options.width, report.label.length + 1);
}

function renderFullReport(report: CommandReport, options: ReplRenderOptions): string {
  const indent = ' '.repeat(report.label.length + 1);
  const { memory, cpu } = report;
  const lines = [
    `${report.label} used ${formatMiB(memory.usedBytes)} RAM in ${formatDurationS(report.durationS)} ${cpuText(cpu)}, ` +
      `${peakText(memory)}, current RAM usage now ${formatMiB(memory.rssAfterBytes)}`,
  ];
  const settled = settleNote(memory);
  if (settled !== null) lines.push(indent + settled);
  if (memory.heap) {
    const heap = memory.heap;
    lines.push(`${indent}heap used ${formatSignedMiB(heap.heapUsedDeltaBytes)}, external ${formatSignedMiB(heap.externalDeltaBytes)}, array buffers ${formatSignedMiB(heap.arrayBuffersDeltaBytes)}`);
  }
  const gcLine = renderGcLine(report.gc);
  if (gcLine !== null) lines.push(indent + gcLine);
  const counters = counterLine(report, options.eventOrder ?? []);
  if (counters !== '') lines.push(indent + counters);
  for (const note of options.notes ?? []) lines.push(indent + note);
  return lines.join('\n');
}

type Item = { readonly name: string; readonly supported: true; readonly text: string } | { readonly name: string; readonly supported: false };

function counterLine(report: CommandReport, order: readonly string[]): string {
  const items: Item[] = [
    ...report.counters.events.map((event): Item => ({ name: event.event, supported: true, text: eventText(event) })),
    ...report.counters.unsupported.map((event): Item => ({ name: event.event, supported: false })),
  ];
  const rank = (name: string): number => {
    const index = order.indexOf(baseEventName(name));
    return index === -1 ? order.length : index;
  };
  items.sort((a, b) => rank(a.name) - rank(b.name));
  const parts: string[] = [];
  let unsupportedRun: string[] = [];
  const flush = (): void => {
    if (unsupportedRun.length > 0) parts.push(`${unsupportedRun.join(', ')} <not supported on this machine>`);
    unsupportedRun = [];
  };
  for (const item of items) {
    if (item.supported) {
      flush();
      parts.push(item.text);
    } else unsupportedRun.push(item.name);
  }
  flush();
  const derived = derivedText(report.counters.derived);
  // ratios of counts perf scaled up (multiplexed) are estimates too: marked as run's ratio line marks them
  if (derived !== null) parts.push(`${derived}${scaledRatiosText(countersRatiosScaledPct(report.counters))}`);
  const metrics = perfMetricsText(report.counters.metrics);
  if (metrics !== null) parts.push(metrics);
  return parts.join('   ');
}

function eventText(event: EventAggregate): string {
  if (event.status !== 'counted') return `${event.event} <${event.status}>`;
  return `${event.event} ${countedEventText(event)}`;
}

/**
 * A counted event's total and what qualifies it: `399,665 (1,000,330/s, cpu_core 76%, cpu_atom 24%,
 * scaled from 49% of the time)`; the REPL's counters line and the notebook's HTML table both say it so.
 */
export function countedEventText(event: EventAggregate): string {
  const perSecond = shownRate(event);
  const details = [
    perSecond === null ? null : perfRateText(perSecond, event.unit, formatCountPlain),
    pmuSplitText(event),
    scaledFromText(event.lowestRunningPct),
    perfMetricText(event),
  ].filter((text) => text !== null);
  return `${perfAmountText(event.total, event.unit, formatCountPlain)}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
}

/**
 * 8,823; 1.8 for small fractions: units.formatCount's output without Intl.NumberFormat, whose
 * ICU data would add about 7 MiB to the RSS the REPL reports about itself.
 */
export function formatCountPlain(value: number | null): string {
  if (value === null) return '?';
  if (Math.abs(value) < 100 && !Number.isInteger(value)) return String(Number(value.toFixed(2)));
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  return String(rounded).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}


/**
 * Each line of `text` wrapped to `width` columns at a space (never inside a word; a single word
 * longer than a line is cut at the width, as `fold` cuts it), its continuations indented by
 * `indent` (at most half the width).
 * The counters' three-space gaps are preferred break points: an event and its figures stay together.
 * A figure and its unit stay together too.
 * @example fitToWidth('In [1] used 1.0 MiB RAM in 0.01s', 20, 7) // 'In [1] used 1.0 MiB\n       RAM in 0.01s'
 */
export function fitToWidth(text: string, width: number, indent: number): string {
  const pad = ' '.repeat(Math.min(indent, Math.floor(width / 2)));
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.length <= width) return [line];
      const out: string[] = [];
      let current = /^ */.exec(line)![0];
      const hasText = (): boolean => current.trim() !== '';
      const newLine = (): void => {
        out.push(current.trimEnd());
        current = pad;
      };
      // Groups are separated by three or more spaces; each keeps the spaces before it.
      for (const group of line.slice(current.length).match(/(?:^| {3,})\S(?:.*?\S)?(?= {3,}|$)/g) ?? []) {
        if (current.length + group.length <= width) {
          current += hasText() ? group : group.trimStart();
          continue;
        }
        if (hasText() && pad.length + group.trimStart().length <= width) {
          newLine();
          current += group.trimStart();
          continue;
        }
        // A group longer than a line: word by word, each word with the spaces before it; a
        // figure and its unit are one word ("12.8 MiB", never "12.8" at a line's end).
        for (const word of group.match(/\s*(?:[\d.,]+ (?:[KMGT]iB|B|[m\u00b5n]?s|msec)(?![A-Za-z])\S*|\S+)/g) ?? []) {
          if (hasText() && current.length + word.length > width) newLine();
          // a word longer than a whole line: cut at the width, each piece under the indent
          const pieces = foldLine(current + (hasText() ? word : word.trimStart()), width, pad);
          out.push(...pieces.slice(0, -1).map((piece) => piece.trimEnd()));
          current = pieces.at(-1)!;
        }
      }
      out.push(current.trimEnd());
      return out;
    })
    .join('\n');
}
