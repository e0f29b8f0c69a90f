import { aggregateRecords, type EventAggregate } from '../../parsers/aggregate.ts';
import { CACHEGRIND_RATIO_COUNTS } from '../backends/cachegrind-counters.ts';
import { summarizeMetricRows } from '../../parsers/metric-rows.ts';
import type { PerfWindowResult } from '../perf/controller.ts';
import { metricGroupNotes } from '../perf/metric-group-notes.ts';
import { DEFAULT_NOTE_CACHEGRIND, isKernelOnlyEvent, takeDefaultEventsNote } from '../perf/default-events.ts';
import { formatRunningPct } from '../render/running-pct.ts';
import type { CountersReport, DerivedMetrics, UnsupportedEvent } from './report.ts';

/** `cache-misses:u` → `cache-misses`; `cpu_core/cycles/` is kept as printed. */
export function baseEventName(printed: string): string {
  const colon = printed.lastIndexOf(':');
  return colon > 0 && /^[ukhHGIpPSD]+$/.test(printed.slice(colon + 1)) ? printed.slice(0, colon) : printed;
}

/**
 * One note for all events perf restricted to user space (`cache-misses:u`): what the modifier
 * means, why perf added it, and which of them can only read 0 that way. Events the user asked
 * for with `:u` themselves (`requestedEvents`, as given to -e) are theirs, not perf's doing: only a
 * kernel-only one of them gets a note, that it reads 0.
 */
export function describeUserOnly(printedNames: readonly string[], requestedEvents: readonly string[] = []): string | null {
  const asked = new Set(requestedEvents.flatMap((list) => list.split(/[{},]/)).map((name) => name.trim()).filter((name) => /:[ukhHGIpPSD]*u[ukhHGIpPSD]*$/.test(name)).map(baseEventName));
  const userOnly = printedNames.filter((name) => name.endsWith(':u'));
  const added = userOnly.filter((name) => !asked.has(baseEventName(name)));
  if (added.length === 0) {
    const zeroAsked = userOnly.filter((name) => isKernelOnlyEvent(baseEventName(name)));
    return zeroAsked.length === 0 ? null : `${zeroAsked.join(', ')}: always read 0 with ':u' (user space only; they happen in the kernel: drop the ':u' to count them)`;
  }
  const zero = added.filter((name) => isKernelOnlyEvent(baseEventName(name)));
  const zeroText = zero.length === 0 ? '' : `; ${zero.join(', ')} always read 0 that way (they happen in the kernel)`;
  return `${added.join(', ')}: ':u' means user space only: perf excluded the kernel because kernel.perf_event_paranoid ≥ 2 for this user${zeroText} (run as root, or: sudo sysctl kernel.perf_event_paranoid=1)`;
}

function totalOf(events: readonly EventAggregate[], name: string, pmu?: string): number | null {
  const event = events.find((candidate) => baseEventName(candidate.event) === name);
  if (event?.status !== 'counted') return null;
  if (pmu === undefined) return event.total;
  const share = event.pmus?.find((candidate) => candidate.pmu === pmu);
  return share?.status === 'counted' ? share.total : null;
}

function ratio(numerator: number | null, denominator: number | null, scale = 1): number | null {
  return numerator === null || denominator === null || denominator === 0 ? null : (scale * numerator) / denominator;
}

/**
 * Miss ratio, IPC and MPKI where their inputs were counted; null otherwise, never 0 for missing.
 * Hybrid events are folded totals (see parsers/fold-hybrid.ts); `byPmu` holds the same ratios per
 * core PMU where both halves of a ratio were counted on it.
 */
export function deriveMetrics(events: readonly EventAggregate[]): DerivedMetrics {
  return deriveMetricsOverRuns([events]);
}

/**
 * deriveMetrics over several runs (`run -r`): each ratio is of the runs' summed counts, that is of
 * their means, as perf stat -r prints insn per cycle beside its means; a mean of each run's ratio
 * would weigh a run that counted little as much as one that counted much. A ratio sums only the
 * runs in which both its counts were counted, so that a run without one half does not pull the
 * other's sum away from it.
 * @example deriveMetricsOverRuns(reports.map((report) => report.counters.events)) // { missRatio: 0.25, ipc: 2, missesPerKiloInstruction: 0.5 }
 */
