import type { MeasureOptions } from './options.ts';
import type { CommandReport } from './report.ts';

/**
 * True when perf was asked to count a command and counted nothing: it never acknowledged (and was
 * killed), or it refused the default events. The commands after it in the same session then go
 * without perf, as the report's warning says ("measuring RAM, time and CPU only"), instead of each
 * waiting for perf to fail again: a perf that hangs costs every command its acknowledgement
 * timeout (5 s, PERFCELL_PERF_ACK_TIMEOUT_S). (A group of shared perfs none of which acknowledged
 * fails its first window at once, shared-perf.ts, so that window waits once, not twice.)
 */
export function perfGaveUp(report: CommandReport, options: MeasureOptions): boolean {
  return options.perf !== false && options.backend !== 'cachegrind' && report.counters.backend === 'none';
}
