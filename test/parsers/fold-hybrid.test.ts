import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateRecords, createAggregator, type EventAggregate } from '../../parsers/aggregate.ts';
import { foldParts, splitPmuEvent } from '../../parsers/fold-hybrid.ts';
import { parsePerfStat } from '../../parsers/perf-stat.ts';

const sample = (name: string): string => readFileSync(new URL(`../../samples/perf/${name}`, import.meta.url), 'utf8');
const find = (aggregates: readonly EventAggregate[], event: string): EventAggregate => {
  const found = aggregates.find((aggregate) => aggregate.event === event);
  if (found === undefined) throw new Error(`no aggregate for ${event} in ${aggregates.map((a) => a.event).join(', ')}`);
  return found;
};

/**
 * Rows as perf 6.1 prints them under `perf stat -x, -I 100 --pid PID` (the layout of
 * samples/perf/local-perf61-vm-pid-interval-comma.csv.txt: time,count,unit,event,runtime,pct,metric,unit),
 * with the hybrid event names and percentages of samples/perf/lkml-2024-jclark-hybrid-not-counted-before.json.txt.
 * No machine here has a hybrid PMU, so the counts are made up to a known truth.
 */
const row = (timeS: number, count: string, event: string, pct: string): string =>
  `${timeS.toFixed(9).padStart(15)},${count},,${event},${count.startsWith('<') ? 0 : 50_000_000},${pct},,`;

describe('splitPmuEvent', () => {
  it('splits per-PMU names of generic events, keeps modifiers, and leaves other PMUs alone', () => {
    expect(splitPmuEvent('cpu_core/cache-misses/')).toEqual({ pmu: 'cpu_core', event: 'cache-misses' });
    expect(splitPmuEvent('cpu_atom/L1-dcache-load-misses/')).toEqual({ pmu: 'cpu_atom', event: 'L1-dcache-load-misses' });
    expect(splitPmuEvent('cpu_core/cycles/u')).toEqual({ pmu: 'cpu_core', event: 'cycles:u' });
    expect(splitPmuEvent('cpu_atom/instructions:u/')).toEqual({ pmu: 'cpu_atom', event: 'instructions:u' });
    expect(splitPmuEvent('power/energy-pkg/')).toBeUndefined();
    expect(splitPmuEvent('msr/tsc/')).toBeUndefined();
    expect(splitPmuEvent('cpu/event=0x3c,umask=0/')).toBeUndefined();
    expect(splitPmuEvent('cycles')).toBeUndefined();
  });
});

