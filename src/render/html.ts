import type { CommandReport } from '../session/report.ts';
import { readChartAssets, type ChartAssets } from './chart-assets.ts';
import { summarizeRuns } from '../experiment/statistics.ts';
import { attachCharts, commandCharts, compareCharts } from './html-charts.ts';
import type { ChartSpec, HtmlCompareInput, HtmlReportData, HtmlSection } from './html-data.ts';
import { CHART_SCRIPT, ERROR_SCRIPT } from './html-page-script.ts';
import { renderReportText } from './report-text.ts';
import { formatMetricValue, isMetricUnit } from './metric-units.ts';
import { shellQuote } from './shell-quote.ts';
import { formatCount } from './units.ts';

/** Text for HTML content and attribute values: the five characters that matter escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON that is safe inside <script>: no `<`, `>`, `&` or line separators that could end or break it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Library code inlined into <script>: a `</script` inside a string literal would end the element early. */
function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

interface RenderedSection {
  readonly html: string;
  readonly charts: readonly ChartSpec[];
}

type SectionRenderer<K extends HtmlSection['kind']> = (section: Extract<HtmlSection, { kind: K }>, firstChart: number) => RenderedSection;

const SECTION_RENDERERS: { [K in HtmlSection['kind']]: SectionRenderer<K> } = {
  command: (section, firstChart) => reportSection(section.report, commandCharts(section.report), firstChart, 'command'),
  attach: (section, firstChart) => reportSection(section.report, attachCharts(section.series, section.report.counters.events), firstChart, 'attach'),
  compare: (section, firstChart) => compareSection(section.compare, firstChart),
};

/**
 * One self-contained HTML page (uPlot's JS and CSS inlined, no network needed) with each
 * section's text report and charts. Pure: the assets are a parameter, read from node_modules by
 * default. Everything from a command line, a file or perf is escaped.
 * @example writeFileSync('report.html', renderHtmlReport({ title: 'perfcell run', sections: [{ kind: 'command', report }] }))
 */
