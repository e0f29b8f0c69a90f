import type { Command } from 'commander';
import { gatherFacts, perfcellPerfPath, systemSources, type CapabilityFacts } from '../../perf/capabilities.ts';
import { canCountHardware, canCountSoftware, diagnose, type Verdict } from '../../perf/diagnose.ts';
import { renderDoctorText } from '../../render/doctor-text.ts';
import { fitted } from '../../render/terminal-width.ts';
import type { EventsOverview } from '../../render/events-text.ts';
import { gatherEventsOverview } from './events.ts';
import { toJsonDocument } from '../../json-document.ts';

/** `perfcell doctor --json`: one document, stable keys. */
export interface DoctorDocument {
  readonly canCountHardware: boolean;
  readonly canCountSoftware: boolean;
  readonly verdicts: readonly Verdict[];
  readonly facts: CapabilityFacts;
  /** Which -e presets and events count here (as `perfcell events --json`). */
  readonly events?: EventsOverview;
}

/**
 * `perfcell doctor`: can perf count here, and what to run if not. Exit 0 when hardware counters
 * work, 1 when they do not, 2 on misuse (commander).
 */
export function registerDoctor(
  program: Command,
  gather: () => Promise<CapabilityFacts> = gatherFacts,
  gatherEvents: () => Promise<EventsOverview> = gatherMachineEvents,
): void {
  program
    .command('doctor')
    .description('say whether perf can count hardware events here, and the command that fixes it if not')
    .option('--json', 'print one JSON document instead of the screen')
    .addHelpText('after', '\nExit status: 0 when hardware counters count here; 1 when they do not (software events may still\ncount: see the events check); 2 on misuse.')
    .action(async (options: { json?: boolean }) => {
      const facts = await gather();
      const verdicts = diagnose(facts);
      const events = facts.perfVersion === null ? undefined : await gatherEvents();
      const document: DoctorDocument = {
        canCountHardware: canCountHardware(facts),
        canCountSoftware: canCountSoftware(facts),
        verdicts,
        facts,
        ...(events === undefined ? {} : { events }),
      };
      const output =
        options.json === true
          ? `${JSON.stringify(toJsonDocument('perfcell-doctor', document), null, 2)}\n`
          : renderDoctorText(verdicts, { color: useColor(process.stdout), ...fitted(process.stdout), ...(events === undefined ? {} : { events }) });
      process.stdout.write(output);
      process.exitCode = document.canCountHardware ? 0 : 1;
    });
}

/**
 * The events overview of the machine alone, without PERFCELL_EVENTS or a config file's (which
 * `perfcell events` names): the doctor's answer is about perf here, and a config file being
 * edited (any package.json on the way up is read) must not stop it.
 */
function gatherMachineEvents(): Promise<EventsOverview> {
  return gatherEventsOverview(systemSources, perfcellPerfPath(), () => ({}));
}

function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  if (process.env['FORCE_COLOR'] !== undefined && process.env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && stream.hasColors();
}
