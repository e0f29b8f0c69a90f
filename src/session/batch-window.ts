import { startPerf, type PerfSession } from '../perf/controller.ts';
import { PerfError } from '../errors.ts';
import { monotonicNs } from './clock.ts';
import { buildPerfCounters, noCounters } from './counters.ts';
import { startGcWindow } from './gc.ts';
import type { GcReport } from './gc.ts';
import { resolvePerfOptions, type MeasureOptions } from './options.ts';
import { awaitBackgroundCompiles } from './background-compiles.ts';
import type { CountersReport } from './report.ts';
import { noteNestedMeasurement, openSelfWindowLabel } from './window.ts';
import { isDefaultEventsNote } from '../perf/default-events.ts';

/** What one synchronous batch of calls cost: its time, perf's counters and the collections in it. */
export interface BatchMeasurement {
  readonly durationS: number;
  readonly counters: CountersReport;
  readonly gc: GcReport;
  readonly warnings: readonly string[];
  /** False when perf could not count here: callers stop asking for it. */
  readonly perfWorked: boolean;
}

/**
 * Times one synchronous body in this process between perf's enable ack and its SIGINT, with
 * the collections V8 made meanwhile. Unlike prepareWindow() it leaves the peak RSS alone (no
 * VmHWM reset, no /proc reads), so it may run inside an open REPL or cell window: timeit and
 * in-process compare call it once per batch. The body is never awaited: a batch is synchronous.
 */
export async function measureBatch(body: () => void, options: MeasureOptions = {}): Promise<BatchMeasurement> {
  const perfOptions = resolvePerfOptions(options);
  const warnings: string[] = [];
  let perf: PerfSession | null = perfOptions.enabled ? startPerf(process.pid, perfOptions) : null;
  let perfWorked = perf !== null;
  // V8's compiles set off by the batch before (its body's, perfcell's own reading of perf) are
  // threads of this process: finished before this batch counts (background-compiles.ts)
  const awaitCompiles = (): void => void awaitBackgroundCompiles();
  if (perf === null) awaitCompiles();
  else {
    try {
      await perf.enable(awaitCompiles);
      // a perf of this process, inside a command's window: that window counts it (its report says so)
      noteNestedMeasurement();
    } catch (error: unknown) {
      perf.kill();
      perf = null;
      perfWorked = false;
      if (perfOptions.explicit || !(error instanceof PerfError)) throw error;
      warnings.push(`${error.message}; timing only`);
    }
  }
  const gc = startGcWindow();
  const startNs = monotonicNs();
  let failure: { error: unknown } | null = null;
  try {
    body();
  } catch (error: unknown) {
    failure = { error };
  }
  const endNs = monotonicNs();
  const gcReport = gc.stop();
  let counters = noCounters();
  if (perf !== null) {
    const window = await perf.stop({ startNs, endNs, awaitExit: false });
    if (window.problem) warnings.push(window.problem.message);
    // Inside a window over this process (a cell, a REPL line, measure(fn)), the note is left to
    // that window's report, which counts the same events: taken here, it was said in the timeit's
    // text alone, and cells --json's document said nothing of the events its cells counted.
    const saysDefaultNote = openSelfWindowLabel() === null;
    const built = buildPerfCounters(window, perfOptions.intervalMs, perfOptions.events, perfOptions.metricGroups, { hasCachegrind: false, saysDefaultNote });
    counters = built.counters;
    // The default events' note is said once in a process, by the first window that counts them: a
    // timeit first in a session took it here and dropped it, so neither it nor any later line, cell
    // or report said what the counts were of. Passed on, it is said once with the timeit's warnings.
    warnings.push(...built.notes.filter(isDefaultEventsNote));
    if (counters.events.length === 0 && counters.unsupported.length === 0) perfWorked = false;
  }
  if (failure !== null) {
    perf?.kill();
    throw failure.error;
  }
  return { durationS: Number(endNs - startNs) / 1e9, counters, gc: gcReport, warnings, perfWorked };
}
