import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectPerfFormat, detectPerfStatSeparator, parsePerfStat, type PerfRecord } from '../../parsers/perf-stat.ts';

/** Every capture of samples/perf against its oracle NAME.expected.json (see samples/perf/README.md). */
const samples = new URL('../../samples/perf/', import.meta.url);
const captures = readdirSync(samples)
  .filter((name) => name.endsWith('.txt') && !name.endsWith('.expected.json'))
  .map((name) => name.slice(0, -'.txt'.length))
  .sort();

type OracleRow = Omit<PerfRecord, 'runningPct'> & { running_pct: number | null };

/** The oracle spells it `running_pct`; records say `runningPct`. Key order does not matter to toStrictEqual. */
function readOracle(name: string): PerfRecord[] {
  const rows = JSON.parse(readFileSync(new URL(`${name}.expected.json`, samples), 'utf8')) as OracleRow[];
  return rows.map(({ running_pct, ...rest }) => ({ ...rest, runningPct: running_pct }));
}

const readCapture = (name: string): string => readFileSync(new URL(`${name}.txt`, samples), 'utf8');

describe('perf stat corpus', () => {
  it('has captures in all three formats', () => {
    const formats = new Set(captures.map((name) => name.split('.').at(-1)));
    expect([...formats].sort()).toEqual(['csv', 'human', 'json']);
    expect(captures.length).toBeGreaterThanOrEqual(50);
  });

  it.each(captures)('%s reads as its oracle', (name) => {
    const result = parsePerfStat(readCapture(name));
    expect(result.records).toStrictEqual(readOracle(name));
    // no capture holds a data line the parser gives up on (annotations and headers are not data)
    expect(result.skippedLines).toBe(0);
    expect(result.format).toBe(name.split('.').at(-1));
  });

  it.each(captures)('%s reads the same with its format given', (name) => {
    const format = name.split('.').at(-1) as 'csv' | 'human' | 'json';
    const text = readCapture(name);
    const separator = format === 'csv' ? detectPerfStatSeparator(text) : undefined;
    const given = parsePerfStat(text, { format, ...(separator === undefined ? {} : { separator }) });
    expect(given.records).toStrictEqual(readOracle(name));
  });

  it('detects the format and the CSV separator', () => {
    expect(detectPerfFormat(readCapture('local-perf61-vm-totals.json'))).toBe('json');
    expect(detectPerfFormat(readCapture('gh-sortnetsat-userspace-cache.human'))).toBe('human');
    expect(detectPerfFormat(readCapture('local-perf61-vm-pid-interval-semicolon.csv'))).toBe('csv');
    expect(detectPerfStatSeparator(readCapture('local-perf61-vm-pid-interval-semicolon.csv'))).toBe(';');
    expect(detectPerfStatSeparator(readCapture('local-perf61-vm-pid-interval-comma.csv'))).toBe(',');
    // -x' ': tried last, on a row whole to its running percentage (a human row is spaced too)
    expect(detectPerfStatSeparator(readCapture('local-perf61-vm-per-core-interval-space.csv'))).toBe(' ');
    expect(detectPerfStatSeparator(readCapture('local-perf61-vm-interval-not-counted-space.csv'))).toBe(' ');
    expect(detectPerfStatSeparator(readCapture('local-perf61-vm-totals.json'))).toBeUndefined();
    expect(detectPerfFormat('# started on Mon Apr 14 12:53:58 2025\n\n')).toBeUndefined();
  });
});