export function deriveMetricsOverRuns(runs: readonly (readonly EventAggregate[])[], backend: CountersReport['backend'] = 'perf'): DerivedMetrics {
  // cachegrind names its counts as its own summary does (D1 misses, D refs, I refs)
  const counts = backend === 'cachegrind' ? CACHEGRIND_RATIO_COUNTS : RATIO_COUNTS;
  const overall = metricsOf(runs, counts);
  const pmus = [...new Set(runs.flat().flatMap((event) => (event.pmus ?? []).map((share) => share.pmu)))];
  const byPmu: Record<string, DerivedMetrics> = {};
  for (const pmu of pmus) {
    const metrics = metricsOf(runs, counts, pmu);
    if (metrics.missRatio !== null || metrics.ipc !== null || metrics.missesPerKiloInstruction !== null) byPmu[pmu] = metrics;
  }
  return Object.keys(byPmu).length === 0 ? overall : { ...overall, byPmu };
}

/** The two counts each derived metric divides, numerator first. */
export const RATIO_COUNTS: Readonly<Record<'missRatio' | 'ipc' | 'missesPerKiloInstruction', readonly [string, string]>> = {
  missRatio: ['cache-misses', 'cache-references'],
  ipc: ['instructions', 'cycles'],
  missesPerKiloInstruction: ['cache-misses', 'instructions'],
};

function metricsOf(runs: readonly (readonly EventAggregate[])[], counts: typeof CACHEGRIND_RATIO_COUNTS, pmu?: string): DerivedMetrics {
  return {
    missRatio: ratioOverRuns(runs, counts.missRatio, pmu),
    ipc: ratioOverRuns(runs, counts.ipc, pmu),
    missesPerKiloInstruction: ratioOverRuns(runs, counts.missesPerKiloInstruction, pmu, 1000),
  };
}

/** Σ numerator / Σ denominator over the runs that counted both; null when none did (or the denominators add up to 0), or the backend has no such ratio. */
function ratioOverRuns(runs: readonly (readonly EventAggregate[])[], counts: readonly [string, string] | null, pmu: string | undefined, scale = 1): number | null {
  if (counts === null) return null;
  const [numerator, denominator] = counts;
  let top: number | null = null;
  let bottom = 0;
  for (const events of runs) {
    const above = totalOf(events, numerator, pmu);
    const below = totalOf(events, denominator, pmu);
    if (above === null || below === null) continue;
    top = (top ?? 0) + above;
    bottom += below;
  }
  return ratio(top, bottom, scale);
}

/**
 * One note per core type a hybrid task never ran on: its rows are `<not counted>` for that
 * reason, not because the command was brief.
 * @example idlePmuNotes(events) // ['cpu_atom: the task never ran on cpu_atom cores; cycles, instructions were counted on cpu_core only']
 */
export function idlePmuNotes(events: readonly EventAggregate[]): string[] {
  const byIdle = new Map<string, { events: string[]; ran: Set<string> }>();
  for (const event of events) {
    if (event.status !== 'counted' || event.pmus === undefined) continue;
    const ran = event.pmus.filter((share) => share.status === 'counted').map((share) => share.pmu);
    for (const share of event.pmus) {
      if (share.status !== 'not counted') continue;
      const entry = byIdle.get(share.pmu) ?? { events: [], ran: new Set<string>() };
      entry.events.push(event.event);
      for (const pmu of ran) entry.ran.add(pmu);
      byIdle.set(share.pmu, entry);
    }
  }
  return [...byIdle].map(
    ([pmu, { events: names, ran }]) => `${pmu}: the task never ran on ${pmu} cores; ${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} counted on ${[...ran].join(' and ')} only`,
  );
}

/**
 * The one warning for events perf counted only part of the time (more events than the PMU has
 * counters, so perf took turns and scaled each up): which, from how much, and the fix. null when none.
 */
export function multiplexNote(events: readonly EventAggregate[]): string | null {
  const scaled = events.filter((event) => event.status === 'counted' && event.lowestRunningPct !== null && event.lowestRunningPct < 100);
  if (scaled.length === 0) return null;
  return multiplexText(
    scaled.map((event) => event.event),
    Math.min(...scaled.map((event) => event.lowestRunningPct ?? 100)),
  );
}

