import type { REPLServer } from 'node:repl';
import { eventListProblem, expandEventPresets, splitEventList as splitEvents } from '../../parsers/event-list.ts';
import { dropFromList } from '../../parsers/perf-errors.ts';
import { configuredEvents } from '../events-source.ts';
import { ackTimeoutProblem } from '../perf/control-channel.ts';
import { toolEventProblem } from '../perf/tool-events.ts';
import { DEFAULT_INTERVAL_MS, resolvePerfOptions } from '../session/options.ts';
import { INTERVAL_MS, MAX_INTERVAL_MS } from '../session/option-rules.ts';
import type { ReplMeasurement } from './measured-eval.ts';
import { defineTimingCommands, type OnTimed } from './timing-commands.ts';
import type { TypeScriptMode } from './typescript.ts';

/**
 * `.start`, `.stop`, `.events`, `.interval` and `.settle`: reporting on and off (each safe to
 * repeat), the perf set-up and settling, which take effect from the next command (its perf is
 * attached anew); and `.timeit` and `.live` (timing-commands.ts). Returns whether a `.timeit` times now.
 */
export function defineDotCommands(server: REPLServer, measurement: ReplMeasurement, gate?: { hold(): void; release(): void }, onTimed?: OnTimed, typescript?: TypeScriptMode): () => boolean {
  const say = (text: string): void => {
    server.output.write(`${text}\n`);
    server.displayPrompt();
  };

  server.defineCommand('start', {
    help: 'Report every command (RAM, peak, time, CPU, perf counters)',
    action() {
      say(measurement.start() ? 'reporting on' : 'reporting is already on');
    },
  });

  server.defineCommand('stop', {
    help: 'Stop reporting (perf is detached until .start)',
    action() {
      say(measurement.stop() ? 'reporting off' : 'reporting is already off');
    },
  });

  server.defineCommand('events', {
    help: 'Show or set the perf events: .events page-faults,task-clock (.events default: the ones PERFCELL_EVENTS or .perfcellrc.json sets, else perfcell\'s own)',
    action(text: string) {
      const wanted = text.trim();
      if (wanted === '') {
        const current = measurement.measure;
        say(`events: ${eventsOf(current)}${current.perf === false ? ' (perf off)' : ''}`);
        return;
      }
      const current = measurement.measure;
      const read = wanted === 'default' ? readDefaultEvents() : readEventList(wanted);
      if ('problem' in read) {
        say(wanted === 'default' ? `error: ${read.problem}; ${keptEvents(current)}` : (read.problem ?? 'give events separated by commas, e.g. .events page-faults,task-clock'));
        return;
      }
      const { events } = read;
      const source = 'source' in read ? read.source : undefined;
      const { events: _dropped, ...rest } = current;
      void _dropped;
      const next = { ...rest, ...(events === undefined ? {} : { events }), perf: true };
      const ackRefused = perfSwitchRefusal(current);
      if (ackRefused !== null) {
        say(`error: ${ackRefused}`);
        return;
      }
      // perf is asked first (perf stat -e LIST true): a list it refuses had been taken, and the next
      // command turned perf off for the session, with the events that had counted until then (a QA
      // pass). The input waits meanwhile, as it does for a command.
      gate?.hold();
      probe(next).then(
        ({ problem, unsupported }) => {
          if (problem === null) {
            measurement.configure(next);
            const notHere = unsupported.length === 0 ? '' : `; ${notSupportedHere(unsupported)}`;
            say(`events: ${eventsOf(next)}${source === undefined ? ' (from the next command)' : whichDefault(source, rest)}${notHere}`);
            return;
          }
          say(`error: ${source === undefined || source === null ? refusedEvents(problem, current) : `${dropFromList(problem, source)}; ${keptEvents(current)}`}`);
        },
        (error: unknown) => say(`.events: ${error instanceof Error ? error.message : String(error)}`),
      ).finally(() => gate?.release());
    },
  });

  server.defineCommand('settle', {
    help: 'Show or set settling: .settle off reads final RAM at the end of a command, garbage and all; .settle on collects it first (default)',
    action(text: string) {
      const wanted = text.trim();
      const settling = measurement.measure.settle !== false;
      if (wanted === '') {
        say(`settle: ${settling ? 'on' : 'off'}`);
        return;
      }
      if (wanted !== 'on' && wanted !== 'off') {
        say('give on or off, e.g. .settle off');
        return;
      }
      measurement.configure({ ...measurement.measure, settle: wanted === 'on' });
      say(`settle: ${wanted} (from the next command)`);
    },
  });

  server.defineCommand('interval', {
    help: `Show or set perf's sampling interval in ms (10 to ${MAX_INTERVAL_MS}, default ${DEFAULT_INTERVAL_MS})`,
    action(text: string) {
      const wanted = text.trim();
      if (wanted === '') {
        say(`interval: ${measurement.measure.intervalMs ?? DEFAULT_INTERVAL_MS} ms`);
        return;
      }
      const intervalMs = Number(wanted);
      if (!INTERVAL_MS.holds(intervalMs)) {
        say(`give ${INTERVAL_MS.wants}, e.g. .interval 50`);
        return;
      }
      measurement.configure({ ...measurement.measure, intervalMs });
      say(`interval: ${intervalMs} ms (from the next command)`);
    },
  });

  return defineTimingCommands(server, measurement, undefined, gate, onTimed, typescript);
}

