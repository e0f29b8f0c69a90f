import type { AttachOptions } from './attach/attach.ts';
import type { CellEvaluatorOptions } from './experiment/cell-evaluator.ts';
import type { aggregateRecords, AggregatorOptions } from '../parsers/aggregate.ts';
import type { PerfStatParserOptions } from '../parsers/perf-stat-types.ts';
import { closestNames } from './closest-names.ts';
import { UsageError } from './errors.ts';
import type { renderCompareHtml, renderReportsHtml } from './render/html.ts';
import type { ReplRenderOptions } from './render/report-repl.ts';
import type { RenderOptions } from './render/report-text.ts';
import type { EvaluatorOptions } from './repl/evaluator.ts';
import type { StartReplOptions } from './repl/start-repl.ts';
import type { InProcessCompareOptions } from './session/compare-inprocess.ts';
import type { MeasureOptions } from './session/options.ts';
import type { RunHooks } from './session/run-program.ts';
import type { TimeitOptions } from './session/timeit.ts';

/**
 * The names a public entry's options take, and the refusal of any other at the library's door
 * (library-entries.ts) and in the REPL's and cells' `perfcell.timeit` and `perfcell.compare`
 * (repl/scope-tools.ts): a JavaScript caller's misspelt name was ignored, so
 * `measure(fn, { interval: 50 })` measured at the default 100 ms, and `timeit(fn, { run: 2 })`
 * ran 7 batches, with no word of it. perfcell's own callers pass wider objects (a command's
 * options) to the functions behind the door, which do not look at names. Only types are
 * imported here: the REPL loads this file, not the entries.
 */

/**
 * Every key of the options type T, listed: a list that leaves one out does not compile, so an
 * option added to T is known at the door from then on.
 * @example const MEASURE_OPTIONS = optionNames<MeasureOptions>()(['events', 'intervalMs', …]);
 */
export function optionNames<T>() {
  return <const Names extends readonly (keyof T & string)[]>(names: Names & ([Exclude<keyof T, Names[number]>] extends [never] ? unknown : never)): readonly string[] => names;
}

/**
 * Refuses a name `known` does not hold: `unknown option 'interval': did you mean 'intervalMs'?
 * (measure takes events, intervalMs, …)`. Options that are not an object are left to the value
 * checks (check-options.ts), which say what they must be.
 */
export function refuseUnknownOptions(options: unknown, known: readonly string[], entry: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return;
  const unknown = Object.keys(options).find((name) => !known.includes(name));
  if (unknown === undefined) return;
  const meant = closestNames(unknown, known)[0];
  const hint = meant === undefined ? '' : `: did you mean '${meant}'?`;
  throw new UsageError(`unknown option '${unknown}'${hint} (${entry} takes ${known.join(', ')})`);
}

/** The names each entry's options take: all of its options type's, no more. */
export const MEASURE_OPTIONS = optionNames<MeasureOptions>()([
  'events', 'intervalMs', 'metricGroups', 'perf', 'perfPath', 'label', 'live', 'backend', 'settle', 'nodeGc', 'quiet',
  'programStdout', 'programStdin', 'programEnvironment',
]);
/** runProgram's hooks (its third argument), checked by checkRunHooks. */
export const RUN_HOOKS = optionNames<RunHooks>()(['onStarted', 'onEnded']);
export const TIMEIT_OPTIONS = optionNames<TimeitOptions>()(['runs', 'minTime', 'warmup', 'loops', 'events', 'intervalMs', 'perf', 'perfPath', 'signal']);
export const COMPARE_OPTIONS = optionNames<InProcessCompareOptions>()(['runs', 'warmup', 'minTime', 'loops', 'events', 'intervalMs', 'perf', 'perfPath', 'signal']);
export const ATTACH_OPTIONS = optionNames<AttachOptions>()([
  'durationS', 'signal', 'onStart', 'onRow', 'events', 'metricGroups', 'intervalMs', 'perf', 'perfPath', 'maxSamples', 'recentRows', 'seriesPoints', 'checkEvents',
]);
export const REPL_OPTIONS = optionNames<StartReplOptions>()(['measure', 'typescript', 'reporting', 'input', 'output', 'errorOutput', 'historyPath', 'banner', 'compact', 'width', 'json']);
export const EVALUATOR_OPTIONS = optionNames<EvaluatorOptions>()(['typescript', 'filename', 'uncaughtOutput']);
export const CELL_EVALUATOR_OPTIONS = optionNames<CellEvaluatorOptions>()(['typescript', 'consoleStdout', 'timeoutS', 'onStrayFailure', 'measure']);
/** A cell evaluator's `measure`: what its perfcell.timeit and perfcell.compare count. */
export const CELL_TIMING_OPTIONS = optionNames<NonNullable<CellEvaluatorOptions['measure']>>()(['events', 'intervalMs', 'perf', 'perfPath']);
export const RENDER_OPTIONS = optionNames<RenderOptions>()(['width', 'maxSamples']);
export const REPL_RENDER_OPTIONS = optionNames<ReplRenderOptions>()(['eventOrder', 'notes', 'width', 'compact']);
export const PARSER_OPTIONS = optionNames<PerfStatParserOptions>()(['format', 'separator', 'metrics']);
export const AGGREGATOR_OPTIONS = optionNames<AggregatorOptions>()(['maxSamples', 'startTimeS']);
export const AGGREGATE_OPTIONS = optionNames<NonNullable<Parameters<typeof aggregateRecords>[1]>>()(['startTimeS']);
export const COMPARE_HTML_OPTIONS = optionNames<NonNullable<Parameters<typeof renderCompareHtml>[1]>>()(['generatedAt']);
export const REPORTS_HTML_OPTIONS = optionNames<NonNullable<Parameters<typeof renderReportsHtml>[2]>>()(['generatedAt', 'notes', 'summaryText']);
