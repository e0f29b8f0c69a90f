import type { InProcessCompareResult } from '../session/compare-inprocess.ts';
import { partialMessageText } from '../experiment/partial-run.ts';
import { comparisonLine } from './compare-text.ts';
import { renderGcLine } from './gc-line.ts';
import { formatTimeit } from './timeit-text.ts';

/**
 * An in-process comparison for the REPL: each alternative's time per call (mean ± σ, median,
 * min–max), its collections, then each alternative against the first, time first and every
 * other metric whose difference is meaningful, then the warnings (the REPL shows only this text),
 * and last, for the runs an interruption left, what stopped them, as perfcell compare says it.
 * @example
 * rows     4.1 ms ± 0.2 ms per call (median 4.05 ms, 3.9 ms … 4.6 ms; 10 runs × 1 call)
 * columns  16.3 ms ± 0.9 ms per call (median 16.1 ms, 15.2 ms … 18 ms; 10 runs × 1 call)
 * columns / rows: 3.98× (95% CI 3.80–4.17), p < 0.001: columns is 3.98× ± 0.19 slower
 */
export function renderInProcessCompare(result: InProcessCompareResult): string {
  const time = result.metrics.find((metric) => metric.metric.key === 'durationS');
  const width = Math.max(...result.alternatives.map((alternative) => alternative.name.length));
  const lines: string[] = [];
  for (const [index, alternative] of result.alternatives.entries()) {
    const summary = time?.summaries[index]?.summary;
    const text =
      summary === undefined || summary.mean === null
        ? result.partial === undefined ? '?' : 'no finished run'
        : `${formatTimeit(summary.mean)}${summary.stdDev === null ? '' : ` ± ${formatTimeit(summary.stdDev)}`} per call ` +
          `(median ${formatTimeit(summary.median ?? summary.mean)}, ${formatTimeit(summary.min ?? summary.mean)} … ${formatTimeit(summary.max ?? summary.mean)}; ` +
          `${summary.n} ${summary.n === 1 ? 'run' : 'runs'} × ${alternative.loops} ${alternative.loops === 1 ? 'call' : 'calls'})`;
    lines.push(`${alternative.name.padEnd(width)}  ${text}`);
    const gc = renderGcLine(alternative.gc);
    if (gc !== null) lines.push(`${' '.repeat(width)}  ${gc}`);
  }
  for (const metric of result.metrics) {
    for (const comparison of metric.comparisons) {
      if (metric.metric.key !== 'durationS' && !comparison.isMeaningful) continue;
      const line = comparisonLine(comparison);
      lines.push(metric.metric.key === 'durationS' ? line : `${metric.metric.label}: ${line}`);
    }
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  if (result.partial !== undefined) lines.push(partialMessageText(result.partial));
  return lines.join('\n');
}
