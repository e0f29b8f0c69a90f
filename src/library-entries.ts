import { attachToProcess as attachBehind, type AttachOptions, type AttachResult } from './attach/attach.ts';
import { createCellEvaluator as createCellEvaluatorBehind, type CellEvaluator, type CellEvaluatorOptions } from './experiment/cell-evaluator.ts';
import {
  AGGREGATE_OPTIONS, AGGREGATOR_OPTIONS, ATTACH_OPTIONS, CELL_EVALUATOR_OPTIONS, CELL_TIMING_OPTIONS, COMPARE_HTML_OPTIONS, COMPARE_OPTIONS, EVALUATOR_OPTIONS, MEASURE_OPTIONS,
  PARSER_OPTIONS, refuseUnknownOptions, RENDER_OPTIONS, REPL_OPTIONS, REPL_RENDER_OPTIONS, REPORTS_HTML_OPTIONS, TIMEIT_OPTIONS,
} from './known-options.ts';
import { aggregateRecords as aggregateBehind, createAggregator as createAggregatorBehind, type Aggregator, type AggregatorOptions, type EventAggregate } from '../parsers/aggregate.ts';
import { createPerfStatParser as createParserBehind, parsePerfStat as parseBehind } from '../parsers/perf-stat.ts';
import type { PerfFormat, PerfRecord, PerfStatParser, PerfStatParserOptions } from '../parsers/perf-stat-types.ts';
import { renderCompareHtml as renderCompareHtmlBehind, renderReportsHtml as renderReportsHtmlBehind } from './render/html.ts';
import type { ChartAssets } from './render/chart-assets.ts';
import type { HtmlCompareInput } from './render/html-data.ts';
import { renderReplReport as renderReplBehind, type ReplRenderOptions } from './render/report-repl.ts';
import { renderReportText as renderTextBehind, type RenderOptions } from './render/report-text.ts';
import { createEvaluator as createEvaluatorBehind, type Evaluator, type EvaluatorOptions } from './repl/evaluator.ts';
import { startRepl as startReplBehind, type StartedRepl, type StartReplOptions } from './repl/start-repl.ts';
import { checkAggregatorOptions, checkMeasureOptions, checkMeasureTarget, checkParserOptions, checkProgramNamed, checkRenderOptions, checkRunHooks, refusePerfOptionsUncounted } from './session/check-options.ts';
import { compareInProcess as compareBehind, type InProcessCompareOptions, type InProcessCompareResult } from './session/compare-inprocess.ts';
import { inLibraryWords, reportInLibraryWords } from './library-words.ts';
import { measure as measureBehind, type MeasuredReport } from './session/measure.ts';
import type { MeasureOptions } from './session/options.ts';
import type { CommandReport } from './session/report.ts';
import { runProgram as runChecked, type RunHooks } from './session/run-program.ts';
import { timeit as timeitBehind, type TimeitOptions, type TimeitResult } from './session/timeit.ts';
import { measureNestedProgram, prepareWindow as prepareChecked, type MeasurementWindow } from './session/window.ts';

/**
 * The library's entries as src/index.ts hands them out: their arguments checked first, as a
 * JavaScript caller's may be anything. Each refuses an option name it does not take
 * (known-options.ts), and runProgram, prepareWindow, the text renderers, the parsers and the
 * aggregators check the values too (check-options.ts), which the others check behind the door. perfcell's own callers (`run`, each cell's and each REPL
 * line's window, compare's alternatives, the attach command) pass options they have made, wider
 * objects among them, and call the functions behind the door.
 */

/** See session/measure.ts measure. */
export async function measure<T>(target: () => T, options?: MeasureOptions): Promise<MeasuredReport<Awaited<T>>>;
export async function measure(target: readonly string[], options?: MeasureOptions): Promise<CommandReport>;
export async function measure(target: (() => unknown) | readonly string[], options?: MeasureOptions): Promise<CommandReport>;
export async function measure(target: (() => unknown) | readonly string[], options: MeasureOptions = {}): Promise<CommandReport> {
  checkMeasureTarget(target, 'measure');
  if (typeof target !== 'function') checkProgramNamed(target, 'measure');
  refuseUnknownOptions(options, MEASURE_OPTIONS, 'measure');
  refusePerfOptionsUncounted(options);
  return reportInLibraryWords(measureBehind(target, options));
}

/** See session/run-program.ts runProgram. */
export async function runProgram(command: readonly string[], options: MeasureOptions = {}, hooks?: RunHooks): Promise<CommandReport> {
  checkMeasureTarget(command, 'runProgram');
  checkProgramNamed(command, 'runProgram');
  refuseUnknownOptions(options, MEASURE_OPTIONS, 'runProgram');
  checkMeasureOptions(options);
  checkRunHooks(hooks);
  refusePerfOptionsUncounted(options);
  return reportInLibraryWords(measureNestedProgram(() => runChecked(command, options, hooks)), 'runProgram');
}

/** See session/window.ts prepareWindow. */
export function prepareWindow(pid: number, options: MeasureOptions = {}, attachPerf?: Parameters<typeof prepareChecked>[2]): MeasurementWindow {
  refuseUnknownOptions(options, MEASURE_OPTIONS, 'prepareWindow');
  checkMeasureOptions(options);
  return prepareChecked(pid, options, attachPerf);
}

/**
 * A function timeit and compareInProcess take: one whose result is not a promise, as they refuse
 * one at run time (a UsageError). Typed `() => unknown`, an async function passed the compiler and
 * failed only when run; now the compiler's error reads this message.
 */
