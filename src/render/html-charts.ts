import { summarizeRuns } from '../experiment/statistics.ts';
import type { AttachSeries } from '../attach/watch-state.ts';
import type { CommandReport } from '../session/report.ts';
import type { ChartSpec, HtmlCompareInput, HtmlCompareMetric, LineChartSpec, SpreadChartSpec } from './html-data.ts';
import { displayScale, isMetricUnit, type DisplayScale } from './metric-units.ts';
import { scaledFromText } from './running-pct.ts';
import { thinLine } from './thin-line.ts';

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
    // the page draws at most MAX_DRAWN_POINTS of them; the text report and --json keep every sample
    const drawn = thinLine(event.samples.map((sample) => sample.timeS), event.samples.map((sample) => sample.value));
    charts.push({
      type: 'line',
      // a multiplexed count is perf's extrapolation: the chart says so as the text report does
      title: `${event.event} per ${interval}${unit}${scaledSuffix(event.lowestRunningPct)}`,
      // timed from where counting started, as the RSS chart is from the command's start (counters.ts)
      xLabel: 's',
      yLabel: event.unit === '' ? 'count' : event.unit,
      x: drawn.x,
      series: [{ label: event.event, values: drawn.values }],
      ...(drawn.x.length < event.samples.length ? { sampleCount: event.samples.length } : {}),
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
 * The unit a compare metric is charted in and what its values are divided by: a MetricUnit's as
 * the markdown tables pick it (displayScale), from its smallest mean or from `scaleOf` (-u), so a
 * time of 2.4 ms is charted in ms, not as 0.0024 s on an axis that prints three decimals; any
 * other unit as given.
 * @example compareChartScale({ metric: 'time', unit: 's', alternatives: [{ name: 'a', values: [0.0024] }] }) // { label: 'ms', divisor: 0.001 }
 */
export function compareChartScale(metric: HtmlCompareMetric): DisplayScale {
  if (!isMetricUnit(metric.unit)) return { label: metric.unit, divisor: 1 };
  const means = metric.alternatives.map((alternative) => summarizeRuns(alternative.values).mean).filter((mean): mean is number => mean !== null && mean !== 0);
  return displayScale(metric.unit, metric.scaleOf ?? (means.length === 0 ? 0 : Math.min(...means.map(Math.abs))));
}

/** One spread chart per compare metric: each alternative's runs, mean, ±σ and min–max, in display units. */
export function compareCharts(compare: HtmlCompareInput): SpreadChartSpec[] {
  return compare.metrics.map((metric) => {
    const shown = compareChartScale(metric);
    const runs = metric.alternatives.map((alternative) => alternative.values.map((value) => value / shown.divisor));
    return {
      type: 'spread',
      title: metric.metric,
      yLabel: shown.label,
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
