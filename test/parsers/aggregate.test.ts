import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateRecords, createAggregator, type EventAggregate } from '../../parsers/aggregate.ts';
import { parsePerfStat, type PerfRecord } from '../../parsers/perf-stat.ts';

function record(time: number | null, event: string, value: number | null | 'not counted' | 'not supported', extra: Partial<PerfRecord> = {}): PerfRecord {
  const status = value === 'not counted' || value === 'not supported' ? value : 'counted';
  return {
    time,
    event,
    value: typeof value === 'number' ? value : null,
    unit: '',
    status,
    runningPct: null,
    ...extra,
  };
}

const only = (aggregates: EventAggregate[], event: string): EventAggregate => {
  const found = aggregates.find((aggregate) => aggregate.event === event);
  if (found === undefined) throw new Error(`no aggregate for ${event}`);
  return found;
};

describe('aggregateRecords', () => {
  it('sums interval values and rates them over perf’s own timestamps', () => {
    const [faults] = aggregateRecords([record(0.1, 'page-faults', 10), record(0.2, 'page-faults', 30), record(0.3, 'page-faults', 20)]);
    expect(faults).toStrictEqual({
      event: 'page-faults',
      unit: '',
      status: 'counted',
      total: 60,
      countedSeconds: 0.3,
      perSecond: 200,
      samples: [
        { timeS: 0.1, value: 10 },
        { timeS: 0.2, value: 30 },
        { timeS: 0.3, value: 20 },
      ],
      min: 10,
      max: 30,
      lowestRunningPct: null,
    });
  });

  it("keeps a total of perf's two-decimal values to their decimals: a float's sum read 1980.1100000000001 in JSON", () => {
    const msec = { unit: 'msec' };
    // the last sample stays open and is added to the closed ones' total as it is read
    const [open] = aggregateRecords([record(1, 'task-clock', 998.94, msec), record(2, 'task-clock', 981.17, msec)]);
    expect(open?.total).toBe(1980.11);
    // closed samples are summed as they close
    const [closed] = aggregateRecords([record(1, 'task-clock', 998.94, msec), record(2, 'task-clock', 981.17, msec), record(3, 'task-clock', 0.01, msec)]);
    expect(closed?.total).toBe(1980.12);
  });

  it('counts from startTimeS when the caller says counting started later', () => {
    const [faults] = aggregateRecords([record(0.5, 'page-faults', 10), record(0.75, 'page-faults', 30)], { startTimeS: 0.25 });
    expect(faults?.countedSeconds).toBe(0.5);
    expect(faults?.perSecond).toBe(80);
  });

  it('reads a <not counted> interval as zero while the event is supported', () => {
    const [clock] = aggregateRecords([
      record(0.1, 'task-clock', 'not counted', { unit: 'msec' }),
      record(0.2, 'task-clock', 4.5, { unit: 'msec' }),
      record(0.3, 'task-clock', 'not counted', { unit: 'msec' }),
    ]);
    expect(clock?.status).toBe('counted');
    expect(clock?.unit).toBe('msec');
    expect(clock?.total).toBe(4.5);
    expect(clock?.samples.map((sample) => sample.value)).toEqual([0, 4.5, 0]);
    expect([clock?.min, clock?.max]).toEqual([0, 4.5]);
  });

  it('keeps the status of an event that never counted, with a null total', () => {
    const aggregates = aggregateRecords([
      record(0.1, 'task-clock', 'not counted'),
      record(0.1, 'cycles', 'not supported'),
      record(0.2, 'task-clock', 'not counted'),
      record(0.2, 'cycles', 'not supported'),
    ]);
    const clock = only(aggregates, 'task-clock');
    expect([clock.status, clock.total, clock.perSecond]).toEqual(['not counted', null, null]);
    expect(clock.samples.map((sample) => sample.value)).toEqual([0, 0]);
    const cycles = only(aggregates, 'cycles');
    expect([cycles.status, cycles.total, cycles.min, cycles.max, cycles.perSecond]).toEqual(['not supported', null, null, null, null]);
    expect(cycles.samples).toEqual([
      { timeS: 0.1, value: null },
      { timeS: 0.2, value: null },
    ]);
    expect(cycles.countedSeconds).toBe(0.2);
  });

  it('reports the lowest running percentage of the counted rows (multiplexing)', () => {
    const [cycles] = aggregateRecords([
      record(1, 'cycles', 1000, { runningPct: 66.13 }),
      record(2, 'cycles', 1000, { runningPct: 49.95 }),
      record(3, 'cycles', 'not counted', { runningPct: 0 }),
      record(4, 'cycles', 1000, { runningPct: 100 }),
    ]);
    expect(cycles?.lowestRunningPct).toBe(49.95);
  });

  it('sums rows of one timestamp across aggregation columns, interleaved as perf prints them', () => {
    const aggregates = aggregateRecords([
      record(0.2, 'task-clock', 200.99, { core: 'S0-D0-C0', unit: 'msec' }),
      record(0.2, 'page-faults', 12192, { core: 'S0-D0-C0' }),
      record(0.2, 'task-clock', 201.01, { core: 'S0-D0-C1', unit: 'msec' }),
      record(0.2, 'page-faults', 'not counted', { core: 'S0-D0-C1' }),
      record(0.4, 'task-clock', 100, { core: 'S0-D0-C0', unit: 'msec' }),
      record(0.4, 'page-faults', 8, { core: 'S0-D0-C0' }),
      record(0.4, 'task-clock', 50, { core: 'S0-D0-C1', unit: 'msec' }),
      record(0.4, 'page-faults', 2, { core: 'S0-D0-C1' }),
    ]);
    expect(aggregates.map((aggregate) => aggregate.event)).toEqual(['task-clock', 'page-faults']);
    const clock = only(aggregates, 'task-clock');
    expect(clock.samples).toEqual([
      { timeS: 0.2, value: 200.99 + 201.01 },
      { timeS: 0.4, value: 150 },
    ]);
    expect(clock.total).toBe(200.99 + 201.01 + 150);
    expect(only(aggregates, 'page-faults').samples.map((sample) => sample.value)).toEqual([12192, 10]);
  });

  it('uses totals rows (summed over sockets) when there are no intervals', () => {
    const [clock] = aggregateRecords([
      record(null, 'task-clock', 923.67, { socket: 'S0', unit: 'msec', runningPct: 100 }),
      record(null, 'task-clock', 100, { socket: 'S1', unit: 'msec', runningPct: 80 }),
    ]);
    expect(clock).toStrictEqual({
      event: 'task-clock',
      unit: 'msec',
      status: 'counted',
      total: 1023.67,
      countedSeconds: null,
      perSecond: null,
      samples: [],
      min: null,
      max: null,
      lowestRunningPct: 80,
    });
  });

  it('ignores the --summary totals when intervals are there', () => {
    const [clock] = aggregateRecords([record(0.2, 'task-clock', 151.08), record(0.4, 'task-clock', 150.69), record(null, 'task-clock', 999)]);
    expect(clock?.total).toBe(151.08 + 150.69);
  });

  it('agrees with sums computed straight from a real -x, capture', () => {
    const text = readFileSync(new URL('../../samples/perf/local-perf61-vm-pid-interval-comma.csv.txt', import.meta.url), 'utf8');
    // independent reading: time,count,unit,event,... with a padded time column and no grouping
    const sums = new Map<string, number>();
    const times = new Set<string>();
    for (const line of text.split('\n')) {
      const fields = line.split(',');
      if (fields.length < 4) continue;
      times.add(fields[0]!.trim());
      const count = Number(fields[1]);
      if (Number.isFinite(count)) sums.set(fields[3]!, (sums.get(fields[3]!) ?? 0) + count);
    }
    const lastTime = Math.max(...[...times].map(Number));
    const aggregates = aggregateRecords(parsePerfStat(text).records);
    expect(aggregates).toHaveLength(12);
    for (const aggregate of aggregates) {
      const sum = sums.get(aggregate.event);
      expect(aggregate.samples).toHaveLength(times.size);
      expect(aggregate.countedSeconds).toBe(lastTime);
      if (sum === undefined) {
        expect([aggregate.status, aggregate.total]).toEqual(['not supported', null]);
      } else {
        expect(aggregate.status).toBe('counted');
        expect(aggregate.total).toBeCloseTo(sum, 9);
        expect(aggregate.perSecond).toBeCloseTo(sum / lastTime, 6);
      }
    }
    expect(only(aggregates, 'context-switches').total).toBe(sums.get('context-switches'));
  });
});

