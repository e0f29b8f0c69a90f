import { summarizeRuns } from '../experiment/statistics.ts';
import type { AttachSeries } from '../attach/watch-state.ts';
import type { CommandReport } from '../session/report.ts';
import type { ChartSpec, HtmlCompareInput, LineChartSpec, SpreadChartSpec } from './html-data.ts';
import { scaledFromText } from './running-pct.ts';

const MIB = 1024 * 1024;

/** RSS over time, then each counted event's count per perf interval, for one command's report. */
export function commandCharts(report: CommandReport): LineChartSpec[] {
  const charts: LineChartSpec[] = [];
  const rss = report.rssSeries ?? [];
  if (rss.length > 0) {
    charts.push({
      type: 'line',
      title: 'RSS',
      xLabel: 's',
      yLabel: 'MiB',
      x: rss.map((sample) => sample.timeS),
      series: [{ label: 'RSS', values: rss.map((sample) => sample.rssBytes / MIB) }],
    });
  }
  const interval = report.counters.intervalMs === null ? 'interval' : `${report.counters.intervalMs} ms interval`;
  for (const event of report.counters.events) {
    if (event.status !== 'counted' || event.samples.length === 0) continue;
    const unit = event.unit === '' ? '' : ` (${event.unit})`;
    charts.push({
      type: 'line',
      // a multiplexed count is perf's extrapolation: the chart says so as the text report does
      title: `${event.event} per ${interval}${unit}${scaledSuffix(event.lowestRunningPct)}`,
      // timed from where counting started, as the RSS chart is from the command's start (counters.ts)
      xLabel: 's',
      yLabel: event.unit === '' ? 'count' : event.unit,
      x: event.samples.map((sample) => sample.timeS),
      series: [{ label: event.event, values: event.samples.map((sample) => sample.value) }],
    });
  }
  return charts;
}

/**
 * RSS, CPU % and each event per second over a whole watch. `counted`: the summary's events, whose
 * lowest running % marks a multiplexed event's chart title as run's charts do.
 */
export function attachCharts(series: AttachSeries, counted: readonly { readonly event: string; readonly lowestRunningPct: number | null }[] = []): LineChartSpec[] {
  const line = (title: string, yLabel: string, values: readonly (number | null)[]): LineChartSpec => ({
    type: 'line',
    title,
    xLabel: 's since attach',
    yLabel,
    x: series.timeS,
    series: [{ label: title, values }],
  });
  const charts = [
    line('RSS', 'MiB', series.rssBytes.map((bytes) => (bytes === null ? null : bytes / MIB))),
    line('CPU', '% of one CPU', series.cpuPct),
  ];
  for (const event of series.events) {
    if (event.perSecond.every((value) => value === null)) continue;
    const scaled = scaledSuffix(counted.find((summary) => summary.event === event.event)?.lowestRunningPct ?? null);
    charts.push(line(`${event.event} per second${scaled}`, event.unit === '' ? 'per s' : `${event.unit}/s`, event.perSecond));
  }
  return series.timeS.length === 0 ? [] : charts;
}

/**
 * How a compare metric's unit is shown: bytes as MiB; the experiment's `count` and `ratio` bare,
 * `per-s` as `/s`; any other unit as given.
 * @example displayUnit('bytes') // { unit: 'MiB', scale: 1 / 1048576 }
 */
export function displayUnit(unit: string): { unit: string; scale: number } {
  if (unit === 'bytes') return { unit: 'MiB', scale: 1 / MIB };
  if (unit === 'count' || unit === 'ratio') return { unit: '', scale: 1 };
  if (unit === 'per-s') return { unit: '/s', scale: 1 };
  return { unit, scale: 1 };
}

/** One spread chart per compare metric: each alternative's runs, mean, ±σ and min–max, in display units. */
export function compareCharts(compare: HtmlCompareInput): SpreadChartSpec[] {
  return compare.metrics.map((metric) => {
    const shown = displayUnit(metric.unit);
    const runs = metric.alternatives.map((alternative) => alternative.values.map((value) => value * shown.scale));
    return {
      type: 'spread',
      title: metric.metric,
      yLabel: shown.unit,
      names: metric.alternatives.map((alternative) => alternative.name),
      runs,
      spread: runs.map((values) => {
        const summary = summarizeRuns(values);
        return { mean: summary.mean, stdDev: summary.stdDev, min: summary.min, max: summary.max };
      }),
    };
  });
}

export type { ChartSpec };

/** `, scaled from 50% of the time` for a multiplexed event's chart title; '' otherwise. */
function scaledSuffix(lowestRunningPct: number | null): string {
  const text = scaledFromText(lowestRunningPct);
  return text === null ? '' : `, ${text}`;
}
