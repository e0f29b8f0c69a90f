/** perfcell's library API: the same engine the CLI uses. */
// each entry that takes options refuses a name it does not take, and runProgram, prepareWindow, the
// text renderers, the parsers and the aggregators check their values: a JavaScript caller's arguments
// may be anything (library-entries.ts)
export {
  measure, runProgram, prepareWindow, timeit, compareInProcess, attachToProcess, startRepl, createEvaluator, createCellEvaluator,
  renderReportText, renderReplReport, renderCompareHtml, renderReportsHtml, createPerfStatParser, parsePerfStat, createAggregator, aggregateRecords,
} from './library-entries.ts';
export type { MeasuredReport } from './session/measure.ts';
/** perfcell's version (package.json), as `perfcell --version` prints it and every JSON document's `perfcell` field holds. */
export { version } from './version.ts';
export { toJsonDocument, JSON_FORMATS, type JsonFormat, type JsonDocumentHeader } from './json-document.ts';
export { summarizeRuns, type RepeatPmuStat, type RepeatStat } from './session/run-repeat.ts';
export type { TimeitOptions, TimeitResult, PerCallCounter } from './session/timeit.ts';
export type { InProcessCompareOptions, InProcessCompareResult, InProcessAlternative } from './session/compare-inprocess.ts';
export type { GcReport, GcKind } from './session/gc.ts';
export { renderTimeit } from './render/timeit-text.ts';
export { renderInProcessCompare } from './render/compare-inprocess-text.ts';
export type { MeasurementWindow } from './session/window.ts';
export { DEFAULT_EVENTS, DEFAULT_INTERVAL_MS, type MeasureOptions } from './session/options.ts';
export type {
  CommandReport,
  CountersReport,
  CpuReport,
  DerivedMetrics,
  HeapReport,
  MemoryReport,
  PeakMethod,
  RssSample,
  UnsupportedEvent,
} from './session/report.ts';
export type { RenderOptions } from './render/report-text.ts';
export type { ReplRenderOptions } from './render/report-repl.ts';
export type { StartReplOptions, StartedRepl, ReplScopeApi } from './repl/start-repl.ts';
export type { Evaluator, EvaluatorOptions } from './repl/evaluator.ts';
export type { ReplMeasurement } from './repl/measured-eval.ts';
export type { TypeScriptMode } from './repl/typescript.ts';
export { renderHtmlReport } from './render/html.ts';
export type { HtmlReportData, HtmlSection, HtmlCompareInput, HtmlCompareMetric, HtmlCompareAlternative } from './render/html-data.ts';
export type { AttachOptions, AttachResult, AttachStart } from './attach/attach.ts';
export type { IntervalRow, IntervalEvent } from './attach/interval-row.ts';
export type { AttachSeries } from './attach/watch-state.ts';
export { detectPerfFormat } from '../parsers/perf-stat.ts';
export type { PerfRecord, PerfFormat, PerfStatParser, CounterStatus } from '../parsers/perf-stat.ts';
export type { EventAggregate, EventSample, PerfMetric, PmuShare } from '../parsers/aggregate.ts';
export { EVENT_PRESETS, expandEventPresets, splitEventList } from '../parsers/event-list.ts';
export { PerfError, UsageError, TargetError } from './errors.ts';
export type { CellEvaluator, CellEvaluatorOptions, CellFailure, CellOutcome, CellSource } from './experiment/cell-evaluator.ts';
export { analyzeRuns, compareWithBaseline, type AlternativeRuns, type BaselineComparison, type MetricResult } from './experiment/analyze.ts';
export { parseCompareDocument, type CompareDocument, type CompareSettings } from './experiment/compare-document.ts';
export { metricsOfReport, type MetricInfo, type RunValues } from './experiment/metrics.ts';