function multiplexText(names: readonly string[], lowestPct: number): string {
  const group = names.length >= 2 ? names.slice(0, 2) : ['cache-misses', 'cache-references'];
  return (
    `${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} counted only part of the time and scaled up (down to ${formatRunningPct(lowestPct)} of the time): ` +
    `perf multiplexed more events than the PMU has counters; ask for fewer events, or group them so ratios come from the same time slices, e.g. -e '{${group.join(',')}}'`
  );
}

const MULTIPLEX_NOTE = /^(.+?) (?:was|were) counted only part of the time and scaled up \(down to ([\d.]+)% of the time\): /;

/** Whether `warning` is a run's multiplexing note (`cycles was counted only part of the time and scaled up …`). */
export function isMultiplexNote(warning: string): boolean {
  return MULTIPLEX_NOTE.test(warning);
}

/**
 * The warnings of many reports (compare's runs, a file's cells) with their multiplexing notes
 * merged into one: every event named, the lowest share; other warnings kept in order, once each.
 */
export function mergeMultiplexNotes(warnings: readonly string[]): string[] {
  const names: string[] = [];
  let lowest: number | null = null;
  let at = -1;
  const out: string[] = [];
  for (const warning of warnings) {
    const match = MULTIPLEX_NOTE.exec(warning);
    if (match === null) {
      if (!out.includes(warning)) out.push(warning);
      continue;
    }
    if (at === -1) at = out.length;
    for (const name of (match[1] ?? '').split(', ')) if (!names.includes(name)) names.push(name);
    const pct = Number(match[2]);
    if (lowest === null || pct < lowest) lowest = pct;
  }
  if (lowest !== null) out.splice(at, 0, multiplexText(names, lowest));
  return out;
}

/**
 * An event's running %: 100 for a hybrid event whose PMUs' shares covered all of the time, which
 * the fold leaves null (parsers/fold-hybrid.ts) though nothing was scaled; null when perf printed none.
 */
export function runningPctOfEvent(event: Pick<EventAggregate, 'lowestRunningPct' | 'pmus'>): number | null {
  return event.lowestRunningPct ?? (event.pmus === undefined ? null : 100);
}

/**
 * The lowest running % below 100 of the counts the known ratios of `derived` divide (`shareOf`
 * gives an event's, null for none): a ratio of counts perf scaled up from part of the time, each
 * in its own time slices unless grouped, is an estimate too; null when none was scaled.
 * @example ratiosScaledPct({ missRatio: 0.25, ipc: null, missesPerKiloInstruction: null }, (event) => shares[event]) // 49
 */
export function ratiosScaledPct(derived: DerivedMetrics, shareOf: (event: string) => number | null | undefined): number | null {
  const shares = Object.entries(RATIO_COUNTS)
    .filter(([key]) => derived[key as keyof typeof RATIO_COUNTS] !== null)
    .flatMap(([, counts]) => counts.map((event) => shareOf(event) ?? 100));
  const lowest = Math.min(100, ...shares);
  return lowest < 100 ? lowest : null;
}

/**
 * The lowest running % below 100 of the counts a report's miss ratio, IPC and MPKI divide (run's
 * ratio line, the REPL's counters line and the notebook's derived row all mark it the same way,
 * scaledRatiosText); null when perf counted them all of the time.
 * @example countersRatiosScaledPct(report.counters) // 50
 */
export function countersRatiosScaledPct(counters: Pick<CountersReport, 'events' | 'derived'>): number | null {
  return ratiosScaledPct(counters.derived, (name) => {
    const event = counters.events.find((candidate) => baseEventName(candidate.event) === name);
    return event === undefined ? null : runningPctOfEvent(event);
  });
}

/**
 * Per counted event for which perf printed a running %, its lowest over `reports`: 100 where
 * every run counted it all of the time (a hybrid event: its PMUs together), below where perf
 * multiplexed it and scaled its counts up
 * (compare's JSON keeps it per alternative, so a reader can tell which counts are estimates). A
 * ratio of two of them (miss ratio, IPC, MPKI: `missRatio`, `ipc`, `missesPerKiloInstruction`)
 * has the lower of its two counts' shares: a ratio of counts taken in turns is an estimate too.
 * @example runningPctsOf(runsOfCol) // { 'cache-misses': 49, 'cache-references': 49, 'page-faults': 100, missRatio: 49 }
 */