describe('hybrid folding', () => {
  it('folds a task that ran 75% on P-cores and 25% on E-cores to the true total, with the per-PMU split', () => {
    // truth per 0.1 s interval: 90,000 misses taken on cpu_core and 10,000 on cpu_atom = 100,000;
    // perf prints each extrapolated to the whole interval: 90,000 / 0.75 and 10,000 / 0.25
    const lines: string[] = [];
    for (let i = 1; i <= 5; i++) {
      lines.push(row(i / 10, '120000', 'cpu_core/cache-misses/', '75.00'), row(i / 10, '40000', 'cpu_atom/cache-misses/', '25.00'));
      lines.push(row(i / 10, '400000', 'cpu_core/cache-references/', '75.00'), row(i / 10, '400000', 'cpu_atom/cache-references/', '25.00'));
    }
    const aggregates = aggregateRecords(parsePerfStat(lines.join('\n')).records);
    expect(aggregates.map((aggregate) => aggregate.event)).toEqual(['cache-misses', 'cache-references']);
    const misses = find(aggregates, 'cache-misses');
    const naiveSum = 5 * (120_000 + 40_000);
    expect(Math.abs((misses.total ?? 0) - 500_000) / 500_000).toBeLessThan(0.02);
    expect(misses.total).not.toBe(naiveSum);
    expect(misses.perSecond).toBeCloseTo(1_000_000, 0);
    expect(misses.samples.map((s) => s.value)).toEqual([100_000, 100_000, 100_000, 100_000, 100_000]);
    expect(misses.lowestRunningPct).toBeNull();
    expect(misses.pmus).toEqual([
      { pmu: 'cpu_core', event: 'cpu_core/cache-misses/', status: 'counted', total: 450_000, share: 0.9 },
      { pmu: 'cpu_atom', event: 'cpu_atom/cache-misses/', status: 'counted', total: 50_000, share: 0.1 },
    ]);
    expect(find(aggregates, 'cache-references').total).toBeCloseTo(2_000_000, 3);
  });

  it('gives back most of what perf 6.1 loses by printing whole-number percentages', () => {
    // truth 74.6% / 25.4% of the time, 100,000 counts each way extrapolated; perf prints 74.00 and 25.00
    const text = [row(0.1, '100000', 'cpu_core/cycles/', '74.00'), row(0.1, '100000', 'cpu_atom/cycles/', '25.00')].join('\n');
    const [cycles] = aggregateRecords(parsePerfStat(text).records);
    expect(cycles?.total).toBeCloseTo(100_000, 0);
    expect(cycles?.lowestRunningPct).toBeNull();
  });

  it('names the PMU a core-only task never ran on (real capture: lkml-2024-jclark-hybrid-not-counted-before)', () => {
    const [misses] = aggregateRecords(parsePerfStat(sample('lkml-2024-jclark-hybrid-not-counted-before.json.txt')).records);
    expect(misses).toMatchObject({ event: 'branch-misses', status: 'counted', total: 6326, lowestRunningPct: null });
    expect(misses?.pmus).toEqual([
      { pmu: 'cpu_atom', event: 'cpu_atom/branch-misses/', status: 'not counted', total: null, share: null },
      { pmu: 'cpu_core', event: 'cpu_core/branch-misses/', status: 'counted', total: 6326, share: 1 },
    ]);
  });

  it('takes the count each PMU actually ran for (real capture: kernel-doc-intel-hybrid-thread-mode)', () => {
    // taskset -c 16: an E-core; the 233M cpu_core row is extrapolated from 0.43% of the time
    const [cycles] = aggregateRecords(parsePerfStat(sample('kernel-doc-intel-hybrid-thread-mode.human.txt')).records);
    const taken = 233_066_666 * 0.0043 + 604_097_080 * 0.9957;
    expect(cycles?.event).toBe('cycles');
    expect(cycles?.total).toBeCloseTo(taken, 0);
    expect(cycles?.pmus?.map((pmu) => pmu.share?.toFixed(4))).toEqual(['0.0017', '0.9983']);
  });

  it('adds PMUs that counted at the same time on different CPUs (real capture: perf stat -a, lkml-2023-kanliang)', () => {
    const aggregates = aggregateRecords(parsePerfStat(sample('lkml-2023-kanliang-adl-hybrid-default.human.txt')).records);
    expect(aggregates.map((aggregate) => aggregate.event)).toEqual([
      'cpu-clock', 'context-switches', 'cpu-migrations', 'page-faults', 'cycles', 'instructions', 'branches', 'branch-misses',
    ]);
    expect(find(aggregates, 'cycles')).toMatchObject({ total: 6_313_960 + 257_711_907, lowestRunningPct: 54.18 });
    expect(find(aggregates, 'instructions')).toMatchObject({ total: 4_477_162 + 37_721_481, lowestRunningPct: 63.33 });
    expect(find(aggregates, 'page-faults')).toMatchObject({ total: 74 });
  });

  it('extrapolates a pair that was itself multiplexed, and says from how much of the time', () => {
    // the task ran on both core types, but the counters only 30% + 20% of the time
    const text = [row(0.1, '200000', 'cpu_core/instructions/', '30.00'), row(0.1, '100000', 'cpu_atom/instructions/', '20.00')].join('\n');
    const [instructions] = aggregateRecords(parsePerfStat(text).records);
    expect(instructions?.total).toBeCloseTo((200_000 * 0.3 + 100_000 * 0.2) / 0.5, 6);
    expect(instructions?.lowestRunningPct).toBe(50);
  });

  it('one <not counted> event leaves the others intact', () => {
    const text = [
      row(0.1, '<not counted>', 'cpu_core/cache-misses/', '0.00'),
      row(0.1, '<not counted>', 'cpu_atom/cache-misses/', '0.00'),
      row(0.1, '300000', 'cpu_core/instructions/', '100.00'),
      row(0.1, '<not counted>', 'cpu_atom/instructions/', '0.00'),
    ].join('\n');
    const aggregates = aggregateRecords(parsePerfStat(text).records);
    expect(find(aggregates, 'cache-misses')).toMatchObject({ status: 'not counted', total: null });
    expect(find(aggregates, 'instructions')).toMatchObject({ status: 'counted', total: 300_000 });
  });

  it('reads the same mid-stream as at the end, without counting an open interval twice', () => {
    const aggregator = createAggregator();
    const records = parsePerfStat(
      [
        row(0.1, '120000', 'cpu_core/cycles/', '75.00'), row(0.1, '40000', 'cpu_atom/cycles/', '25.00'),
        row(0.2, '100000', 'cpu_core/cycles/', '100.00'), row(0.2, '<not counted>', 'cpu_atom/cycles/', '0.00'),
      ].join('\n'),
    ).records;
    records.slice(0, 1).forEach((record) => aggregator.add(record));
    expect(aggregator.result()[0]?.total).toBe(120_000); // cpu_core alone so far: 75% of the time, extrapolated
    records.slice(1).forEach((record) => aggregator.add(record));
    expect(aggregator.result()[0]?.total).toBe(200_000);
    expect(aggregator.result()).toStrictEqual(aggregateRecords(records));
    expect(aggregator.result()[0]?.pmus?.map((pmu) => pmu.total)).toEqual([190_000, 10_000]);
  });

  it('folds nothing on a machine without hybrid rows (real capture: local perf 6.1 VM)', () => {
    const text = sample('local-perf61-vm-pid-interval-comma.csv.txt');
    const aggregates = aggregateRecords(parsePerfStat(text).records);
    expect(aggregates.every((aggregate) => aggregate.pmus === undefined)).toBe(true);
  });

  it('foldParts: no counted part is 0 while supported, null when not', () => {
    const part = { pmu: 'cpu_atom', value: 0, taken: 0, runningPct: null, counted: false, supported: true };
    expect(foldParts([part]).value).toBe(0);
    expect(foldParts([{ ...part, supported: false }]).value).toBeNull();
  });
});
