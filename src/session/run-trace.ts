/**
 * Timestamps of one program run's (or cell's) stages, for finding where a run's time goes
 * (BENCHMARKS.md, pace; scripts/lib/compare-trace.mjs and cells-trace.mjs summarize them): with
 * PERFCELL_TRACE_RUN=1 each stage marks `trace-run RUN STAGE MS`, MS on process.uptime()'s clock
 * (ms since perfcell started), so gaps between runs show too. The marks are kept and written to
 * stderr as the process exits: a write as each happened cost the path it marked up to 0.3 ms where
 * stderr is a pipe (the write wakes its reader on the other vCPU; BENCHMARKS.md, Pace notes,
 * 2026-12-05 08:05), and a cell's would be counted in its window. Off (the default), a mark costs one call.
 * @example PERFCELL_TRACE_RUN=1 perfcell compare -- "sleep 0.007" 2>&1 | grep trace-run
 */
export interface RunTrace {
  mark(stage: string): void;
}

const silent: RunTrace = { mark: () => undefined };
let runs = 0;
/** Marks not yet written: [run, stage, ms]. */
const held: Array<[number, string, number]> = [];
let writeHeld: ((text: string) => void) | null = null;

/** A run's trace; `write` takes the held marks at exit (the first trace's, for every run's marks). */
export function startRunTrace(environment: NodeJS.ProcessEnv = process.env, write: (text: string) => void = (text) => process.stderr.write(text)): RunTrace {
  if (environment['PERFCELL_TRACE_RUN'] !== '1') return silent;
  if (writeHeld === null) {
    writeHeld = write;
    process.once('exit', flushRunTrace);
  }
  const run = ++runs;
  return { mark: (stage) => void held.push([run, stage, process.uptime() * 1e3]) };
}

/** Writes the marks held so far (at exit; tests call it). */
export function flushRunTrace(): void {
  const marks = held.splice(0);
  if (marks.length > 0) writeHeld?.(marks.map(([run, stage, ms]) => `trace-run ${run} ${stage} ${ms.toFixed(2)}\n`).join(''));
}

