import type { EventAggregate } from '../../parsers/aggregate.ts';
import type { CachegrindProfile } from '../../parsers/cachegrind.ts';
import type { CountersReport, UnsupportedEvent } from '../session/report.ts';

/**
 * The events perfcell reports from a cachegrind run, named as cachegrind's own end-of-run summary
 * names them (so `valgrind --tool=cachegrind` output can be compared line by line), each the sum of
 * raw cachegrind events. Cache misses first; `D1 read misses` is split out because the reads are
 * what access-pattern experiments change (the writes of a fill loop are the same in both).
 */
export const CACHEGRIND_EVENTS: ReadonlyArray<{ readonly event: string; readonly sumOf: readonly string[] }> = [
  { event: 'D1 misses', sumOf: ['D1mr', 'D1mw'] },
  { event: 'D1 read misses', sumOf: ['D1mr'] },
  { event: 'D refs', sumOf: ['Dr', 'Dw'] },
  { event: 'LLd misses', sumOf: ['DLmr', 'DLmw'] },
  { event: 'LL misses', sumOf: ['ILmr', 'DLmr', 'DLmw'] },
  { event: 'LL refs', sumOf: ['I1mr', 'D1mr', 'D1mw'] },
  { event: 'I refs', sumOf: ['Ir'] },
  { event: 'I1 misses', sumOf: ['I1mr'] },
  { event: 'LLi misses', sumOf: ['ILmr'] },
];

/**
 * Every cachegrind report's note: of the backend, not of one program, so compare says it once
 * unnamed, even where one alternative's runs alone have it (the other's failed or were cut short:
 * it read `'./rowcol row 64 1': counts are from cachegrind's simulated caches …`, as if the other's
 * were not).
 */
export const CACHEGRIND_NOTE = "counts are from cachegrind's simulated caches and the time is under valgrind (20-100× slower than native)";

/** Whether a warning is CACHEGRIND_NOTE. */
export function isCachegrindNote(warning: string): boolean {
  return warning === CACHEGRIND_NOTE;
}

/**
 * The two counts each derived metric divides under cachegrind, numerator first, as perf's are in
 * session/counters.ts RATIO_COUNTS: a run's report and `run -r`'s ratios of the means both take
 * them from here. No IPC: cachegrind counts no cycles.
 */
export const CACHEGRIND_RATIO_COUNTS: Readonly<Record<'missRatio' | 'ipc' | 'missesPerKiloInstruction', readonly [string, string] | null>> = {
  missRatio: ['D1 misses', 'D refs'],
  ipc: null,
  missesPerKiloInstruction: ['D1 misses', 'I refs'],
};

function sumEvents(totals: Readonly<Record<string, number>>, names: readonly string[]): number | null {
  let sum = 0;
  for (const name of names) {
    const value = totals[name];
    if (value === undefined) return null;
    sum += value;
  }
  return sum;
}

function ratio(numerator: number | null, denominator: number | null, scale = 1): number | null {
  return numerator === null || denominator === null || denominator === 0 ? null : (numerator / denominator) * scale;
}

/**
 * Maps a parsed cachegrind profile to the report's counters. Each event has its whole-program
 * `total` and no interval samples (cachegrind counts once, at exit), so `samples` is empty and
 * `countedSeconds`, `perSecond`, `min`, `max` and `lowestRunningPct` are null: a rate per second
 * would mislead, because the program ran 20–100× slower under valgrind than it does natively.
 * Events a file lacks (a run without --cache-sim=yes has only Ir) are 'not supported' and listed
 * in `unsupported`. missRatio = D1 misses / D refs; missesPerKiloInstruction = D1 misses per 1000 I refs;
 * ipc is null (cachegrind counts no cycles).
 */
export function countersFromCachegrind(profile: CachegrindProfile): CountersReport {
  const unsupported: UnsupportedEvent[] = [];
  const events: EventAggregate[] = CACHEGRIND_EVENTS.map(({ event, sumOf }) => {
    const total = sumEvents(profile.totals, sumOf);
    if (total === null) {
      const missing = sumOf.filter((name) => profile.totals[name] === undefined).join(', ');
      unsupported.push({ event, reason: `cachegrind recorded no ${missing} (run it with --cache-sim=yes)` });
    }
    return {
      event,
      unit: '',
      status: total === null ? 'not supported' : 'counted',
      total,
      countedSeconds: null,
      perSecond: null,
      samples: [],
      min: null,
      max: null,
      lowestRunningPct: null,
    };
  });
  const totalOf = (event: string): number | null => events.find((aggregate) => aggregate.event === event)?.total ?? null;
  const ratioOf = (counts: readonly [string, string], scale = 1): number | null => ratio(totalOf(counts[0]), totalOf(counts[1]), scale);
  return {
    backend: 'cachegrind',
    simulated: true,
    intervalMs: null,
    events,
    unsupported,
    derived: {
      missRatio: ratioOf(CACHEGRIND_RATIO_COUNTS.missRatio!),
      ipc: null,
      missesPerKiloInstruction: ratioOf(CACHEGRIND_RATIO_COUNTS.missesPerKiloInstruction!, 1000),
    },
    pauseS: 0,
  };
}