export function runningPctsOf(reports: readonly { readonly counters: CountersReport }[]): Record<string, number> {
  const lowest: Record<string, number> = {};
  for (const report of reports) {
    for (const event of report.counters.events) {
      const pct = runningPctOfEvent(event);
      if (event.status !== 'counted' || pct === null) continue;
      if (!Object.hasOwn(lowest, event.event) || pct < (lowest[event.event] ?? 100)) lowest[event.event] = pct;
    }
  }
  // a ratio's counts by their base names, as deriveMetrics finds them (`cache-misses:u` where perf
  // restricted the events to user space: perf_event_paranoid ≥ 2 for a user)
  const byBaseName = (name: string): number | undefined => lowestOfBaseName(lowest, name);
  for (const [key, [numerator, denominator]] of Object.entries(RATIO_COUNTS)) {
    const shares = [byBaseName(numerator), byBaseName(denominator)];
    if (shares.every((pct) => pct !== undefined)) lowest[key] = Math.min(...(shares as number[]));
  }
  return lowest;
}

/**
 * The value kept under an event's printed name (`cache-misses:u`) for its base name
 * (`cache-misses`), as a ratio names its counts: the lowest where two printed names share it.
 * @example lowestOfBaseName({ 'cache-misses:u': 49 }, 'cache-misses') // 49
 */
export function lowestOfBaseName(byPrinted: Readonly<Record<string, number | null | undefined>>, name: string): number | undefined {
  const values = Object.entries(byPrinted)
    .filter(([printed, value]) => baseEventName(printed) === name && typeof value === 'number')
    .map(([, value]) => value as number);
  return values.length === 0 ? undefined : Math.min(...values);
}

/** The hint to simulated caches, left out where the command has no --backend (attach: cachegrind cannot join a running process; the REPL, cells and the kernel: it runs programs, not code in perfcell's process). */
export const CACHEGRIND_TRY = '; try --backend cachegrind';
const NOT_SUPPORTED_REASON = `not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU${CACHEGRIND_TRY})`;
const NOT_COUNTED_REASON = 'never counted (the command ran too briefly to be scheduled, or counters were taken by others)';

/** Turns perf's window into the report's counter block, and the notes for the report's warnings (what stopped perf, if anything, first). */
export function buildPerfCounters(
  window: PerfWindowResult,
  intervalMs: number,
  requestedEvents: readonly string[] = [],
  requestedMetricGroups: readonly string[] = [],
  { hasCachegrind = true, saysDefaultNote = true }: { readonly hasCachegrind?: boolean; readonly saysDefaultNote?: boolean } = {},
): { counters: CountersReport; notes: string[] } {
  const aggregates = aggregateRecords(window.records, window.enabledFromS === null ? {} : { startTimeS: window.enabledFromS });
  const events = aggregates.map((aggregate) => fromCountingStart(withEnabledSpan(aggregate, window), window.enabledFromS, window.enabledS));
  const built = countersFromAggregates(events, { intervalMs, pauseS: window.pauseS, requestedEvents, hasCachegrind, saysDefaultNote });
  // what stopped perf from counting, first
  if (window.problem) built.notes.unshift(window.problem.message);
  const metrics = summarizeMetricRows(window.records);
  built.notes.push(...metricGroupNotes(window.messages, requestedMetricGroups, metrics.length > 0));
  return metrics.length === 0 ? built : { ...built, counters: { ...built.counters, metrics } };
}

