import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateRecords } from '../../parsers/aggregate.ts';
import { summarizeMetricRows } from '../../parsers/metric-rows.ts';
import { parsePerfStat } from '../../parsers/perf-stat.ts';

const sample = (name: string): string => readFileSync(new URL(`../../samples/perf/${name}`, import.meta.url), 'utf8');

describe("perf's own metric columns", () => {
  it('are kept only when asked, from perf 6.1 CSV rows (real capture: local-perf61-vm-pid-interval-comma)', () => {
    const text = sample('local-perf61-vm-pid-interval-comma.csv.txt');
    expect(parsePerfStat(text).records.some((record) => 'metricValue' in record)).toBe(false);
    const records = parsePerfStat(text, { metrics: true }).records;
    const clock = records.filter((record) => record.event === 'task-clock');
    // independent reading of the same rows: time,count,unit,event,runtime,pct,metric,metric-unit
    const rows = text.split('\n').map((line) => line.split(',')).filter((fields) => fields[3] === 'task-clock');
    expect(clock.map((record) => [record.metricValue, record.metricUnit])).toEqual(
      rows.map((fields) => (fields[6] === '' || fields[6] === undefined ? [undefined, undefined] : [Number(fields[6]), fields[7]])),
    );
    const [aggregate] = aggregateRecords(clock);
    const counted = rows.filter((fields) => Number(fields[1]) > 0 && Number(fields[6]) > 0);
    const expected = counted.reduce((sum, fields) => sum + Number(fields[1]), 0) / counted.reduce((sum, fields) => sum + Number(fields[1]) / Number(fields[6]), 0);
    expect(aggregate?.perfMetric?.unit).toBe('CPUs utilized');
    expect(aggregate?.perfMetric?.value).toBeCloseTo(expected, 9);
  });

  it("keep a unit with spaces whole under -x' ', where it spans fields (real capture: local-perf61-vm-per-core-interval-space)", () => {
    const text = sample('local-perf61-vm-per-core-interval-space.csv.txt');
    const records = parsePerfStat(text, { metrics: true }).records;
    // independent reading: time id cpus count unit event runtime pct [metric unit words...]
    const rows = text.split('\n').filter((line) => !line.includes('<not')).map((line) => line.trimStart().split(' ')).filter((fields) => fields.length > 8 && fields[8] !== '');
    expect(records.filter((record) => record.metricValue !== undefined).map((record) => [record.event, record.core, record.metricValue, record.metricUnit])).toEqual(
      rows.map((fields) => [fields[5], fields[1], Number(fields[8]), fields.slice(9).join(' ')]),
    );
    expect(records.some((record) => record.cgroup !== undefined)).toBe(false);
  });

  // A review of the -x' ' reader: perf's CSV printer keeps only a metric's leading digits and points
  // (print_metric_csv; the `0` of de_DE's `0,935`), so a nan metric (lkml-2025-ctshao: `nan CPUs
  // CPUs_utilized`) is an empty field; before a unit with spaces the row read an invented cgroup
  // '56414993 100.00  CPUs utilized' and no running percentage, where -x, reads it whole
  it("find the runtime under -x' ' where perf left the metric empty before a unit with spaces", () => {
    // local-perf61-vm-interval-not-counted-space's rows, task-clock's metric printed as perf prints a nan one
    const rows = [
      '     0.100597959 56.42 msec task-clock 56414993 100.00  CPUs utilized',
      '     0.100597959 8310  page-faults 56425652 100.00 147.301 K/sec',
      '     0.200866482 <not supported> msec cpu-clock:u 0 100.00  CPUs  CPUs_utilized',
    ];
    const expected = [
      { time: 0.100597959, event: 'task-clock', value: 56.42, unit: 'msec', status: 'counted', runningPct: 100 },
      { time: 0.100597959, event: 'page-faults', value: 8310, unit: '', status: 'counted', runningPct: 100 },
      { time: 0.200866482, event: 'cpu-clock:u', value: null, unit: 'msec', status: 'not supported', runningPct: 100 },
    ];
    for (const metrics of [false, true]) {
      // first (the separator found on it), after a row read already, and last without its newline
      for (const text of [rows.join('\n'), [rows[1], rows[0], rows[2]].join('\n')]) {
        const result = parsePerfStat(text, { metrics });
        expect(result.skippedLines).toBe(0);
        const records = result.records.map(({ metricValue: _value, metricUnit: _unit, ...record }) => record);
        expect(records).toEqual(text.startsWith(rows[0] ?? '') ? expected : [expected[1], expected[0], expected[2]]);
        expect(result.records.find((record) => record.event === 'page-faults')?.metricValue).toBe(metrics ? 147.301 : undefined);
      }
    }
  });

  it('give the window IPC from per-interval IPCs without knowing cycles, and fold K/M/G rates', () => {
    // perf 6.1 layout: time,count,unit,event,runtime,pct,metric,metric-unit
    const text = [
      '     0.100000000,200000000,,instructions,50000000,100.00,2.00,insn per cycle',
      '     0.100000000,100000000,,cycles,50000000,100.00,1.000,GHz',
      '     0.200000000,300000000,,instructions,50000000,100.00,1.00,insn per cycle',
      '     0.200000000,300000000,,cycles,50000000,100.00,3.000,GHz',
      '     0.100000000,900,,page-faults,50000000,100.00,9.000,K/sec',
      '     0.200000000,100,,page-faults,50000000,100.00,1.000,M/sec',
    ].join('\n');
    const aggregates = aggregateRecords(parsePerfStat(text, { metrics: true }).records);
    expect(aggregates.find((a) => a.event === 'instructions')?.perfMetric).toEqual({ value: 500_000_000 / 400_000_000, unit: 'insn per cycle' });
    const faults = aggregates.find((a) => a.event === 'page-faults')?.perfMetric;
    expect(faults?.unit).toBe('/sec');
    expect(faults?.value).toBeCloseTo(1000 / (900 / 9000 + 100 / 1_000_000), 6);
  });
});