export function renderHtmlReport(data: HtmlReportData, assets: ChartAssets = readChartAssets()): string {
  const charts: ChartSpec[] = [];
  const bodies: string[] = [];
  for (const section of data.sections) {
    const render = SECTION_RENDERERS[section.kind] as SectionRenderer<typeof section.kind>;
    const rendered = render(section as never, charts.length);
    charts.push(...rendered.charts);
    bodies.push(rendered.html);
  }
  const generated = data.generatedAt === undefined ? '' : `<p class="meta">generated ${escapeHtml(data.generatedAt)} by perfcell</p>\n`;
  const notes = (data.notes ?? []).map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  const overview = notes === '' ? '' : `<ul class="warnings page-notes">${notes}</ul>\n`;
  // after the sections, as on the terminal: at the top it pushed the first charts out of view
  const summary = data.summaryText === undefined ? '' : `\n<pre class="text summary">${escapeHtml(data.summaryText)}</pre>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<script>${ERROR_SCRIPT}</script>
<style>${inlineStyle(assets.css)}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
${generated}${overview}${bodies.join('\n')}${summary}
<script type="application/json" id="perfcell-charts">${scriptJson(charts)}</script>
<script>${inlineScript(assets.js)}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The page for a compare: one spread chart per metric (every run as a dot, mean as a bar, ±σ
 * as a box, min–max as a whisker), a table of the numbers, the verdicts, then any run reports.
 * @example writeFileSync(file, renderCompareHtml({ title: 'rowcol: sum rows vs sum columns', metrics: [{ metric: 'time', unit: 's', alternatives: [{ name: 'rows', values: [0.1, 0.11] }, { name: 'cols', values: [0.3, 0.31] }], verdict: 'cols is 2.9× ± 0.1 slower; p < 0.001' }] }))
 */
export function renderCompareHtml(compare: HtmlCompareInput, options: { generatedAt?: string } = {}, assets?: ChartAssets): string {
  const sections: HtmlSection[] = [
    { kind: 'compare', compare },
    ...(compare.reports ?? []).map((report) => ({ kind: 'command' as const, report })),
  ];
  return renderHtmlReport({ title: compare.title, sections, ...options }, assets);
}

/** The page for a list of command reports (run, cells): each report's text and its charts. */
export function renderReportsHtml(
  title: string,
  reports: readonly CommandReport[],
  options: { readonly generatedAt?: string; readonly notes?: readonly string[]; readonly summaryText?: string } = {},
  assets?: ChartAssets,
): string {
  return renderHtmlReport({ title, sections: reports.map((report) => ({ kind: 'command', report })), ...options }, assets);
}

/** Why a report has no chart: cachegrind counts once, at the end (its runs read 'too short for a perf interval', however long they ran). */
const NO_SERIES_TEXT = {
  perf: 'no time series to chart (too short for a perf interval, or no counters)',
  cachegrind: 'no time series to chart (cachegrind counts once, as the program ends; RAM is not measured under valgrind)',
} as const;

function chartSlots(charts: readonly ChartSpec[], firstChart: number, backend: 'perf' | 'cachegrind' = 'perf'): string {
  if (charts.length === 0) return `<p class="empty">${NO_SERIES_TEXT[backend]}</p>`;
  const slots = charts.map((chart, index) => {
    const slot = `<div class="chart" id="chart-${firstChart + index}"></div>`;
    const drawn = drawnText(chart);
    return drawn === null ? slot : `<div class="chart-cell">${slot}<p class="legend drawn">${escapeHtml(drawn)}</p></div>`;
  });
  return `<div class="charts">${slots.join('')}</div>`;
}

/**
 * What a thinned chart draws, under it: '6,000 samples, drawn as 1,999: …'; null for a chart
 * that draws every sample. The extremes it keeps are what a reader looks for (a burst of misses).
 */
function drawnText(chart: ChartSpec): string | null {
  if (chart.type !== 'line' || chart.sampleCount === undefined) return null;
  return `${formatCount(chart.sampleCount)} samples, drawn as ${formatCount(chart.x.length)}: the lowest and highest of each stretch, so every peak shows (--json has every sample)`;
}

function reportSection(report: CommandReport, charts: readonly ChartSpec[], firstChart: number, kind: string): RenderedSection {
  const warnings = report.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('');
  const argv = report.command === undefined ? undefined : shellQuote(report.command);
  // a label that starts with the command (`true (run 2 of 5)`) already shows it
  const command = argv === undefined || report.label.startsWith(argv) ? '' : `<p class="command">command: <code>${escapeHtml(argv)}</code></p>`;
  const html = `<section class="report" data-kind="${kind}">
<h2>${escapeHtml(report.label)}</h2>
${command}<pre class="text">${escapeHtml(renderReportText(report))}</pre>
${warnings === '' ? '' : `<ul class="warnings">${warnings}</ul>\n`}${chartSlots(charts, firstChart, report.counters.backend === 'cachegrind' ? 'cachegrind' : 'perf')}
</section>`;
  return { html, charts };
}

function compareSection(compare: HtmlCompareInput, firstChart: number): RenderedSection {
  const charts = compareCharts(compare);
  const notes = (compare.notes ?? []).map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  const rows = compare.metrics.flatMap((metric) =>
    metric.alternatives.map((alternative) => {
      const summary = summarizeRuns(alternative.values);
      // as the text's --verbose table: each value in its own unit, σ in its mean's, all in -u's where given
      const show = (value: number | null, scaleOf = value): string => formatValue(value, metric.unit, metric.scaleOf ?? scaleOf);
      return `<tr><td>${escapeHtml(metric.metric)}</td><td>${escapeHtml(alternative.name)}</td><td>${alternative.values.length}</td><td>${show(summary.mean)}</td><td>${summary.stdDev === null ? NO_VALUE : `± ${show(summary.stdDev, summary.mean)}`}</td><td>${show(summary.min)}</td><td>${show(summary.max)}</td></tr>`;
    }),
  );
  // a metric's one verdict on its line; several, each an item of a list under the metric
  const verdicts = compare.metrics
    .map((metric) => {
      const said = metric.verdicts ?? (metric.verdict === undefined ? [] : [metric.verdict]);
      const name = `<b>${escapeHtml(metric.metric)}</b>`;
      if (said.length <= 1) return said.map((verdict) => `<li>${name}: ${escapeHtml(verdict)}</li>`).join('');
      return `<li>${name}<ul>${said.map((verdict) => `<li>${escapeHtml(verdict)}</li>`).join('')}</ul></li>`;
    })
    .join('');
  const html = `<section class="compare" data-kind="compare">
<h2>comparison</h2>
${notes === '' ? '' : `<ul class="warnings">${notes}</ul>\n`}${verdicts === '' ? '' : `<ul class="verdicts">${verdicts}</ul>\n`}<table>
<thead><tr><th>metric</th><th>alternative</th><th>runs</th><th>mean</th><th>σ</th><th>min</th><th>max</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table>
<p class="legend">dots: single runs; bar: mean; box: ± σ; whisker: min to max</p>
${chartSlots(charts, firstChart)}
</section>`;
  return { html, charts };
}

/**
 * A figure the runs do not give (no run of the metric; a σ of one run), as --verbose marks it: the
 * page had '?', which reads as unknown, and an empty σ.
 */
const NO_VALUE = '-';

/**
 * A value of the compare table as the text report prints it: a MetricUnit's scaled for people
 * (formatMetricValue: 2.43 ms, 42.7 µs, 9.20 MiB, 2,114) in the unit `scaleOf`'s size picks; any
 * other unit's to three significant digits (whole from 100), then the unit. Decimals fixed in the
 * raw unit had shown a σ of 42 µs as "± 0 s".
 */
function formatValue(value: number | null, unit: string, scaleOf: number | null): string {
  if (value === null) return NO_VALUE;
  if (isMetricUnit(unit)) return escapeHtml(formatMetricValue(value, unit, scaleOf));
  const text = value.toLocaleString('en-US', Math.abs(value) >= 100 ? { maximumFractionDigits: 0 } : { maximumSignificantDigits: 3 });
  if (unit === '') return escapeHtml(text);
  return escapeHtml(unit.startsWith('/') ? `${text}${unit}` : `${text} ${unit}`);
}

function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 4px; overflow-wrap: anywhere; }
.meta, .legend, .empty { color: #666; font-size: 12px; }
pre.text { background: #f6f7f9; border: 1px solid #e3e5e8; padding: 10px 12px; overflow-x: auto; font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; }
code { font: 12.5px ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.warnings { color: #8a5a00; font-size: 13px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px 20px; }
.chart { min-height: 240px; }
.drawn { margin: 2px 0 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e5e8; padding: 3px 10px; text-align: right; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
/* A name of one long word (a path, a --shell script) wraps inside its cell, its title and its
   verdicts: it had pushed the numbers past the window. Numbers keep a line each. */
li { overflow-wrap: anywhere; }
td:nth-child(2) { overflow-wrap: anywhere; min-width: 12em; }
td:nth-child(n+3) { white-space: nowrap; }
`;