describe('createAggregator', () => {
  const intervals = Array.from({ length: 10 }, (_, i) => record((i + 1) / 10, 'page-faults', (i + 1) * 10));

  it('keeps only the last maxSamples samples, but totals, min and max of all', () => {
    const aggregator = createAggregator({ maxSamples: 3 });
    for (const interval of intervals) aggregator.add(interval);
    const [faults] = aggregator.result();
    expect(faults?.samples).toEqual([
      { timeS: 0.8, value: 80 },
      { timeS: 0.9, value: 90 },
      { timeS: 1, value: 100 },
    ]);
    expect([faults?.total, faults?.min, faults?.max, faults?.countedSeconds]).toEqual([550, 10, 100, 1]);
  });

  it('gives the same aggregates as aggregateRecords when it keeps everything, and can be read mid-stream', () => {
    const aggregator = createAggregator();
    intervals.slice(0, 4).forEach((interval) => aggregator.add(interval));
    expect(aggregator.result()[0]?.total).toBe(100);
    intervals.slice(4).forEach((interval) => aggregator.add(interval));
    expect(aggregator.result()).toStrictEqual(aggregateRecords(intervals));
  });

  it('keeps no samples with maxSamples 0', () => {
    const aggregator = createAggregator({ maxSamples: 0 });
    for (const interval of intervals) aggregator.add(interval);
    expect(aggregator.result()[0]?.samples).toEqual([]);
    expect(aggregator.result()[0]?.total).toBe(550);
  });
});