describe("perf's metric over one row", () => {
  // A QA pass: parse --summary of a plain `perf stat` printed `0.4660000000000001 CPUs utilized`
  // where perf had printed 0.466, and 130916.00000000001 /sec for 130.916 K/sec
  it.each(['local-perf61-vm-totals.csv.txt', 'local-perf61-vm-totals-en_US.human.txt', 'local-perf61-vm-per-core-interval-space.csv.txt'])(
    '%s: each window of one row reads the figure perf printed, to its digits',
    (name) => {
      const records = parsePerfStat(sample(name), { metrics: true }).records;
      const rows = records.filter((record) => record.metricValue !== undefined && record.value !== null && record.value > 0 && record.metricValue > 0);
      expect(rows.length).toBeGreaterThan(2);
      for (const row of rows) {
        const [aggregate] = aggregateRecords([row]);
        // the K/M/G of a rate moved into the exponent of its text, not multiplied in floating point
        const prefix = /^([KMG])\/sec$/.exec(row.metricUnit ?? '')?.[1];
        const printed = Number(`${row.metricValue}e${prefix === undefined ? 0 : { K: 3, M: 6, G: 9 }[prefix]}`);
        expect(aggregate?.perfMetric?.value, `${row.event} ${row.metricValue} ${row.metricUnit}`).toBe(printed);
      }
    },
  );
});

