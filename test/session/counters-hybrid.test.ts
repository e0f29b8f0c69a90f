import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateRecords } from '../../parsers/aggregate.ts';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { countersFromAggregates, deriveMetrics, deriveMetricsOverRuns, idlePmuNotes, mergeMultiplexNotes, multiplexNote } from '../../src/session/counters.ts';

/**
 * Counter blocks built from perf 6.1 `-x, -I 100` rows (the layout of the local perf 6.1 capture
 * samples/perf/local-perf61-vm-pid-interval-comma.csv.txt). No machine here has a hardware PMU,
 * so the hardware counts are written to a known truth; the hybrid and `<not counted>` shapes
 * follow samples/perf/lkml-2024-jclark-hybrid-not-counted-before.json.txt.
 */
const row = (timeS: number, count: string, event: string, pct = '100.00'): string =>
  `${timeS.toFixed(9).padStart(15)},${count},,${event},${count.startsWith('<') ? 0 : 50_000_000},${pct},,`;
const aggregate = (lines: string[]) => aggregateRecords(parsePerfStat(lines.join('\n')).records);

describe('counters on hybrid and multiplexed rows', () => {
  it('derives miss ratio, IPC and MPKI from folded totals, and per PMU where both halves exist', () => {
    const lines: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const t = i / 10;
      // per 0.1 s, truth: P-cores 75% of the time, E-cores 25%; printed values are extrapolated
      lines.push(
        row(t, '100000', 'cpu_core/cache-misses/', '75.00'), row(t, '100000', 'cpu_atom/cache-misses/', '25.00'),
        row(t, '400000', 'cpu_core/cache-references/', '75.00'), row(t, '400000', 'cpu_atom/cache-references/', '25.00'),
        row(t, '240000000', 'cpu_core/instructions/', '75.00'), row(t, '80000000', 'cpu_atom/instructions/', '25.00'),
        row(t, '100000000', 'cpu_core/cycles/', '75.00'), row(t, '100000000', 'cpu_atom/cycles/', '25.00'),
      );
    }
    const events = aggregate(lines);
    const derived = deriveMetrics(events);
    // instructions taken: 0.75·240M + 0.25·80M = 200M per interval; cycles 100M; misses 100k
    expect(derived.missRatio).toBeCloseTo(0.25, 9);
    expect(derived.ipc).toBeCloseTo(2, 9);
    expect(derived.missesPerKiloInstruction).toBeCloseTo(0.5, 9);
    expect(derived.byPmu?.['cpu_core']?.ipc).toBeCloseTo(2.4, 9);
    expect(derived.byPmu?.['cpu_atom']?.ipc).toBeCloseTo(0.8, 9);
    const { notes } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
    expect(notes).toEqual([]);
  });

  it('names the core type a core-only task never ran on, instead of "ran too briefly"', () => {
    const events = aggregate([
      row(0.1, '5000', 'cpu_core/cache-misses/'), row(0.1, '<not counted>', 'cpu_atom/cache-misses/', '0.00'),
      row(0.1, '20000', 'cpu_core/cache-references/'), row(0.1, '<not counted>', 'cpu_atom/cache-references/', '0.00'),
    ]);
    expect(idlePmuNotes(events)).toEqual([
      'cpu_atom: the task never ran on cpu_atom cores; cache-misses, cache-references were counted on cpu_core only',
    ]);
    const { counters, notes } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
    expect(notes.join('\n')).not.toContain('ran too briefly');
    expect(counters.derived.missRatio).toBe(0.25);
    expect(counters.derived.byPmu).toEqual({ cpu_core: { missRatio: 0.25, ipc: null, missesPerKiloInstruction: null } });
  });

  it('the same on the real capture lkml-2024-jclark-hybrid-not-counted-before', () => {
    const text = readFileSync(new URL('../../samples/perf/lkml-2024-jclark-hybrid-not-counted-before.json.txt', import.meta.url), 'utf8');
    const events = aggregateRecords(parsePerfStat(text).records);
    expect(idlePmuNotes(events)).toEqual(['cpu_atom: the task never ran on cpu_atom cores; branch-misses was counted on cpu_core only']);
  });

  it('one <not counted> event leaves the others and their ratios intact', () => {
    const events = aggregate([
      row(0.1, '<not counted>', 'cache-misses'), row(0.1, '1000', 'cache-references'),
      row(0.1, '200000000', 'instructions'), row(0.1, '100000000', 'cycles'),
    ]);
    const { counters, notes } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
    expect(counters.events.map((event) => [event.event, event.status, event.total])).toEqual([
      ['cache-misses', 'not counted', null], ['cache-references', 'counted', 1000], ['instructions', 'counted', 200_000_000], ['cycles', 'counted', 100_000_000],
    ]);
    expect(counters.derived).toEqual({ missRatio: null, ipc: 2, missesPerKiloInstruction: null });
    expect(notes).toEqual(['cache-misses never counted (the command ran too briefly to be scheduled, or counters were taken by others)']);
  });

  it('warns once about multiplexing, with the lowest share and the fix', () => {
    const events = aggregate([
      row(0.1, '100000', 'cache-misses', '50.00'), row(0.1, '400000', 'cache-references', '50.00'),
      row(0.1, '200000000', 'instructions', '50.00'), row(0.1, '100000000', 'cycles', '100.00'), row(0.1, '30', 'page-faults'),
    ]);
    expect(multiplexNote(events)).toBe(
      "cache-misses, cache-references, instructions were counted only part of the time and scaled up (down to 50% of the time): " +
        "perf multiplexed more events than the PMU has counters; ask for fewer events, or group them so ratios come from the same time slices, e.g. -e '{cache-misses,cache-references}'",
    );
    const { notes } = countersFromAggregates(events, { intervalMs: 100, pauseS: 0 });
    expect(notes.filter((note) => note.includes('multiplexed'))).toHaveLength(1);
    expect(multiplexNote(aggregate([row(0.1, '30', 'page-faults')]))).toBeNull();
  });
});

