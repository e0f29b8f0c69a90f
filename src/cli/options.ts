import { InvalidArgumentError } from 'commander';
import { eventListProblem, expandEventPresets, splitEventList } from '../../parsers/event-list.ts';
import { UsageError } from '../errors.ts';
import { toolEventProblem } from '../perf/tool-events.ts';
import { INTERVAL_MS } from '../session/option-rules.ts';

/**
 * `-e a,b -e c` → ['a', 'b', 'c']; commas inside `cpu/event=0x3c,umask=0/` and inside a group
 * `{cache-misses,cache-references}` stay inside it; presets (`cache`, `ipc`, `tlb`, `branch`)
 * become their events.
 */
export function parseEventList(value: string, previous: readonly string[] = []): string[] {
  const problem = eventListProblem(value);
  if (problem !== null) throw new InvalidArgumentError(problem);
  const events = splitEventList(value);
  if (events.length === 0) throw new InvalidArgumentError('give at least one event, e.g. -e page-faults');
  return expandEventPresets([...previous, ...events]);
}

/** `-M a,b -M c` → ['a', 'b', 'c']: perf's metric groups or metrics, passed to `perf stat -M` as they are. */
export function parseMetricList(value: string, previous: readonly string[] = []): string[] {
  const metrics = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (metrics.length === 0) throw new InvalidArgumentError('give at least one metric group or metric, e.g. -M TopdownL1 (perf list metricgroups)');
  // hyperfine's -M is its --max-runs: a count here is that, mistyped
  if (metrics.every((name) => /^\d+$/.test(name))) throw new InvalidArgumentError(`-M is perf's metric groups here (e.g. -M TopdownL1); for hyperfine's -M ${value}, write --max-runs ${value}`);
  return [...previous, ...metrics];
}

/**
 * The help text of `-e, --events` wherever perf counts. The default depends on the machine
 * (perf/default-events.ts), and --help must not run perf to learn it, so it names both sets;
 * written out rather than imported, to keep --help from loading the prober (a test checks the two agree).
 */
export const EVENTS_HELP =
  'perf events or presets (cache, ipc, tlb, branch), comma-separated (default: cache-misses,cache-references,instructions,cycles,page-faults ' +
  'where the CPU counts them, else page-faults,context-switches, or page-faults alone where perf counts user space only; perfcell events says which here)';

/** The help text of `-M, --metrics` wherever perf counts. */
export const METRICS_HELP = "perf's own metric groups or metrics, comma-separated, passed to perf stat -M (see perf list metricgroups); their values are printed with the counters";

/** perf's -I (session/option-rules.ts: the library's intervalMs follows the same rule). */
export function parseIntervalMs(value: string): number {
  const ms = Number(value);
  if (!INTERVAL_MS.holds(ms)) throw new InvalidArgumentError(`give ${INTERVAL_MS.wants}, e.g. -I 100`);
  return ms;
}

/** The perf flags every measuring command shares (-e, -M, -I, --no-perf). */
export interface PerfFlags {
  readonly events?: readonly string[];
  readonly metrics?: readonly string[];
  readonly interval: number;
  readonly perf: boolean;
}

/**
 * -e and -M name what perf counts, so with --no-perf they would be dropped without a word: a usage
 * error naming the fix instead, e.g. `-e needs perf (drop --no-perf, or drop -e)`.
 */
export function refusePerfFlagsWithoutPerf(flags: PerfFlags): void {
  const given = flags.perf ? null : perfOnlyFlags(flags);
  if (given === null) return;
  throw new UsageError(`${given.named} need${given.count === 1 ? 's' : ''} perf, which --no-perf turns off (drop --no-perf, or drop ${given.named})`);
}

/**
 * -e and -M name perf's events, which cachegrind does not count (it simulates the caches): with
 * --backend cachegrind they would be dropped without a word, so a usage error naming the fix.
 */
export function refusePerfFlagsWithBackend(flags: PerfFlags, backend: string): void {
  const given = backend === 'cachegrind' ? perfOnlyFlags(flags) : null;
  if (given === null) return;
  throw new UsageError(`${given.named} pick${given.count === 1 ? 's' : ''} perf's events, which --backend cachegrind does not count (drop ${given.named}, or drop --backend cachegrind)`);
}

/** The flags given that only perf reads, as the errors name them (`-e`, `-M`, `-e and -M`); null when none. */
function perfOnlyFlags(flags: PerfFlags): { named: string; count: number } | null {
  const given = [...(flags.events === undefined ? [] : ['-e']), ...(flags.metrics === undefined ? [] : ['-M'])];
  return given.length === 0 ? null : { named: given.join(' and '), count: given.length };
}

/**
 * -e, -M, -I and --no-perf as measure options: events and metricGroups only where given; -e or -M
 * with --no-perf is a UsageError, and so is a perf tool event (perf/tool-events.ts).
 */
export function perfFlagOptions(flags: PerfFlags): { events?: readonly string[]; metricGroups?: readonly string[]; intervalMs: number; perf: boolean } {
  refusePerfFlagsWithoutPerf(flags);
  const problem = flags.events === undefined ? null : toolEventProblem(flags.events);
  if (problem !== null) throw new UsageError(problem);
  return {
    ...(flags.events === undefined ? {} : { events: flags.events }),
    ...(flags.metrics === undefined ? {} : { metricGroups: flags.metrics }),
    intervalMs: flags.interval,
    perf: flags.perf,
  };
}