/** The counter block from per-event aggregates (a live watch keeps them running rather than as records). */
export function countersFromAggregates(
  events: readonly EventAggregate[],
  { intervalMs, pauseS, notCountedReason = NOT_COUNTED_REASON, requestedEvents = [], hasCachegrind = true, saysDefaultNote = true }: { intervalMs: number; pauseS: number; notCountedReason?: string; readonly requestedEvents?: readonly string[]; readonly hasCachegrind?: boolean; readonly saysDefaultNote?: boolean },
): { counters: CountersReport; notes: string[] } {
  const notSupported = hasCachegrind ? NOT_SUPPORTED_REASON : NOT_SUPPORTED_REASON.replace(CACHEGRIND_TRY, '');
  const unsupported: UnsupportedEvent[] = events
    .filter((event) => event.status === 'not supported')
    .map((event) => ({ event: event.event, reason: notSupported }));
  const userOnly = describeUserOnly(events.map((event) => event.event), requestedEvents);
  const notes = userOnly === null ? [] : [userOnly];
  for (const event of events) {
    if (event.status === 'not counted') notes.push(`${event.event} ${notCountedReason}`);
  }
  notes.push(...idlePmuNotes(events));
  // the software default set on a machine without hardware counters: said on the first report only
  const defaultNote = saysDefaultNote ? takeDefaultEventsNote(requestedEvents.length > 0 ? requestedEvents : events.map((event) => event.event)) : null;
  if (defaultNote !== null) notes.push(hasCachegrind ? defaultNote : defaultNote.replace(DEFAULT_NOTE_CACHEGRIND, ''));
  const multiplexed = multiplexNote(events);
  if (multiplexed !== null) notes.push(multiplexed);
  return {
    counters: {
      backend: 'perf',
      simulated: false,
      intervalMs,
      events: events.filter((event) => event.status !== 'not supported').map(withoutPerfCpuShare).map(withFoldedRunningPct),
      unsupported,
      derived: deriveMetrics(events),
      pauseS,
    },
    notes,
  };
}

/**
 * perf's last interval is cut by our SIGINT a little after the command ended, and its first one
 * began before; the counted span is the command's own, on our monotonic clock, so a 1 ms command
 * is not divided by perf's 3 ms.
 */
function withEnabledSpan(aggregate: EventAggregate, window: PerfWindowResult): EventAggregate {
  if (window.enabledS === null || aggregate.total === null) return aggregate;
  const countedSeconds = window.enabledS;
  return { ...aggregate, countedSeconds, perSecond: countedSeconds > 0 ? aggregate.total / countedSeconds : null };
}

/**
 * Samples timed from where counting started, as the RSS series is from the command's start: perf
 * times its intervals from its own start, which for a perf armed while the REPL's next line was
 * typed, or shared by a file's cells, is long before the command (a 0.25 s REPL line had samples
 * at 1.31-1.51 s, a 3 ms cell one at 0.35 s).
 */
function fromCountingStart(aggregate: EventAggregate, enabledFromS: number | null, enabledS: number | null = null): EventAggregate {
  if ((enabledFromS === null || enabledFromS === 0) && enabledS === null) return aggregate;
  // The interval that carries the window's last counts is stamped when perf prints it, after counting
  // stopped: it ends where counting did (a QA pass: a 0.2995 s cell's last sample at 0.3042 s, a
  // 5 µs cell's at 6.7 ms).
  const end = enabledS ?? Infinity;
  return { ...aggregate, samples: aggregate.samples.map((sample) => ({ ...sample, timeS: Math.min(end, Math.max(0, sample.timeS - (enabledFromS ?? 0))) })) };
}

/**
 * perf's "CPUs utilized" beside task-clock divides by perf's own wall time, from perf's start (its
 * wait for the enable included): a run read 0.615 beside its own 98.6 % of one cpu. The report's
 * CPU figures are its own; perf's is left out of reports (`parse` keeps it, as perf printed it).
 */
function withoutPerfCpuShare(event: EventAggregate): EventAggregate {
  if (event.perfMetric?.unit !== 'CPUs utilized') return event;
  const { perfMetric: _dropped, ...rest } = event;
  void _dropped;
  return rest;
}

/**
 * A counted hybrid event whose PMUs together counted all of the time gets running % 100, as run -r
 * and compare give it (runningPctOfEvent): the fold leaves it null (parsers/fold-hybrid.ts), which
 * the report's schema reads as 'perf printed none'. Each PMU counts only while the task runs on its
 * core type, so a PMU's own share is where the task ran, not multiplexing; their sum below 100 is.
 */
function withFoldedRunningPct(event: EventAggregate): EventAggregate {
  if (event.status !== 'counted' || event.lowestRunningPct !== null) return event;
  const pct = runningPctOfEvent(event);
  return pct === null ? event : { ...event, lowestRunningPct: pct };
}

/** The counter block when perf is off or could not count. */
export function noCounters(): CountersReport {
  return {
    backend: 'none',
    simulated: false,
    intervalMs: null,
    events: [],
    unsupported: [],
    derived: { missRatio: null, ipc: null, missesPerKiloInstruction: null },
    pauseS: 0,
  };
}