describe('deriveMetricsOverRuns (run -r)', () => {
  // Rows in the layout of the perf 6.1 capture samples/perf/local-perf61-vm-pid-interval-comma.csv.txt
  // and the hybrid capture lkml-2023-kanliang-adl-hybrid-default.human.txt, counts written to a known truth.
  it('takes each ratio of the runs\' summed counts (their means), not the mean of each run\'s ratio, as perf stat -r does', () => {
    // a short run at IPC 1 (100M instructions) and a long one at IPC 3 (900M): ratio of the means 1000M / 400M = 2.5;
    // the mean of the two ratios would say 2
    const short = aggregate([row(0.1, '100000000', 'instructions'), row(0.1, '100000000', 'cycles'), row(0.1, '1000', 'cache-misses'), row(0.1, '4000', 'cache-references')]);
    const long = aggregate([row(0.1, '900000000', 'instructions'), row(0.1, '300000000', 'cycles'), row(0.1, '9000', 'cache-misses'), row(0.1, '12000', 'cache-references')]);
    expect(deriveMetricsOverRuns([short, long])).toEqual({ missRatio: 10_000 / 16_000, ipc: 2.5, missesPerKiloInstruction: (1000 * 10_000) / 1e9 });
    // one run is deriveMetrics of its events
    expect(deriveMetricsOverRuns([long])).toEqual(deriveMetrics(long));
  });

  it('sums a ratio over the runs that counted both its halves only, and per PMU likewise', () => {
    // the second run's cycles were <not counted>: its instructions stay out of IPC, not out of MPKI
    const first = aggregate([row(0.1, '200000000', 'instructions'), row(0.1, '100000000', 'cycles'), row(0.1, '1000', 'cache-misses')]);
    const second = aggregate([row(0.1, '600000000', 'instructions'), row(0.1, '<not counted>', 'cycles', '0.00'), row(0.1, '3000', 'cache-misses')]);
    expect(deriveMetricsOverRuns([first, second])).toEqual({ missRatio: null, ipc: 2, missesPerKiloInstruction: (1000 * 4000) / 8e8 });
    // hybrid: cpu_atom counted in one run only, its IPC from that run; cpu_core's over both
    const hybrid = (coreInstructions: string, atom: boolean) => aggregate([
      row(0.1, coreInstructions, 'cpu_core/instructions/'), row(0.1, atom ? '50000000' : '<not counted>', 'cpu_atom/instructions/', atom ? '100.00' : '0.00'),
      row(0.1, '100000000', 'cpu_core/cycles/'), row(0.1, atom ? '100000000' : '<not counted>', 'cpu_atom/cycles/', atom ? '100.00' : '0.00'),
    ]);
    const byPmu = deriveMetricsOverRuns([hybrid('300000000', true), hybrid('100000000', false)]).byPmu;
    expect(byPmu?.['cpu_core']?.ipc).toBeCloseTo(2, 9);
    expect(byPmu?.['cpu_atom']?.ipc).toBeCloseTo(0.5, 9);
  });
});

describe('mergeMultiplexNotes', () => {
  it('merges the multiplexing notes of many reports into one naming every event and the lowest share', () => {
    const at = (pct: string, events: string[]) =>
      multiplexNote(aggregate(events.map((event) => row(0.1, '1000', event, pct)))) ?? '';
    const merged = mergeMultiplexNotes([at('50.00', ['cache-misses']), 'other', at('48.00', ['cache-misses', 'cycles']), 'other']);
    expect(merged).toEqual([
      "cache-misses, cycles were counted only part of the time and scaled up (down to 48% of the time): perf multiplexed more events than the PMU has counters; ask for fewer events, or group them so ratios come from the same time slices, e.g. -e '{cache-misses,cycles}'",
      'other',
    ]);
  });
});