export type SynchronousFunction<F extends () => unknown> = ReturnType<F> extends PromiseLike<unknown>
  ? 'timeit and compareInProcess time synchronous functions: measure an async one with measure(fn)'
  : unknown;

/** See session/timeit.ts timeit. */
export async function timeit<F extends () => unknown>(fn: F & SynchronousFunction<F>, options?: TimeitOptions): Promise<TimeitResult>;
export async function timeit(fn: () => unknown, options: TimeitOptions = {}): Promise<TimeitResult> {
  refuseUnknownOptions(options, TIMEIT_OPTIONS, 'timeit');
  refusePerfOptionsUncounted(options);
  return inLibraryWords(timeitBehind(fn, options));
}

/** See session/compare-inprocess.ts compareInProcess. */
export async function compareInProcess<A extends Readonly<Record<string, () => unknown>>>(
  alternatives: A & { readonly [Name in keyof A]: SynchronousFunction<A[Name]> },
  options?: InProcessCompareOptions,
): Promise<InProcessCompareResult>;
export async function compareInProcess(alternatives: Readonly<Record<string, () => unknown>>, options: InProcessCompareOptions = {}): Promise<InProcessCompareResult> {
  refuseUnknownOptions(options, COMPARE_OPTIONS, 'compareInProcess');
  refusePerfOptionsUncounted(options);
  return inLibraryWords(compareBehind(alternatives, options));
}

/** See attach/attach.ts attachToProcess. */
export async function attachToProcess(pid: number, options: AttachOptions = {}, source?: Parameters<typeof attachBehind>[2]): Promise<AttachResult> {
  refuseUnknownOptions(options, ATTACH_OPTIONS, 'attachToProcess');
  refusePerfOptionsUncounted(options);
  return inLibraryWords(attachBehind(pid, options, source));
}

/** See repl/start-repl.ts startRepl; its `measure` takes measure()'s options. */
export function startRepl(options: StartReplOptions = {}): StartedRepl {
  refuseUnknownOptions(options, REPL_OPTIONS, 'startRepl');
  refuseUnknownOptions(options.measure, MEASURE_OPTIONS, "startRepl's measure");
  return startReplBehind(options);
}

/** See repl/evaluator.ts createEvaluator. */
export function createEvaluator(options: EvaluatorOptions = {}): Evaluator {
  refuseUnknownOptions(options, EVALUATOR_OPTIONS, 'createEvaluator');
  return createEvaluatorBehind(options);
}

/** See experiment/cell-evaluator.ts createCellEvaluator. */
export function createCellEvaluator(file: string, options: CellEvaluatorOptions = {}): CellEvaluator {
  refuseUnknownOptions(options, CELL_EVALUATOR_OPTIONS, 'createCellEvaluator');
  refuseUnknownOptions(options.measure, CELL_TIMING_OPTIONS, "createCellEvaluator's measure");
  return createCellEvaluatorBehind(file, options);
}

/** See render/report-text.ts renderReportText. */
export function renderReportText(report: CommandReport, options: RenderOptions = {}): string {
  refuseUnknownOptions(options, RENDER_OPTIONS, 'renderReportText');
  checkRenderOptions(options);
  return renderTextBehind(report, options);
}

/** See render/report-repl.ts renderReplReport. */
export function renderReplReport(report: CommandReport, options: ReplRenderOptions = {}): string {
  refuseUnknownOptions(options, REPL_RENDER_OPTIONS, 'renderReplReport');
  checkRenderOptions(options);
  return renderReplBehind(report, options);
}

/** See render/html.ts renderCompareHtml. */
export function renderCompareHtml(compare: HtmlCompareInput, options: { generatedAt?: string } = {}, assets?: ChartAssets): string {
  refuseUnknownOptions(options, COMPARE_HTML_OPTIONS, 'renderCompareHtml');
  return renderCompareHtmlBehind(compare, options, assets);
}

/** See render/html.ts renderReportsHtml. */
export function renderReportsHtml(title: string, reports: readonly CommandReport[], options: Parameters<typeof renderReportsHtmlBehind>[2] = {}, assets?: ChartAssets): string {
  refuseUnknownOptions(options, REPORTS_HTML_OPTIONS, 'renderReportsHtml');
  return renderReportsHtmlBehind(title, reports, options, assets);
}

/** See parsers/perf-stat.ts createPerfStatParser. */
export function createPerfStatParser(options: PerfStatParserOptions = {}): PerfStatParser {
  refuseUnknownOptions(options, PARSER_OPTIONS, 'createPerfStatParser');
  checkParserOptions(options);
  return createParserBehind(options);
}

/** See parsers/perf-stat.ts parsePerfStat. */
export function parsePerfStat(text: string, options: PerfStatParserOptions = {}): { records: PerfRecord[]; skippedLines: number; format: PerfFormat | undefined } {
  refuseUnknownOptions(options, PARSER_OPTIONS, 'parsePerfStat');
  checkParserOptions(options);
  return parseBehind(text, options);
}

/** See parsers/aggregate.ts createAggregator. */
export function createAggregator(options: AggregatorOptions = {}): Aggregator {
  refuseUnknownOptions(options, AGGREGATOR_OPTIONS, 'createAggregator');
  checkAggregatorOptions(options);
  return createAggregatorBehind(options);
}

/** See parsers/aggregate.ts aggregateRecords. */
export function aggregateRecords(records: readonly PerfRecord[], options: { startTimeS?: number } = {}): EventAggregate[] {
  refuseUnknownOptions(options, AGGREGATE_OPTIONS, 'aggregateRecords');
  checkAggregatorOptions(options);
  return aggregateBehind(records, options);
}
