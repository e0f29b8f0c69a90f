import { probePerfEventsSync } from '../attach/perf-preflight.ts';
import { dropFromList } from '../../parsers/perf-errors.ts';
import { eventsCounted, keptEvents, notSupportedHere, perfSwitchRefusal, readDefaultEvents, readEventList, refusedEvents } from '../repl/dot-commands.ts';
import type { ReplMeasurement } from '../repl/measured-eval.ts';
import { DEFAULT_INTERVAL_MS, resolvePerfOptions } from '../session/options.ts';
import { INTERVAL_MS } from '../session/option-rules.ts';
import type { CommandReport } from '../session/report.ts';
import { createScopeTools, type OnInterrupt, type ScopeTools } from '../repl/scope-tools.ts';

/** `perfcell` inside notebook cells: the REPL's dot-commands as calls (the original's %imu_start/%imu_stop). */
export interface KernelScopeApi extends ScopeTools {
  readonly last: CommandReport | undefined;
  readonly history: readonly CommandReport[];
  readonly reporting: boolean;
  /** Reports from the next cell on; false when it already did. */
  start(): boolean;
  stop(): boolean;
  /**
   * The perf events; with arguments (names or one comma list), sets them from the next cell on;
   * `events('default')` goes back to the ones PERFCELL_EVENTS or a config file sets, else perfcell's own.
   */
  events(...names: string[]): readonly string[];
  /** perf's sampling interval in ms; with an argument (whole ms from 10 to 2147483647), sets it from the next cell on. */
  interval(ms?: number): number;
}

/**
 * `history`: the reports as the notebook shows them (labelled `In [N]` by execution count); default the
 * measured eval's own. `interrupts`: the engine's, which stop a timeit or compare the interrupted cell
 * awaits; `showInterrupted`: the engine's, which shows what such a timing measured as the cell's output.
 */
export function createScopeApi(measurement: ReplMeasurement, history: () => readonly CommandReport[] = () => measurement.history, interrupts?: OnInterrupt, showInterrupted?: (text: string) => void): KernelScopeApi {
  return {
    // perfcell.timeit and perfcell.compare, as in the REPL (issue 14).
    ...createScopeTools(() => measurement.measure, undefined, interrupts, showInterrupted),
    get last() {
      return history().at(-1);
    },
    get history() {
      return [...history()];
    },
    get reporting() {
      return measurement.reporting;
    },
    start: () => measurement.start(),
    stop: () => measurement.stop(),
    events(...names) {
      if (names.length === 0) return eventsCounted(measurement.measure);
      const { events: _dropped, ...rest } = measurement.measure;
      void _dropped;
      const ackRefused = perfSwitchRefusal(measurement.measure);
      if (ackRefused !== null) throw new Error(ackRefused);
      const isDefault = names.length === 1 && names[0]?.trim() === 'default';
      // 'default': the events PERFCELL_EVENTS or a config file sets, as the REPL's .events default, else perfcell's own
      const defaults = isDefault ? readDefaultEvents() : undefined;
      if (defaults !== undefined && 'problem' in defaults) throw new TypeError(`${defaults.problem}; ${keptEvents(measurement.measure)}`);
      if (defaults !== undefined && defaults.events === undefined) {
        measurement.configure({ ...rest, perf: true });
        return eventsCounted(rest);
      }
      const read = defaults ?? readEventList(names.join(','));
      if ('problem' in read) throw new TypeError(read.problem ?? 'give event names, e.g. perfcell.events("page-faults", "task-clock")');
      const wanted = read.events ?? [];
      const next = { ...rest, events: wanted, perf: true };
      // perf is asked first, as the REPL's .events does: a list it refuses would have turned the
      // counters off from the next cell on, said only in that cell's report
      const { problem, unsupported } = probePerfEventsSync(resolvePerfOptions(next));
      const source = defaults?.source ?? null;
      if (problem !== null) throw new Error(source === null ? refusedEvents(problem.message, measurement.measure) : `${dropFromList(problem.message, source)}; ${keptEvents(measurement.measure)}`);
      measurement.configure(next);
      if (unsupported.length > 0) process.stderr.write(`perfcell: ${notSupportedHere(unsupported)}\n`);
      return wanted;
    },
    interval(ms) {
      if (ms === undefined) return measurement.measure.intervalMs ?? DEFAULT_INTERVAL_MS;
      if (!INTERVAL_MS.holds(ms)) throw new RangeError(`give ${INTERVAL_MS.wants}, e.g. perfcell.interval(50)`);
      measurement.configure({ ...measurement.measure, intervalMs: ms });
      return ms;
    },
  };
}