describe('aggregateRecords: intervals in which perf never ran the counter', () => {
  // perf 6.1 -x, -I rows: `<not counted>` with run 0 of an enabled time prints 0.00
  // (lkml-2024-jclark-hybrid-not-counted-before.json.txt), with nothing enabled 100.00
  const rows = (missedPct: number): PerfRecord[] =>
    parsePerfStat(
      [
        `     0.100000000,1000,,cycles,100000000,100.00,,`,
        `     0.200000000,<not counted>,,cycles,0,${missedPct.toFixed(2)},,`,
        `     0.300000000,1000,,cycles,100000000,100.00,,`,
        '',
      ].join('\n'),
    ).records;

  it('scales the total from the intervals that counted to those it was enabled and never ran in, and says the share', () => {
    const cycles = only(aggregateRecords(rows(0)), 'cycles');
    expect(cycles.total).toBeCloseTo(3000, 6);
    expect(cycles.perSecond).toBeCloseTo(10_000, 6);
    // to perf's two decimals, as perf prints a share (a float's sum read 52.00000000000004 in JSON)
    expect(cycles.lowestRunningPct).toBe(66.67);
    expect(cycles.samples.map((sample) => sample.value)).toEqual([1000, 0, 1000]);
  });

  // the window's last interval is where multiplexing's turns most often outlast it: still open when the result is read
  it('scales the total for a last interval perf never ran the counter in, as for an earlier one', () => {
    const lastMissed = parsePerfStat(
      [`     0.100000000,1000,,cycles,100000000,100.00,,`, `     0.200000000,1000,,cycles,100000000,100.00,,`, `     0.300000000,<not counted>,,cycles,0,0.00,,`, ''].join('\n'),
    ).records;
    const cycles = only(aggregateRecords(lastMissed), 'cycles');
    expect(cycles.total).toBeCloseTo(3000, 6);
    expect(cycles.perSecond).toBeCloseTo(10_000, 6);
    expect(cycles.lowestRunningPct).toBe(66.67);
  });

  it('leaves an interval with nothing enabled (counting off, 100.00) as a count of 0', () => {
    const cycles = only(aggregateRecords(rows(100)), 'cycles');
    expect(cycles.total).toBe(2000);
    expect(cycles.lowestRunningPct).toBe(100);
  });
});
