import type { Command } from 'commander';
import { probeEventList, probePresets, systemSources, type CapabilitySources } from '../../perf/capabilities.ts';
import { defaultEventChoice } from '../../perf/default-events.ts';
import { renderEventsText, type EventsOverview } from '../../render/events-text.ts';
import { toJsonDocument } from '../../json-document.ts';

/** Software events worth listing: they count wherever perf runs. */
const SOFTWARE_EVENTS = ['page-faults', 'minor-faults', 'major-faults', 'context-switches', 'cpu-migrations', 'task-clock'];

/** Probes the presets, the software events and the default set (a few `perf stat -- true` runs). */
export async function gatherEventsOverview(sources: CapabilitySources = systemSources): Promise<EventsOverview> {
  const perfPath = process.env['PERFCELL_PERF'] || 'perf';
  const presets = await probePresets(sources, perfPath);
  const software = await probeEventList(sources, SOFTWARE_EVENTS, perfPath);
  const choice = defaultEventChoice(perfPath);
  return {
    presets: presets.presets,
    software: software.events,
    defaultEvents: choice.events,
    defaultNote: choice.note,
    problem: presets.problem?.message ?? software.eventsProblem?.message ?? null,
  };
}

/** `perfcell events`: which -e presets and events count on this machine; `--json` for one document. Exit 0. */
export function registerEvents(program: Command, gather: () => Promise<EventsOverview> = gatherEventsOverview): void {
  program
    .command('events')
    .description('list the -e presets (cache, ipc, tlb, branch) and events, and which of them count on this machine')
    .option('--json', 'print one JSON document instead of the list')
    .action(async (options: { json?: boolean }) => {
      const overview = await gather();
      process.stdout.write(options.json === true ? `${JSON.stringify(toJsonDocument('perfcell-events', overview), null, 2)}\n` : renderEventsText(overview));
    });
}
