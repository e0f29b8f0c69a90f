import type { EventProbe, PresetProbe } from '../perf/capabilities.ts';
import { wrapRow } from './wrap-row.ts';
import { readsZeroForUser } from '../perf/default-events.ts';

/** What `perfcell events` (and the doctor) say about the events on this machine. */
export interface EventsOverview {
  readonly presets: readonly PresetProbe[];
  /** Kernel software events, which count wherever perf runs. */
  readonly software: readonly EventProbe[];
  /** What perfcell counts without -e here. */
  readonly defaultEvents: readonly string[];
  /** Why the default set is not the usual one; null when it is. */
  readonly defaultNote: string | null;
  /**
   * The events PERFCELL_EVENTS or a config file sets (cli/defaults.ts), which every command counts
   * without -e in place of defaultEvents; absent where neither sets any.
   */
  readonly defaultSetBy?: {
    readonly source: string;
    readonly events: readonly string[];
    /** perf's refusal of them here, its fix naming the source (`drop it from PERFCELL_EVENTS`), which every measuring command refuses them by; null where perf takes them. */
    readonly problem: string | null;
    /** Those perf takes but cannot count here (`cycles` in a VM without a PMU), which every report shows `<not supported>`; empty where all count, or where perf refuses the set. */
    readonly notSupported?: readonly string[];
  };
  /** Why perf refused the probe; null when it ran. */
  readonly problem: string | null;
}

const VERDICT: Record<PresetProbe['counts'], string> = { all: 'counts here', some: 'partly', none: 'not here' };

/**
 * One line per preset (`-e cache` …) with which of its events count here, then the software
 * events (named one by one: they are no preset, so they are not in the presets' table) and the
 * default set. Given a width (a terminal's), each line is wrapped to it, a preset's row under its
 * events column.
 * @example
 * // cache    not here     cache-references, cache-misses, …: not supported
 * // ipc      counts here  instructions, cycles
 * //
 * // software events, each by its name (-e page-faults,task-clock): page-faults, task-clock
 */
export function renderEventsText(overview: EventsOverview, { width }: { readonly width?: number } = {}): string {
  const nameWidth = Math.max(8, ...overview.presets.map((preset) => preset.name.length)) + 2;
  const lines = overview.presets.map((preset) => `${preset.name.padEnd(nameWidth)}${VERDICT[preset.counts].padEnd(13)}${statusGroups(preset.events)}`);
  lines.push('');
  lines.push(`software events, each by its name (-e page-faults,task-clock): ${statusGroups(overview.software)}`);
  const builtIn = overview.defaultNote ?? overview.defaultEvents.join(', ');
  const setBy = overview.defaultSetBy;
  lines.push(setBy === undefined ? `without -e: ${builtIn}` : `without -e: ${setBy.events.join(', ')}, which ${setBy.source} sets (without it: ${builtIn})`);
  if (setBy !== undefined && setBy.problem !== null) lines.push(`perf refuses the events ${setBy.source} sets here, and so does every command that measures: ${setBy.problem}`);
  const notSupported = setBy?.notSupported ?? [];
  if (setBy !== undefined && notSupported.length > 0) {
    const them = notSupported.length === 1 ? 'it' : 'them';
    lines.push(`${notSupported.join(', ')}, which ${setBy.source} sets: not supported on this machine, and every report will say so (drop ${them} from ${setBy.source}; perfcell doctor says what counts here)`);
  }
  lines.push("use a preset by name (-e cache), mix it with events (-e ipc,page-faults), or group events so they count together: -e '{cache-misses,cache-references}'");
  if (overview.problem !== null) lines.push(`perf refused the probe: ${overview.problem}`);
  return `${(width === undefined ? lines : lines.flatMap((line) => wrapRow(line, width))).join('\n')}\n`;
}

/** `a, b; c: not supported` — the events that count first, then the others by status. */
function statusGroups(events: readonly EventProbe[]): string {
  // perf counts this user's user space only (`:u`), where a kernel-only event is counted but always 0
  const counting = events.filter((probe) => (probe.status === 'counted' || probe.status === 'not counted') && !readsZeroForUser(probe)).map((probe) => probe.event);
  const parts = counting.length === 0 ? [] : [counting.join(', ')];
  const zero = events.filter(readsZeroForUser).map((probe) => probe.event);
  if (zero.length > 0) {
    parts.push(
      `${zero.join(', ')}: always 0 for this user (perf counts only its user space, kernel.perf_event_paranoid ≥ 2, and ${zero.length === 1 ? 'it happens' : 'they happen'} in the kernel; run as root, or: sudo sysctl kernel.perf_event_paranoid=1)`,
    );
  }
  for (const status of ['not supported', 'unknown', 'refused'] as const) {
    const named = events.filter((probe) => probe.status === status).map((probe) => probe.event);
    if (named.length > 0) parts.push(`${named.join(', ')}: ${status === 'unknown' ? 'unknown to this perf' : status}`);
  }
  return parts.join('; ');
}
