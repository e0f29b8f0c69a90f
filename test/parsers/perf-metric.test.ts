import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateRecords } from '../../parsers/aggregate.ts';
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
