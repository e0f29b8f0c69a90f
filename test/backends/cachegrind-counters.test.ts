import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCachegrind } from '../../parsers/cachegrind.ts';
import { CACHEGRIND_EVENTS, countersFromCachegrind } from '../../src/backends/cachegrind-counters.ts';

const samplesDir = join(import.meta.dirname, '../../samples/cachegrind');
const read = (name: string) => readFileSync(join(samplesDir, name), 'utf8');

/** valgrind's own summary in the capture's .valgrind.log: label → count (the first number). */
function valgrindSummary(name: string): Map<string, number> {
  const log = read(name.replace('.cachegrind.out', '.valgrind.log'));
  return new Map(
    [...log.matchAll(/^==\d+== (\S+)\s+(\S+):\s+([\d,]+)/gm)].map((match) => [
      `${match[1]} ${match[2]}`,
      Number(match[3]!.replaceAll(',', '')),
    ]),
  );
}

describe('countersFromCachegrind', () => {
  it.each([
    'rowcol-row-256.static.cachegrind.out',
    'rowcol-col-256.static.cachegrind.out',
    'rowcol-col-64.small-caches.cachegrind.out',
    'rowcol-row-64.dynamic.cachegrind.out',
  ])('%s: every combined event equals valgrind’s own summary line of that name', (name) => {
    const counters = countersFromCachegrind(parseCachegrind(read(name)));
    const summary = valgrindSummary(name);
    for (const aggregate of counters.events) {
      if (aggregate.event === 'D1 read misses') continue; // not a summary line of its own
      expect({ event: aggregate.event, total: aggregate.total }).toEqual({ event: aggregate.event, total: summary.get(aggregate.event) });
    }
  });

  it('reports cache misses first, counted, with no intervals and no rates', () => {
    const counters = countersFromCachegrind(parseCachegrind(read('rowcol-col-256.static.cachegrind.out')));
    expect(counters.events[0]).toEqual({
      event: 'D1 misses',
      unit: '',
      status: 'counted',
      total: 65757 + 8338, // D1mr + D1mw of the summary line
      countedSeconds: null,
      perSecond: null,
      samples: [],
      min: null,
      max: null,
      lowestRunningPct: null,
    });
    expect(counters.events.map((aggregate) => aggregate.event)).toEqual(CACHEGRIND_EVENTS.map(({ event }) => event));
    expect(counters).toMatchObject({ backend: 'cachegrind', simulated: true, intervalMs: null, unsupported: [], pauseS: 0 });
  });

  it('derives the D1 miss ratio and misses per 1000 instructions, but no IPC', () => {
    const totals = parseCachegrind(read('rowcol-row-256.static.cachegrind.out')).totals;
    const { derived } = countersFromCachegrind(parseCachegrind(read('rowcol-row-256.static.cachegrind.out')));
    const misses = totals['D1mr']! + totals['D1mw']!;
    expect(derived.missRatio).toBeCloseTo(misses / (totals['Dr']! + totals['Dw']!), 15);
    expect(derived.missesPerKiloInstruction).toBeCloseTo((1000 * misses) / totals['Ir']!, 12);
    expect(derived.ipc).toBeNull();
  });

  it('marks the cache events not supported for a run without --cache-sim', () => {
    const counters = countersFromCachegrind(parseCachegrind(read('rowcol-row-64.no-cache-sim.cachegrind.out')));
    const counted = counters.events.filter((aggregate) => aggregate.status === 'counted').map((aggregate) => aggregate.event);
    expect(counted).toEqual(['I refs']);
    expect(counters.events.find((aggregate) => aggregate.event === 'D1 misses')).toMatchObject({ status: 'not supported', total: null });
    expect(counters.unsupported).toContainEqual({
      event: 'D1 misses',
      reason: 'cachegrind recorded no D1mr, D1mw (run it with --cache-sim=yes)',
    });
    expect(counters.unsupported).toHaveLength(CACHEGRIND_EVENTS.length - 1);
    expect(counters.derived).toEqual({ missRatio: null, ipc: null, missesPerKiloInstruction: null });
  });

  it('gives a null ratio rather than NaN when nothing was referenced', () => {
    const counters = countersFromCachegrind(
      parseCachegrind('events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw\nsummary: 0 0 0 0 0 0 0 0 0\n'),
    );
    expect(counters.derived).toEqual({ missRatio: null, ipc: null, missesPerKiloInstruction: null });
    expect(counters.events.every((aggregate) => aggregate.total === 0)).toBe(true);
  });
});
