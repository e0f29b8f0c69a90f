import type { MeasureOptions } from './options.ts';
import type { CommandReport } from './report.ts';
import { HELD_STOP_NOTE } from './job-stops.ts';
import { isDefaultEventsNote } from '../perf/default-events.ts';

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

/**
 * Whether `warning` says perf counted nothing in its report (`…; measuring RAM, time and CPU
 * only`): the commands after it in the session go without perf and say nothing of it, so the note
 * is the session's, not that one command's.
 */
export function isGaveUpNote(warning: string): boolean {
  return warning.endsWith('; measuring RAM, time and CPU only') || warning.endsWith('; timing only');
}

/**
 * The warnings of the first report whose perf gave up among those a caller does not show (compare's
 * warm-up runs, its set-up and after cells): the runs after it go without perf and say nothing of
 * it, so without these a comparison lost its counters without a word (a QA pass: `compare FILE
 * --cells` with PERFCELL_PERF=/nonexistent, whose warm-up round is the first to ask perf). Also
 * the default events' note (no hardware counters here, so the default events are …), which a
 * process says once, in the first report of the default set: a warm-up or set-up cell's took it,
 * and the kept runs said nothing of the events they counted (a QA pass).
 */
export function collectGaveUpNotes(options: MeasureOptions): { note(report: CommandReport): void; readonly notes: readonly string[] } {
  let gaveUpNotes: readonly string[] = [];
  let defaultEventsNote: string | undefined;
  return {
    note(report) {
      // a stop in that run's time is no matter: the run is not kept
      if (gaveUpNotes.length === 0 && perfGaveUp(report, options)) gaveUpNotes = report.warnings.filter((warning) => warning !== HELD_STOP_NOTE);
      defaultEventsNote ??= report.warnings.find(isDefaultEventsNote);
    },
    get notes() {
      return defaultEventsNote === undefined || gaveUpNotes.includes(defaultEventsNote) ? gaveUpNotes : [defaultEventsNote, ...gaveUpNotes];
    },
  };
}