describe("perf's metric of an -I --summary capture", () => {
  // A QA pass: parse --summary read 0.395 CPUs utilized from local-perf61-vm-interval-summary, whose
  // intervals say 0.755 and 0.753 and whose summary row 0.268: both kinds of row went into one sum,
  // the same counts twice over two different spans of time
  it.each(['local-perf61-vm-interval-summary.csv.txt', 'local-perf61-vm-interval-summary.human.txt'])(
    '%s: is the intervals\' own, as the total is', (name) => {
      const records = parsePerfStat(sample(name), { metrics: true }).records;
      expect(records.some((record) => record.time === null && record.metricValue !== undefined)).toBe(true);
      const intervals = records.filter((record) => record.time !== null);
      const both = aggregateRecords(records);
      const alone = aggregateRecords(intervals);
      expect(both.find((a) => a.event === 'task-clock')?.perfMetric?.unit).toBe('CPUs utilized');
      expect(both.map((a) => [a.event, a.total, a.perfMetric])).toEqual(alone.map((a) => [a.event, a.total, a.perfMetric]));
    },
  );
});

describe("perf's metric-only rows (-M metric groups, topdown)", () => {
  // Real capture: lkml-2023-kanliang-spr-default-topdown.csv.txt (perf stat -x, on Sapphire Rapids):
  // metric-only rows `,,,,,70.1,%  tma_backend_bound` and metricgroup rows `,225849327050,100.00,,,,TopdownL1`.
  const text = sample('lkml-2023-kanliang-spr-default-topdown.csv.txt');

  it('become records with isMetricRow only when asked; group rows and counters stay as they were', () => {
    expect(parsePerfStat(text).records.some((record) => record.isMetricRow === true)).toBe(false);
    const parsed = parsePerfStat(text, { metrics: true });
    const metricRows = parsed.records.filter((record) => record.isMetricRow === true);
    // an independent reading: lines of five empty fields, then value and `UNIT  NAME`
    const expected = text.split('\n').filter((line) => line.startsWith(',,,,,')).map((line) => {
      const [value = '', label = ''] = line.slice(5).split(',');
      const [unit, name] = label.split(/ {2,}/);
      return [name, Number(value), unit];
    });
    expect(expected.length).toBe(12);
    expect(metricRows.map((record) => [record.event, record.metricValue, record.metricUnit])).toEqual(expected);
    expect(metricRows.every((record) => record.value === null && record.time === null)).toBe(true);
    expect(parsed.skippedLines).toBe(0);
    // the counters are the same records as without metrics, and aggregation ignores the metric rows
    const counters = parsed.records.filter((record) => record.isMetricRow !== true);
    expect(counters.map((record) => record.event)).toEqual(parsePerfStat(text).records.map((record) => record.event));
    expect(aggregateRecords(parsed.records).map((aggregate) => aggregate.event)).toEqual(counters.map((record) => record.event));
  });

  it('are summed up per metric: the mean of the intervals perf printed, with their unit', () => {
    // perf 6.1 interval layout of the same rows (-I): the timestamp first, then the empty columns
    const interval = [
      '     0.100000000,5,,page-faults,100000000,100.00,50.000,/sec',
      '     0.100000000,,,,,,60.0,%  tma_backend_bound',
      '     0.100000000,,,,,,1.50,IPC',
      '     0.200000000,7,,page-faults,100000000,100.00,70.000,/sec',
      '     0.200000000,,,,,,80.0,%  tma_backend_bound',
      '     0.200000000,,,,,,2.50,IPC',
    ].join('\n');
    const records = parsePerfStat(interval, { format: 'csv', separator: ',', metrics: true }).records;
    expect(records.filter((record) => record.isMetricRow === true).map((record) => record.time)).toEqual([0.1, 0.1, 0.2, 0.2]);
    expect(summarizeMetricRows(records)).toEqual([
      { name: 'tma_backend_bound', value: 70, unit: '%', readings: 2 },
      { name: 'IPC', value: 2, unit: '', readings: 2 },
    ]);
    expect(summarizeMetricRows(parsePerfStat(text, { metrics: true }).records).find((metric) => metric.name === 'tma_memory_bound')).toEqual({ name: 'tma_memory_bound', value: 50.5, unit: '%', readings: 1 });
  });
});
