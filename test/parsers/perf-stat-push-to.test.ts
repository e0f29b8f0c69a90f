import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPerfStatParser, pushRecordsTo, type PerfRecord, type PerfStatParser } from '../../parsers/perf-stat.ts';

/*
 * pushRecordsTo is push() handing its records to a sink (`perfcell parse` prints them so, and a
 * CSV row's record comes without push()'s array). It must give what push() gives, line by line.
 */

const captures = ['perf', 'rowcol', 'perf-errors'].flatMap((dir) => {
  const base = new URL(`../../samples/${dir}/`, import.meta.url);
  return readdirSync(base)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name: `${dir}/${name}`, text: readFileSync(new URL(name, base), 'utf8') }));
});

/** Each line's records and the skipped count after it, read by `read`. */
function lineByLine(text: string, read: (parser: PerfStatParser, line: string) => PerfRecord[]): { records: PerfRecord[][]; skipped: number[]; format: string | undefined } {
  const parser = createPerfStatParser();
  const records: PerfRecord[][] = [];
  const skipped: number[] = [];
  for (const line of text.split('\n')) {
    records.push(read(parser, line));
    skipped.push(parser.skippedLines);
  }
  records.push(parser.end());
  return { records, skipped, format: parser.format };
}

describe('pushRecordsTo', () => {
  it('hands on what push() returns, line by line, for every capture (CSV, human and JSON) and their lines cut short', () => {
    let total = 0;
    for (const { name, text } of captures) {
      // every line also cut in half: rows that do not read, so skipped lines are compared too
      const cut = text
        .split('\n')
        .flatMap((line) => [line, line.slice(0, Math.floor(line.length / 2))])
        .join('\n');
      for (const input of [text, cut]) {
        const pushed = lineByLine(input, (parser, line) => parser.push(line));
        const handed = lineByLine(input, (parser, line) => {
          const got: PerfRecord[] = [];
          const count = pushRecordsTo(parser, line, { record: (record) => got.push(record) });
          expect(count, name).toBe(got.length);
          return got;
        });
        expect(handed, name).toStrictEqual(pushed);
        total += pushed.records.flat().length;
      }
    }
    expect(total).toBeGreaterThan(1000);
  });

  it("lets the sink's error through and does not count its line as skipped", () => {
    const parser = createPerfStatParser({ format: 'csv', separator: ',' });
    const failing = {
      record(): void {
        throw new Error('sink failed');
      },
    };
    expect(() => pushRecordsTo(parser, '     1.000000000,12,,page-faults,1000,100.00,,', failing)).toThrow('sink failed');
    expect(parser.skippedLines).toBe(0);
    // a line that does not read is skipped, and the sink is not called
    expect(pushRecordsTo(parser, '     1.000000000,12x,,page-faults,1000,100.00,,', failing)).toBe(0);
    expect(parser.skippedLines).toBe(1);
  });
});
