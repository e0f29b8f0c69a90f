import { describe, expect, it } from 'vitest';
import { parsePlainNumber } from '../../parsers/number.ts';
import { parsePerfStat, type PerfRecord } from '../../parsers/perf-stat.ts';
import { seededRandom } from '../support/seeded-random.ts';

/*
 * The JSON reader reads a plain number as it scans it (perf-stat-json.ts, scanNumber) and only
 * otherwise finds the value's end first and reads it with parsePlainNumberAt. Both must give what
 * parsePlainNumber gives for the value's text, wherever the value sits: bare (interval,
 * pcnt-running), quoted (counter-value), before `,` or `}`, and with a space before the comma
 * (which the one-pass reading leaves to the other).
 */

/** Number texts of every shape perf prints, and some it does not. */
function numberTexts(): string[] {
  const random = seededRandom(20261202);
  const digits = (count: number): string => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
  const texts = [
    '0', '00', '7', '100', '100.00', '100,00', '0,000000', '0.100058230', '3765406012.000000', '4123456789.000000',
    '924\u066b914176', '90.400000', '12345678901234567890', '1234567890123.4567', '999999999999999', '9999999999999999',
    '123456789012345.000000', '1234567890123456.000000', '0.000000000000000001', '1.', '1,', '.5', '1.2.3', '1.2,3', '1,2,3',
    '12x', '1e5', '-1', '0x10', 'nan', '<not counted>', '<not supported>', '',
  ];
  for (let i = 0; i < 3000; i++) {
    const point = ['.', ',', '\u066b'][Math.floor(random() * 3)]!;
    const whole = digits(1 + Math.floor(random() * 18));
    const shape = Math.floor(random() * 4);
    if (shape === 0) texts.push(whole);
    else if (shape === 1) texts.push(`${whole}${point}${digits(1 + Math.floor(random() * 9))}`);
    // perf's %f: zeros pad the fraction
    else if (shape === 2) texts.push(`${whole}${point}${digits(Math.floor(random() * 4))}${'0'.repeat(1 + Math.floor(random() * 8))}`);
    else texts.push(`${digits(Math.floor(random() * 3))}${point}${'0'.repeat(Math.floor(random() * 12))}${digits(1 + Math.floor(random() * 6))}`);
  }
  return texts;
}

/** What the reader must make of a line whose interval, count and percentage are all `text`. */
function expected(text: string): PerfRecord[] {
  const value = parsePlainNumber(text);
  // an interval that is not a number makes the object unreadable
  if (Number.isNaN(value)) return [];
  return [{ time: value, event: 'cycles', value, unit: '', status: 'counted', runningPct: value }];
}

describe('JSON numbers read in one pass read as parsePlainNumber reads them', () => {
  const layouts: [string, (text: string) => string][] = [
    ['perf 6.1', (n) => `{"interval" : ${n}, "counter-value" : "${n}", "unit" : "", "event" : "cycles", "event-runtime" : ${n}, "pcnt-running" : ${n}, "metric-value" : 0.000000, "metric-unit" : ""}`],
    ['spaces before the commas', (n) => `{"interval" : ${n} , "counter-value" : "${n}" , "unit" : "", "event" : "cycles" , "pcnt-running" : ${n} }`],
    ['no spaces, percentage last', (n) => `{"interval":${n},"counter-value":"${n}","unit":"","event":"cycles","pcnt-running":${n}}`],
  ];
  it.each(layouts)('%s', (_, layout) => {
    for (const text of numberTexts()) {
      const line = layout(text);
      const read = parsePerfStat(line, { format: 'json' });
      // toStrictEqual tells -0 from 0 and compares NaN; a mismatch names the line
      expect({ line, records: read.records }).toStrictEqual({ line, records: expected(text) });
    }
  });

  it('keeps a count that is not a number: <not counted>, <not supported>, and unreadable text', () => {
    const line = (count: string): string => `{"interval" : 1.000000000, "counter-value" : "${count}", "unit" : "", "event" : "cycles", "event-runtime" : 0, "pcnt-running" : 100.00}`;
    expect(parsePerfStat([line('<not counted>'), line('<not supported>'), line('12 34'), line('1.5e3')].join('\n'), { format: 'json' })).toStrictEqual({
      records: [
        { time: 1, event: 'cycles', value: null, unit: '', status: 'not counted', runningPct: 100 },
        { time: 1, event: 'cycles', value: null, unit: '', status: 'not supported', runningPct: 100 },
      ],
      skippedLines: 2,
      format: 'json',
    });
  });
});
