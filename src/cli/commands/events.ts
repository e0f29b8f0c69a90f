import type { Command } from 'commander';
import { fitted } from '../../render/terminal-width.ts';
import { perfcellPerfPath, probeEventList, probePerfVersion, probePresets, systemSources, type CapabilitySources } from '../../perf/capabilities.ts';
import { defaultEventChoice } from '../../perf/default-events.ts';
import { PerfError } from '../../errors.ts';
import { probePerfEvents } from '../../attach/perf-preflight.ts';
import { dropFromList } from '../../../parsers/perf-errors.ts';
import { resolvePerfOptions } from '../../session/options.ts';
import { renderEventsText, type EventsOverview } from '../../render/events-text.ts';
import { toJsonDocument } from '../../json-document.ts';
import { parseDefaultEvents, readDefaults, type Defaults } from '../defaults.ts';

/** Software events worth listing: they count wherever perf runs. */
const SOFTWARE_EVENTS = ['page-faults', 'minor-faults', 'major-faults', 'context-switches', 'cpu-migrations', 'task-clock'];

/**
 * Probes the presets, the software events and the default set (a few `perf stat -- true` runs)
 * with the perf every command runs (PERFCELL_PERF, else perf on PATH). A perf that cannot run
 * is a PerfError naming it and the fix: without it there is nothing to list. The events
 * PERFCELL_EVENTS or a config file sets are what the commands count without -e, so they are
 * named too (a QA pass: `PERFCELL_EVENTS=task-clock perfcell events` named page-faults and
 * context-switches as the default, which no command counted), with perf's refusal of them, in the
 * words of where they are set; a bad one is its UsageError.
 */
export async function gatherEventsOverview(
  sources: CapabilitySources = systemSources,
  perfPath: string = perfcellPerfPath(),
  defaults: () => Defaults = readDefaults,
  refusal: (events: readonly string[], perfPath: string) => Promise<string | null> = perfRefusal,
): Promise<EventsOverview> {
  const setting = defaults().events;
  const setEvents = setting === undefined ? undefined : parseDefaultEvents(setting);
  const perf = await probePerfVersion(sources, perfPath);
  if (perf.perfProblem !== null) throw new PerfError(perf.perfProblem.code, perf.perfProblem.message);
  // perf is asked of them as every command asks it before it counts (a QA pass: `PERFCELL_EVENTS=bogus
  // perfcell events` named bogus as the default without a word, and every measuring command refused it)
  const problem = setEvents === undefined ? null : await refusal(setEvents, perfPath);
  // and which of them perf takes but cannot count here, as every report of them says (a QA pass:
  // `PERFCELL_EVENTS=cycles,page-faults perfcell events` named cycles without a word, where each
  // run's report said `cycles: not supported on this machine`)
  const notSupported = setEvents === undefined || problem !== null ? [] : await unsupportedOf(setEvents, sources, perfPath);
  const defaultSetBy =
    setting === undefined || setEvents === undefined
      ? undefined
      : { source: setting.source, events: setEvents, problem: problem === null ? null : dropFromList(problem, setting.source), notSupported };
  const presets = await probePresets(sources, perfPath);
  const software = await probeEventList(sources, SOFTWARE_EVENTS, perfPath);
  const choice = defaultEventChoice(perfPath);
  return {
    presets: presets.presets,
    software: software.events,
    defaultEvents: choice.events,
    defaultNote: choice.note,
    problem: presets.problem?.message ?? software.eventsProblem?.message ?? null,
    ...(defaultSetBy === undefined ? {} : { defaultSetBy }),
  };
}

/** Why perf refuses these events (its one line, its fix naming -e), as the commands' check before they count; null where it takes them. */
async function perfRefusal(events: readonly string[], perfPath: string): Promise<string | null> {
  const { problem } = await probePerfEvents(resolvePerfOptions({ events, perfPath }));
  return problem?.message ?? null;
}

/**
 * The events of a list that perf prints `<not supported>` for over `true`, as a report shows them.
 * A group (`{cycles,page-faults}`) is probed as given and named by its members' rows, so it is not named here.
 */
async function unsupportedOf(events: readonly string[], sources: CapabilitySources, perfPath: string): Promise<string[]> {
  const probed = await probeEventList(sources, events, perfPath);
  return probed.events.filter((probe) => probe.status === 'not supported').map((probe) => probe.event);
}

/** `perfcell events`: which -e presets and events count on this machine; `--json` for one document. Exit 0; 1 when perf cannot run. */
export function registerEvents(program: Command, gather: () => Promise<EventsOverview> = gatherEventsOverview): void {
  program
    .command('events')
    .description('list the -e presets (cache, ipc, tlb, branch) and events, and which of them count on this machine')
    .option('--json', 'print one JSON document instead of the list')
    .action(async (options: { json?: boolean }) => {
      const overview = await gather();
      process.stdout.write(options.json === true ? `${JSON.stringify(toJsonDocument('perfcell-events', overview), null, 2)}\n` : renderEventsText(overview, fitted(process.stdout)));
    });
}
