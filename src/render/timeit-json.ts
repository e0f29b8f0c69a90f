import { toJsonDocument } from '../json-document.ts';
import type { TimeitResult } from '../session/timeit.ts';

/**
 * A `.timeit` as `repl --json` prints it, a `perfcell-timeit` line among the reports: the code
 * timed, then timeit's own figures in their units (seconds per call in `perCallS` and
 * `batchPerCallS`, each counter per call).
 * @example timeitDocument('Math.sqrt(2)', result).perCallS.mean // ≈ 1e-9
 */
export function timeitDocument(code: string, result: TimeitResult) {
  return toJsonDocument('perfcell-timeit', {
    code,
    loops: result.loops,
    runs: result.runs,
    perCallS: result.perCallS,
    batchPerCallS: result.batchPerCallS,
    counters: result.counters,
    unsupported: result.unsupported,
    gc: result.gc,
    gcPerCall: result.gcPerCall,
    warnings: result.warnings,
    runsRerun: result.runsRerun,
  });
}
