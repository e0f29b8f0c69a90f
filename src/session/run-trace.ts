/**
 * Timestamps of one program run's (or cell's) stages, for finding where a run's time goes
 * (BENCHMARKS.md, pace; scripts/lib/compare-trace.mjs and cells-trace.mjs summarize them): with
 * PERFCELL_TRACE_RUN=1 each stage writes `trace-run RUN STAGE MS` to stderr, MS on
 * performance.now()'s clock (ms since perfcell started), so gaps between runs show too. Off (the
 * default), a mark costs one call.
 * @example PERFCELL_TRACE_RUN=1 perfcell compare -- "sleep 0.007" 2>&1 | grep trace-run
 */
export interface RunTrace {
  mark(stage: string): void;
}

const silent: RunTrace = { mark: () => undefined };
let runs = 0;

export function startRunTrace(environment: NodeJS.ProcessEnv = process.env, write: (text: string) => void = (text) => process.stderr.write(text)): RunTrace {
  if (environment['PERFCELL_TRACE_RUN'] !== '1') return silent;
  const run = ++runs;
  return { mark: (stage) => write(`trace-run ${run} ${stage} ${performance.now().toFixed(2)}\n`) };
}

