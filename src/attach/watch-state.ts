import { createAggregator, type EventAggregate } from '../../parsers/aggregate.ts';
import { createMetricSummary, type PerfMetricReading } from '../../parsers/metric-rows.ts';
import type { PerfRecord } from '../../parsers/perf-stat-types.ts';
import { createDecimatingSeries } from '../session/decimating-series.ts';
import type { RssSample } from '../session/report.ts';
import type { IntervalRow } from './interval-row.ts';

/** The whole watch as chartable columns, thinned evenly to a fixed number of points. */
export interface AttachSeries {
  /** End of each interval, seconds since the watch began. */
  readonly timeS: readonly number[];
  readonly rssBytes: readonly (number | null)[];
  /** The target's CPU, % of one CPU. */
  readonly cpuPct: readonly (number | null)[];
  readonly events: readonly { readonly event: string; readonly unit: string; readonly perSecond: readonly (number | null)[] }[];
}

export interface WatchStateOptions {
  /** Raw interval samples kept per event for the report (the most recent). Default 600. */
  readonly maxSamples?: number;
  /** Rows kept for the live table and its sparklines (the most recent). Default 120. */
  readonly recentRows?: number;
  /** Points kept for charts over the whole watch. Default 1000. */
  readonly seriesPoints?: number;
}

/**
 * Everything a watch keeps, all of it bounded: running aggregates per event, the largest RSS and
 * VmHWM seen, a ring of recent rows, and a thinned series of the whole watch.
 */
export interface WatchState {
  addRecord(record: PerfRecord): void;
  addRow(row: IntervalRow, peakRssBytes?: number | null): void;
  /** The most recent rows, oldest first. */
  recentRows(): IntervalRow[];
  aggregates(): EventAggregate[];
  /** perf's -M metrics seen so far (mean per metric over the intervals). */
  metrics(): PerfMetricReading[];
  series(): AttachSeries;
  rssSeries(): RssSample[];
  readonly rowCount: number;
  /** Largest of all RSS readings and VmHWM readings; null before any. */
  readonly maxRssBytes: number | null;
  /** The last RSS read while the process lived. */
  readonly lastRssBytes: number | null;
}

export function createWatchState(options: WatchStateOptions = {}): WatchState {
  const aggregator = createAggregator({ maxSamples: options.maxSamples ?? 600 });
  const metricSummary = createMetricSummary();
  const recentLimit = Math.max(1, options.recentRows ?? 120);
  const recent: IntervalRow[] = [];
  let recentHead = 0;
  const sampled = createDecimatingSeries<IntervalRow>(options.seriesPoints ?? 1000);
  let rowCount = 0;
  let maxRssBytes: number | null = null;
  let lastRssBytes: number | null = null;
  const raise = (bytes: number | null | undefined): void => {
    if (bytes !== null && bytes !== undefined && (maxRssBytes === null || bytes > maxRssBytes)) maxRssBytes = bytes;
  };

  return {
    addRecord(record) {
      aggregator.add(record);
      metricSummary.add(record);
    },
    metrics: () => metricSummary.result(),
    addRow(row, peakRssBytes) {
      rowCount += 1;
      raise(row.rssBytes);
      raise(peakRssBytes);
      if (row.rssBytes !== null) lastRssBytes = row.rssBytes;
      if (recent.length < recentLimit) recent.push(row);
      else {
        recent[recentHead] = row;
        recentHead = (recentHead + 1) % recentLimit;
      }
      sampled.push(row);
    },
    recentRows: () => [...recent.slice(recentHead), ...recent.slice(0, recentHead)],
    aggregates: () => aggregator.result(),
    series: () => toSeries(sampled.points()),
    rssSeries: () =>
      sampled.points().flatMap((row) => (row.rssBytes === null ? [] : [{ timeS: row.timeS, rssBytes: row.rssBytes }])),
    get rowCount() {
      return rowCount;
    },
    get maxRssBytes() {
      return maxRssBytes;
    },
    get lastRssBytes() {
      return lastRssBytes;
    },
  };
}

/** Rows to columns; an event missing from a row (it appeared later) is null there. */
export function toSeries(rows: readonly IntervalRow[]): AttachSeries {
  const names = new Map<string, string>();
  for (const row of rows) for (const event of row.events) if (!names.has(event.event)) names.set(event.event, event.unit);
  return {
    timeS: rows.map((row) => row.timeS),
    rssBytes: rows.map((row) => row.rssBytes),
    cpuPct: rows.map((row) => row.cpuPct),
    events: [...names].map(([event, unit]) => ({
      event,
      unit,
      perSecond: rows.map((row) => row.events.find((candidate) => candidate.event === event)?.perSecond ?? null),
    })),
  };
}
