import type { AttachSeries } from '../attach/watch-state.ts';
import type { CommandReport } from '../session/report.ts';

/** One measured alternative of a compare metric: its name and the value of each run. */
export interface HtmlCompareAlternative {
  readonly name: string;
  /** One value per run, in the metric's unit. */
  readonly values: readonly number[];
}

/** One metric of a compare (time, peak RSS, cache-misses, …) over all alternatives. */
export interface HtmlCompareMetric {
  /** Shown as the chart title: `time`, `peak RSS`, `cache-misses`. */
  readonly metric: string;
  /**
   * The values' unit: the experiment's MetricUnit (`s`, `ms`, `bytes`, `count`, `per-s`, …), each
   * value shown as the text report shows it (12.1 ms, 42.7 µs, 9.20 MiB, 2,114) and charted in the
   * unit of the smallest mean; or any other unit text, shown as given; `''` for a bare number.
   */
  readonly unit: string;
  /**
   * A size in `unit` that picks the unit of every value instead (compare -u, hyperfine's
   * --time-unit: 0.001 for ms of a time in s), as `scaleOf` does for formatMetricValue.
   */
  readonly scaleOf?: number;
  readonly alternatives: readonly HtmlCompareAlternative[];
  /** The one verdict, e.g. "col is 3.1× ± 0.2 slower; p < 0.001". */
  readonly verdict?: string;
  /**
   * The metric's verdicts (several alternatives, a scan's values), each an item of its own on the
   * page, in place of `verdict`: a verdict has a "; " of its own, so verdicts joined by one read as
   * one sentence.
   */
  readonly verdicts?: readonly string[];
}

/** What `compare` hands the HTML renderer: the minimum it needs, plain data. */
export interface HtmlCompareInput {
  readonly title: string;
  readonly metrics: readonly HtmlCompareMetric[];
  /** Notes printed under the title (warnings, the backend used). */
  readonly notes?: readonly string[];
  /** Reports of single runs to show under the comparison (optional; each gets its own charts). */
  readonly reports?: readonly CommandReport[];
}

/** One part of the page. A new kind does not compile until html.ts can render it. */
export type HtmlSection =
  | { readonly kind: 'command'; readonly report: CommandReport }
  | { readonly kind: 'attach'; readonly report: CommandReport; readonly series: AttachSeries }
  | { readonly kind: 'compare'; readonly compare: HtmlCompareInput };

export interface HtmlReportData {
  /** Page title and heading (escaped). */
  readonly title: string;
  /** ISO time shown under the heading; omitted when absent (keeps output reproducible in tests). */
  readonly generatedAt?: string;
  /** Lines said about the whole page before its sections (a failed cell, an interruption), escaped. */
  readonly notes?: readonly string[];
  /** A plain-text table after the sections (cells' summary), escaped, in a <pre>. */
  readonly summaryText?: string;
  readonly sections: readonly HtmlSection[];
}

/** A chart as the page script draws it; all numbers already in display units. */
export type ChartSpec = LineChartSpec | SpreadChartSpec;

export interface LineChartSpec {
  readonly type: 'line';
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: readonly number[];
  readonly series: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
  /**
   * How many samples the line stands for where fewer are drawn (thinLine: each stretch's lowest
   * and highest); absent where every sample is drawn.
   */
  readonly sampleCount?: number;
}

/** Runs of each alternative as dots, the mean as a bar, ±σ as a box and min–max as a whisker. */
export interface SpreadChartSpec {
  readonly type: 'spread';
  readonly title: string;
  readonly yLabel: string;
  readonly names: readonly string[];
  /** runs[alternative][run] */
  readonly runs: readonly (readonly number[])[];
  readonly spread: readonly {
    readonly mean: number | null;
    readonly stdDev: number | null;
    readonly min: number | null;
    readonly max: number | null;
  }[];
}
