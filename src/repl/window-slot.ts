import { baseEventName } from '../session/counters.ts';
import { resolvePerfOptions, type MeasureOptions } from '../session/options.ts';
import type { CommandReport, UnsupportedEvent } from '../session/report.ts';
import { prepareWindow, type MeasurementWindow } from '../session/window.ts';
import { perfGaveUp } from '../session/perf-gave-up.ts';
import { canSharePerf } from '../perf/shared-perf.ts';
import type { PerfOptions } from '../perf/controller.ts';
import type { TypingPerf } from './typing-perf.ts';

/**
 * The next command's measurement window, prepared ahead (perf attached with counting disabled,
 * which takes tens of ms) so that a command's start only enables it; with the session's perf
 * set-up, and what perf said it cannot count here. With `typing` (the REPL's), windows whose
 * set-up one perf can serve (shared-perf.ts canSharePerf) are an enable and a disable on the perf
 * that ticks while someone types and is paused while nobody does (typing-perf.ts). Never both: a
 * perf started while another is attached inherits its counters, and would be counted by it.
 */
export interface WindowSlot {
  readonly measure: MeasureOptions;
  /** Attaches perf for the next command, unless a window waits already; with `typing`, starts or keeps the typing perf instead. */
  fill(label: string): void;
  /** The waiting window, or a new one. */
  take(label: string): MeasurementWindow;
  /** A window that measures RAM, time and CPU only. */
  takeWithoutPerf(label: string): MeasurementWindow;
  /** Stops the waiting window's perf, and the typing perf. */
  drop(): void;
  /** A command has ended: the typing perf goes where it would count a child process the command left running. */
  afterCommand(): void;
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

export function createWindowSlot(pid: number, initial: MeasureOptions, prepare: typeof prepareWindow = prepareWindow, typing: TypingPerf | null = null): WindowSlot {
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
  /** The perf set-up of these window options where the typing perf serves it; else null. */
  const typingSetUp = (options: MeasureOptions): PerfOptions | null => {
    if (typing === null || options.perf === false) return null;
    const perfOptions = resolvePerfOptions(options);
    return canSharePerf(perfOptions) ? perfOptions : null;
  };
  const drop = (): void => {
    waiting?.cancel();
    waiting = null;
    typing?.close();
  };

  return {
    get measure() {
      return measure;
    },
    fill(label) {
      const options = windowOptions(label);
      const perfOptions = typingSetUp(options);
      if (perfOptions === null) {
        waiting ??= prepare(pid, options);
        return;
      }
      // someone types (or a prompt is out): the one-command perf goes, the typing perf comes
      waiting?.cancel();
      waiting = null;
      typing?.warm(perfOptions);
    },
    take(label) {
      const options = windowOptions(label);
      // the typing perf where its set-up serves the window
      if (typing !== null && typingSetUp(options) !== null) {
        return prepare(pid, options, (_, perfOptions) => typing.session(perfOptions));
      }
      const window = waiting ?? prepare(pid, options);
      waiting = null;
      return window;
    },
    takeWithoutPerf(label) {
      return prepare(pid, { ...windowOptions(label), perf: false });
    },
    drop,
    afterCommand() {
      typing?.afterCommand();
    },
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
      if (perfGaveUp(report, windowOptions(''))) {
        measure = { ...measure, perf: false };
        typing?.close();
      }
      for (const event of report.counters.unsupported) unsupported.set(baseEventName(event.event), event);
      const named = new Set(report.counters.unsupported.map((event) => baseEventName(event.event)));
      const missing = [...unsupported.values()].filter((event) => !named.has(baseEventName(event.event)));
      if (missing.length === 0) return report;
      return { ...report, counters: { ...report.counters, unsupported: [...report.counters.unsupported, ...missing] } };
    },
  };
}
