import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../parsers/aggregate.ts';
import type { PerfRecord } from '../../parsers/perf-stat-types.ts';

const row = (time: number, event: string, value: number | null): PerfRecord => ({ time, event, value, unit: '', status: value === null ? 'not supported' : 'counted', runningPct: null });

describe('createAggregator sampleCounts', () => {
  // A QA pass: parse --summary --csv prints each event's number of samples, and kept every sample
  // to count them: 0.6 GB at the end of a 5M-line capture (scripts/bench-parse-summary.mjs)
  it('counts every interval sample of each event, kept or not, so a count needs none kept', () => {
    const aggregator = createAggregator({ maxSamples: 0 });
    for (let interval = 1; interval <= 10_000; interval++) {
      aggregator.add(row(interval / 10, 'page-faults', interval));
      aggregator.add(row(interval / 10, 'cycles', null));
      if (interval % 2 === 0) aggregator.add(row(interval / 10, 'context-switches', 1));
    }
    expect([...aggregator.sampleCounts()]).toEqual([['page-faults', 10_000], ['cycles', 10_000], ['context-switches', 5000]]);
    const [faults] = aggregator.result();
    expect(faults?.samples).toEqual([]);
    expect(faults?.total).toBe((10_000 * 10_001) / 2);
  });

  it('counts the samples kept when all are kept, rows of one timestamp as one', () => {
    const aggregator = createAggregator();
    for (const time of [0.1, 0.1, 0.2, 0.3, 0.3]) aggregator.add(row(time, 'page-faults', 5));
    expect(aggregator.sampleCounts().get('page-faults')).toBe(aggregator.result()[0]?.samples.length);
    expect(aggregator.sampleCounts().get('page-faults')).toBe(3);
  });
});
