import { cpuParts } from '../render/cpu-text.ts';
import { renderGcLine } from '../render/gc-line.ts';
import { countedEventText } from '../render/report-repl.ts';
import { derivedText, perfMetricsText, scaledRatiosText } from '../render/running-pct.ts';
import { countersRatiosScaledPct } from '../session/counters.ts';
import { peakText } from '../render/peak-text.ts';
import { sparkline } from '../render/sparkline.ts';
import { formatMiB } from '../render/units.ts';
import { formatDurationS } from '../render/metric-units.ts';
import type { CommandReport } from '../session/report.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * A cell's report as a compact HTML table for the notebook: one row for RAM (with a sparkline of
 * RSS at the window's start, its peak and its end — perfcell reads RSS at those points for
 * in-process windows), the JS heap, GC (when anything collected), time and CPU, then one row per
 * perf counter with its total, rate and a sparkline of its interval samples. Inline styles only:
 * notebooks strip <style> in some viewers.
 */
export function renderReportHtml(report: CommandReport, notes: readonly string[] = []): string {
  const { memory, cpu } = report;
  const cell = (text: string, style = ''): string => `<td style="padding:1px 8px;text-align:left;${style}">${escapeHtml(text)}</td>`;
  const spark = (text: string): string => cell(text, 'font-family:monospace;letter-spacing:-1px');
  const rows: string[] = [];
  const rssPoints = [memory.rssBeforeBytes, memory.peakRssBytes, memory.rssAfterBytes];
  rows.push(
    `<tr>${cell('RAM')}${cell(`used ${formatMiB(memory.usedBytes)}, ${peakText(memory)}, now ${formatMiB(memory.rssAfterBytes)}`)}${spark(sparkline(rssPoints))}${cell('RSS start, peak, end', 'color:#888')}</tr>`,
  );
  if (memory.heap) {
    rows.push(`<tr>${cell('JS heap')}${cell(`heap used ${signedMiB(memory.heap.heapUsedDeltaBytes)}, external ${signedMiB(memory.heap.externalDeltaBytes)}, array buffers ${signedMiB(memory.heap.arrayBuffersDeltaBytes)}`)}${cell('')}${cell('')}</tr>`);
  }
  const gc = gcText(report.gc);
  if (gc !== null) rows.push(`<tr>${cell('gc')}${cell(gc)}${cell('')}${cell('')}</tr>`);
  rows.push(`<tr>${cell('time')}${cell(`${formatDurationS(report.durationS)}; ${cpuParts(cpu)}`)}${cell('')}${cell('')}</tr>`);
  for (const event of report.counters.events) {
    // what qualifies the count (a hybrid split, `scaled from 49% of the time`) as the text/plain
    // beside it says it: a notebook shows this table, and the warning is said once a session
    const text = event.status === 'counted' ? countedEventText(event) : `<${event.status}>`;
    const samples = event.samples.map((sample) => sample.value);
    rows.push(`<tr>${cell(event.event)}${cell(text)}${spark(samples.length > 1 ? sparkline(samples, 30) : '')}${cell(samples.length > 1 ? `${samples.length} × ${report.counters.intervalMs ?? '?'} ms` : '', 'color:#888')}</tr>`);
  }
  const derived = derivedText(report.counters.derived);
  // ratios of counts perf scaled up are estimates too, marked as the text/plain beside it marks them
  const scaled = scaledRatiosText(countersRatiosScaledPct(report.counters)).trimStart();
  if (derived !== null) rows.push(`<tr>${cell('derived')}${cell(`${derived.split('  ').join('; ')}${scaled === '' ? '' : ` ${scaled}`}`)}${cell('')}${cell('')}</tr>`);
  const metrics = perfMetricsText(report.counters.metrics);
  if (metrics !== null) rows.push(`<tr>${cell('perf metrics')}${cell(metrics.replace(/^perf metrics: /, ''))}${cell('')}${cell('')}</tr>`);
  const unsupported = report.counters.unsupported.map((event) => event.event);
  if (unsupported.length > 0) rows.push(`<tr>${cell(unsupported.join(', '))}${cell('<not supported on this machine>', 'color:#888')}${cell('')}${cell('')}</tr>`);
  for (const note of notes) rows.push(`<tr><td colspan="4" style="padding:1px 8px;text-align:left;color:#888">${escapeHtml(note)}</td></tr>`);
  return (
    `<table class="perfcell-report" style="font-size:12px;border-collapse:collapse">` +
    `<caption style="text-align:left;font-weight:bold;padding:1px 8px">${escapeHtml(report.label)} · perfcell</caption>` +
    `${rows.join('')}</table>`
  );
}

/** The text report's gc line (the same figures) without its name, its double-space gaps as '; ' (HTML collapses spaces); null when nothing collected. */
function gcText(gc: CommandReport['gc']): string | null {
  const line = renderGcLine(gc);
  return line === null ? null : line.replace(/^gc {2}/, '').split('  ').join('; ');
}

function signedMiB(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${formatMiB(bytes)}`;
}
