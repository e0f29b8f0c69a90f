import { baseEventName } from '../session/counters.ts';
import { resolvePerfOptions, type MeasureOptions } from '../session/options.ts';
import type { CommandReport, UnsupportedEvent } from '../session/report.ts';
import { prepareWindow, type MeasurementWindow } from '../session/window.ts';
import { perfGaveUp } from '../session/perf-gave-up.ts';

/**
 * The next command's measurement window, prepared ahead (perf attached with counting disabled,
 * which takes tens of ms) so that a command's start only enables it; with the session's perf
 * set-up, and what perf said it cannot count here.
 */
export interface WindowSlot {
  readonly measure: MeasureOptions;
  /** Attaches perf for the next command, unless a window waits already. */
  fill(label: string): void;
  /** The waiting window, or a new one. */
  take(label: string): MeasurementWindow;
  /** A window that measures RAM, time and CPU only. */
  takeWithoutPerf(label: string): MeasurementWindow;
  /** Stops the waiting window's perf. */
  drop(): void;
  /** Replaces the set-up; the waiting window is dropped. */
  configure(measure: MeasureOptions): void;
  /** perf will not be started again until configure(). */
  turnPerfOff(): void;
  /**
   * Learns from a report: events perf cannot count here are not asked for again (fewer rows for
   * perf to print and for the measured process to read, every interval), and perf that could not
   * count at all is not started again. Returns the report naming every event perf cannot count.
   */
  learn(report: CommandReport): CommandReport;
}

export function createWindowSlot(pid: number, initial: MeasureOptions, prepare: typeof prepareWindow = prepareWindow): WindowSlot {
  let measure = initial;
  let waiting: MeasurementWindow | null = null;
  const unsupported = new Map<string, UnsupportedEvent>();

  const windowOptions = (label: string): MeasureOptions => {
    const base = { ...measure, label };
    if (unsupported.size === 0 || measure.perf === false) return base;
    // the default set is this machine's (software events where there is no PMU), not the hardware list
    const events = (measure.events ?? resolvePerfOptions(measure).events).filter((event) => !unsupported.has(baseEventName(event)));
    return events.length === 0 ? { ...base, perf: false } : { ...base, events };
  };
  const drop = (): void => {
    waiting?.cancel();
    waiting = null;
  };

  return {
    get measure() {
      return measure;
    },
    fill(label) {
      waiting ??= prepare(pid, windowOptions(label));
    },
    take(label) {
      const window = waiting ?? prepare(pid, windowOptions(label));
      waiting = null;
      return window;
    },
    takeWithoutPerf(label) {
      return prepare(pid, { ...windowOptions(label), perf: false });
    },
    drop,
    configure(replacement) {
      measure = replacement;
      unsupported.clear();
      drop();
    },
    turnPerfOff() {
      measure = { ...measure, perf: false };
      drop();
    },
    learn(report) {
      if (perfGaveUp(report, windowOptions(''))) measure = { ...measure, perf: false };
      for (const event of report.counters.unsupported) unsupported.set(baseEventName(event.event), event);
      const named = new Set(report.counters.unsupported.map((event) => baseEventName(event.event)));
      const missing = [...unsupported.values()].filter((event) => !named.has(baseEventName(event.event)));
      if (missing.length === 0) return report;
      return { ...report, counters: { ...report.counters, unsupported: [...report.counters.unsupported, ...missing] } };
    },
  };
}
