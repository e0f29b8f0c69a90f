import { readdirSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import split2 from 'split2';
import { describe, expect, it } from 'vitest';
import { createPerfStatParser, parsePerfStat, type PerfRecord } from '../../parsers/perf-stat.ts';

const samples = new URL('../../samples/perf/', import.meta.url);
const captures = readdirSync(samples)
  .filter((name) => name.endsWith('.txt'))
  .sort();

/** Feeds `chunks` through split2 into a fresh streaming parser, as `perfcell parse` does. */
function streamThrough(chunks: readonly Buffer[]): PerfRecord[] {
  const parser = createPerfStatParser();
  const records: PerfRecord[] = [];
  const lines = split2();
  lines.on('data', (line: string) => records.push(...parser.push(line)));
  for (const chunk of chunks) lines.write(chunk);
  lines.end();
  records.push(...parser.end());
  return records;
}

/**
 * split2's algorithm without the stream machinery (a UTF-8 decoder, a carried tail, /\r?\n/),
 * cheap enough to run once per byte offset of every capture.
 */
function splitThrough(chunks: readonly Buffer[]): PerfRecord[] {
  const parser = createPerfStatParser();
  const records: PerfRecord[] = [];
  const decoder = new StringDecoder('utf8');
  let tail = '';
  const take = (text: string, last: boolean): void => {
    const lines = (tail + text).split(/\r?\n/);
    tail = lines.pop() ?? '';
    for (const line of lines) records.push(...parser.push(line));
    if (last && tail !== '') records.push(...parser.push(tail));
  };
  for (const chunk of chunks) take(decoder.write(chunk), false);
  take(decoder.end(), true);
  records.push(...parser.end());
  return records;
}

describe('streaming', () => {
  it.each(captures)('%s gives the same records cut at every byte offset', (file) => {
    const bytes = readFileSync(new URL(file, samples));
    const whole = parsePerfStat(bytes.toString('utf8')).records;
    expect(whole.length).toBeGreaterThan(0);
    const expected = JSON.stringify(whole);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const halves = [bytes.subarray(0, cut), bytes.subarray(cut)];
      const records = splitThrough(halves);
      // compare as text (fast); on a difference, let the matcher show it with the offset
      if (JSON.stringify(records) !== expected) expect({ cut, records }).toStrictEqual({ cut, records: whole });
      if (cut % 61 === 0) expect(JSON.stringify(streamThrough(halves)), `split2, cut at ${cut}`).toBe(expected);
    }
    // and one byte at a time, which also splits every multi-byte character (U+202F, ’)
    const byByte = streamThrough([...bytes].map((byte) => Buffer.from([byte])));
    expect(byByte).toStrictEqual(whole);
  });

  it('returns each record once, in file order, from push and end', () => {
    const parser = createPerfStatParser();
    // an `instructions` row printed a metric, so it waits for the continuation line
    expect(parser.push('         4,299,124      instructions                     #    1.12  insn per cycle            ')).toEqual([]);
    const completed = parser.push('                                                  #    0.27  stalled cycles per insn     ( +-  0.45% )');
    expect(completed).toStrictEqual([
      { time: null, event: 'instructions', value: 4299124, unit: '', status: 'counted', runningPct: null },
    ]);
    expect(parser.push('         3,849,533      cycles                           #    3.672 GHz')).toEqual([]);
    expect(parser.end()).toStrictEqual([
      { time: null, event: 'cycles', value: 3849533, unit: '', status: 'counted', runningPct: null },
    ]);
    expect(parser.end()).toEqual([]);
  });
});
