import { describe, expect, it } from 'vitest';
import { buildIntervalRow, type ProcPoint } from '../../src/attach/interval-row.ts';
import { parsePerfStat } from '../../parsers/perf-stat.ts';
import { renderAttachFrame } from '../../src/render/attach-table.ts';

/**
 * Attach's per-interval rows on hardware rows in perf 6.1's `-x, -I 100` layout
 * (samples/perf/local-perf61-vm-pid-interval-comma.csv.txt) with hybrid names as in
 * samples/perf/lkml-2024-jclark-hybrid-not-counted-before.json.txt; counts written to a known
 * truth, since no machine here has a hardware PMU.
 */
const row = (timeS: number, count: string, event: string, pct = '100.00'): string =>
  `${timeS.toFixed(9).padStart(15)},${count},,${event},${count.startsWith('<') ? 0 : 50_000_000},${pct},,`;
const point = (atS: number): ProcPoint => ({ atS, rssBytes: 4096, peakRssBytes: 4096, utimeTicks: 0, stimeTicks: 0, machineTicks: [], exited: false });

describe('attach interval rows on hybrid and multiplexed counters', () => {
  it('folds cpu_core/cpu_atom rows into one event per interval, and marks a multiplexed one', () => {
    const records = parsePerfStat(
      [
        row(0.1, '120000', 'cpu_core/cache-misses/', '75.00'), row(0.1, '40000', 'cpu_atom/cache-misses/', '25.00'),
        row(0.1, '200000000', 'instructions', '50.00'), row(0.1, '12', 'page-faults'),
      ].join('\n'),
    ).records;
    const built = buildIntervalRow({ timeS: 0.1, records }, 0, point(0), point(0.1));
    expect(built.events).toEqual([
      { event: 'cache-misses', unit: '', status: 'counted', value: 100_000, perSecond: 1_000_000 },
      { event: 'instructions', unit: '', status: 'counted', value: 200_000_000, perSecond: 2_000_000_000, runningPct: 50 },
      { event: 'page-faults', unit: '', status: 'counted', value: 12, perSecond: 120 },
    ]);
    const frame = renderAttachFrame([built], { pid: 7, comm: 'work', intervalMs: 100, width: 400, height: 12 });
    expect(frame).toContain(
      "* scaled from as little as 50% of the time (instructions): perf multiplexed more events than the PMU has counters; ask for fewer, or group them: -e '{cache-misses,cache-references}'",
    );
    expect(frame).toMatch(/\*2,000,000,000/);
    expect(frame).not.toMatch(/\*1,000,000\b/);
  });
});
