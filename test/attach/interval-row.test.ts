import { describe, expect, it } from 'vitest';
import { endedAtExit } from '../../src/attach/attach.ts';
import { createPerfStatParser, type PerfRecord } from '../../parsers/perf-stat.ts';
import { buildIntervalRow, createIntervalAssembler, processCpuPct, type ProcPoint } from '../../src/attach/interval-row.ts';

// Lines as perf 6.1 prints them for `perf stat -x, -I 200 --pid P -e task-clock,page-faults,cache-misses`.
const LINES = [
  '     0.200361870,<not counted>,msec,task-clock,0,100.00,,',
  '     0.200361870,<not counted>,,page-faults,0,100.00,,',
  '     0.200361870,<not supported>,,cache-misses,0,100.00,,',
  '     0.400829930,199.87,msec,task-clock,199870410,100.00,0.999,CPUs utilized',
  '     0.400829930,1024,,page-faults,199870410,100.00,5.123,K/sec',
  '     0.400829930,<not supported>,,cache-misses,0,100.00,,',
  '     0.501267683,50.20,msec,task-clock,50200000,100.00,0.501,CPUs utilized',
];

function records(): PerfRecord[] {
  const parser = createPerfStatParser({ format: 'csv', separator: ',' });
  return [...LINES.flatMap((line) => parser.push(line)), ...parser.end()];
}

const point = (atS: number, utimeTicks: number, rssBytes: number | null = 4096): ProcPoint => ({
  atS,
  rssBytes,
  peakRssBytes: rssBytes,
  utimeTicks,
  stimeTicks: 0,
  machineTicks: [{ busy: atS * 100, total: atS * 200 }],
  exited: rssBytes === null,
});

describe('createIntervalAssembler', () => {
  it('hands over an interval when the next timestamp starts, and the last one on flush', () => {
    const assembler = createIntervalAssembler();
    const intervals = records().flatMap((record) => assembler.add(record) ?? []);
    expect(intervals.map((interval) => [interval.timeS, interval.records.length])).toEqual([
      [0.20036187, 3],
      [0.40082993, 3],
    ]);
    expect(assembler.flush()).toMatchObject({ timeS: 0.501267683, records: [{ event: 'task-clock', value: 50.2 }] });
    expect(assembler.flush()).toBeUndefined();
  });

  it('ignores totals rows', () => {
    const assembler = createIntervalAssembler();
    expect(assembler.add({ time: null, event: 'x', value: 1, unit: '', status: 'counted', runningPct: null })).toBeUndefined();
    expect(assembler.flush()).toBeUndefined();
  });
});

describe('buildIntervalRow', () => {
  it('gives per-second rates on perf clock and CPU % from ticks on ours', () => {
    const assembler = createIntervalAssembler();
    const [first, second] = records().flatMap((record) => assembler.add(record) ?? []);
    if (first === undefined || second === undefined) throw new Error('expected two intervals');
    const idle = buildIntervalRow(first, 0, point(10, 0), point(10.2, 0));
    expect(idle.events).toEqual([
      { event: 'task-clock', unit: 'msec', status: 'not counted', value: 0, perSecond: 0 },
      { event: 'page-faults', unit: '', status: 'not counted', value: 0, perSecond: 0 },
      { event: 'cache-misses', unit: '', status: 'not supported', value: null, perSecond: null },
    ]);
    expect(idle.cpuPct).toBe(0);

    const busy = buildIntervalRow(second, first.timeS, point(10.2, 0), point(10.4, 20, 8192));
    expect(busy.intervalS).toBeCloseTo(0.20046806, 8);
    expect(busy.rssBytes).toBe(8192);
    expect(busy.cpuPct).toBeCloseTo(100, 6); // 20 ticks = 0.2 s of CPU in 0.2 s
    expect(busy.systemCpuPct).toBeCloseTo(50, 6);
    expect(busy.events[0]?.perSecond).toBeCloseTo(199.87 / 0.20046806, 6);
    expect(busy.events[1]?.perSecond).toBeCloseTo(1024 / 0.20046806, 6);
  });

  it('sums rows of one event that differ by an aggregation column', () => {
    const row = buildIntervalRow(
      {
        timeS: 1,
        records: [
          { time: 1, event: 'page-faults', value: 3, unit: '', status: 'counted', runningPct: 100, cpu: 0 },
          { time: 1, event: 'page-faults', value: 4, unit: '', status: 'counted', runningPct: 100, cpu: 1 },
        ],
      },
      0.5,
      point(0, 0),
      point(0.5, 0),
    );
    expect(row.events).toEqual([{ event: 'page-faults', unit: '', status: 'counted', value: 7, perSecond: 14 }]);
  });

  it('gives a window under 10 ms (a last interval, cut by the end of the watch) its counts, but no CPU % and no rates', () => {
    // /proc counts CPU time in 10 ms ticks: a 1.1 ms last interval of one busy thread read 909 %
    // (one tick fell in it) or 0 % (none), and 1,000 msec/s of task-clock or more.
    const record = (time: number, value: number): PerfRecord => ({ time, event: 'task-clock', value, unit: 'msec', status: 'counted', runningPct: 100 });
    const sliver = buildIntervalRow({ timeS: 1.0011, records: [record(1.0011, 1.3)] }, 1, point(10, 100), point(10.0011, 101));
    expect(sliver.intervalS).toBeCloseTo(0.0011, 9);
    expect(sliver.cpuPct).toBeNull();
    expect(sliver.events).toEqual([{ event: 'task-clock', unit: 'msec', status: 'counted', value: 1.3, perSecond: null }]);
    expect(processCpuPct(point(10, 100), point(10.0099, 101))).toBeNull();
    // from 10 ms on, both (perf's -I 10 ticks come a little late: 10.5 ms)
    const short = buildIntervalRow({ timeS: 1.0105, records: [record(1.0105, 10.5)] }, 1, point(10, 100), point(10.0105, 101));
    expect(short.cpuPct).toBeCloseTo(100 / 1.05, 6);
    expect(short.events[0]?.perSecond).toBeCloseTo(1000, 6);
  });

  it('reports a gone process as null RSS and unknown CPU', () => {
    const row = buildIntervalRow({ timeS: 1, records: [] }, 0.9, point(0, 5), { ...point(0.1, 0, null), utimeTicks: null, stimeTicks: null });
    expect(row.rssBytes).toBeNull();
    expect(row.cpuPct).toBeNull();
  });
});

describe('endedAtExit', () => {
  it('ends the interval the target exited in at its exit, records and all; an exit after the stamp changes nothing', () => {
    const interval = { timeS: 3, records: records().slice(0, 2) };
    const ended = endedAtExit(interval, 1, 1.4);
    expect(ended.timeS).toBe(1.4);
    expect(ended.records.map((record) => record.time)).toEqual([1.4, 1.4]);
    expect(endedAtExit(interval, 1, 3.2)).toBe(interval);
    // an exit estimated before the previous stamp (clocks a little apart) gives an empty interval, not a negative one
    expect(endedAtExit(interval, 1, 0.9).timeS).toBe(1);
  });
});