/**
 * perf's refusal of an event list, in the REPL's and the kernel's terms (its hint names `-e`, the
 * command line's flag), and what it leaves.
 * @example refusedEvents("unknown perf event 'bogus' (see perf list, or drop it from -e)", measure)
 *   // "unknown perf event 'bogus' (see perf list, or drop it from the list); events stay page-faults,context-switches"
 */
export function refusedEvents(problem: string, measure: ReplMeasurement['measure']): string {
  return `${dropFromList(problem, 'the list')}; ${keptEvents(measure)}`;
}

/** What a refused event list leaves: "events stay LIST", or "perf stays off" (the REPL's .events, the kernel's perfcell.events). */
export function keptEvents(measure: ReplMeasurement['measure']): string {
  return measure.perf === false ? 'perf stays off' : `events stay ${eventsOf(measure)}`;
}

/**
 * Why perf cannot be started for these events, in the session's terms, or null: a
 * PERFCELL_PERF_ACK_TIMEOUT_S perf could not wait by, which every command refuses before it
 * starts (cli/main.ts), but a REPL or kernel started with --no-perf had not been asked for, and
 * `.events LIST` then took 'abc' for 5 s without a word (a QA pass).
 * @example perfSwitchRefusal({ perf: false }) // with PERFCELL_PERF_ACK_TIMEOUT_S=abc:
 *   // "PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ 2147483, e.g. 10 (or unset it for 5 s), not 'abc'; perf stays off"
 */
export function perfSwitchRefusal(measure: ReplMeasurement['measure']): string | null {
  const problem = ackTimeoutProblem();
  return problem === null ? null : `${problem}; ${keptEvents(measure)}`;
}

/**
 * What `.events default` (the kernel's `perfcell.events('default')`) goes back to: the events
 * PERFCELL_EVENTS or a config file sets, read as `.events` reads a list, and where they are set
 * (events-source.ts); where neither sets any, perfcell's own (`events` undefined, `source` null).
 * A list that cannot be counted is its problem, named by its source.
 */
export function readDefaultEvents(): { readonly events: string[] | undefined; readonly source: string | null } | { readonly problem: string } {
  const setting = configuredEvents();
  if (setting === undefined) return { events: undefined, source: null };
  const read = readEventList(setting.value);
  if ('problem' in read) return { problem: `${setting.source}: ${read.problem ?? 'no event in it (give events separated by commas, e.g. page-faults,task-clock)'}` };
  return { events: read.events, source: setting.source };
}

/**
 * Which default `.events default` went to, said after its events: `, the default PERFCELL_EVENTS
 * sets (from the next command; perfcell's own: page-faults,context-switches)`, or `, perfcell's
 * own default (from the next command)`.
 */
function whichDefault(source: string | null, measure: ReplMeasurement['measure']): string {
  if (source === null) return ", perfcell's own default (from the next command)";
  const { events: _set, ...builtIn } = measure;
  void _set;
  return `, the default ${source} sets (from the next command; perfcell's own: ${eventsOf(builtIn)})`;
}

/** Events perf takes but cannot count on this machine, named (the REPL's .events, the kernel's perfcell.events). */
export function notSupportedHere(unsupported: readonly string[]): string {
  return `not supported on this machine: ${unsupported.join(', ')} (see perfcell doctor)`;
}

/** The events a set-up counts: its -e list, else this machine's default set (perf/default-events.ts). */
export function eventsCounted(measure: ReplMeasurement['measure']): readonly string[] {
  return measure.events ?? resolvePerfOptions({ ...measure, perf: true }).events;
}

/** The events a set-up counts, as a list to show. */
function eventsOf(measure: ReplMeasurement['measure']): string {
  return eventsCounted(measure).join(',');
}

/** Why perf refuses to count these events here (its one-line message; null where it takes them), and those it takes but cannot count here. */
async function probe(measure: ReplMeasurement['measure']): Promise<{ readonly problem: string | null; readonly unsupported: readonly string[] }> {
  const { probePerfEvents } = await import('../attach/perf-preflight.ts');
  const { problem, unsupported } = await probePerfEvents(resolvePerfOptions(measure));
  return { problem: problem?.message ?? null, unsupported };
}

/**
 * An event list typed in the REPL or a notebook (`.events`, `perfcell.events()`): its events, or why
 * it cannot be counted (an unbalanced group, a perf tool event: perf/tool-events.ts), or
 * `problem: null` for a list with no event in it.
 */
export function readEventList(text: string): { readonly events: string[] } | { readonly problem: string | null } {
  const listProblem = eventListProblem(text);
  if (listProblem !== null) return { problem: listProblem };
  const events = splitEventList(text);
  if (events.length === 0) return { problem: null };
  const toolProblem = toolEventProblem(events);
  return toolProblem === null ? { events } : { problem: toolProblem };
}

/**
 * `a,b, c` → ['a', 'b', 'c']; commas inside `cpu/event=0x3c,umask=0/` and inside a group
 * `{a,b}` stay inside it; presets (`cache`, `ipc`, `tlb`, `branch`) become their events.
 */
function splitEventList(text: string): string[] {
  return expandEventPresets(splitEvents(text));
}
