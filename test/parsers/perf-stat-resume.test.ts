import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createPerfStatParser,
  createResumePoints,
  historyDependentLines,
  perfStatResumeState,
  resumePerfStatParser,
  type PerfRecord,
  type PerfStatResumeState,
} from '../../parsers/perf-stat.ts';

/*
 * A parser resumed at a resume point (resumePerfStatParser, createResumePoints) reads the rest of
 * a stream as the sequential parser does: what `perfcell parse` relies on to read a large file in
 * segments (src/cli/parse-segments.ts). Checked at every line of every capture of samples/perf.
 */

function captures(): { name: string; lines: string[] }[] {
  const base = new URL('../../samples/perf/', import.meta.url);
  return readdirSync(base)
    .filter((name) => name.endsWith('.txt'))
    .map((name) => {
      const lines = readFileSync(new URL(name, base), 'utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      return { name, lines };
    });
}

function readAll(lines: readonly string[], from: number, to: number, parser = createPerfStatParser()): PerfRecord[] {
  const records: PerfRecord[] = [];
  for (let index = from; index < to; index++) records.push(...parser.push(lines[index]!));
  records.push(...parser.end());
  return records;
}

describe('resumePerfStatParser', () => {
  it('reads the lines from any resume point as the sequential parser does, in every capture', () => {
    let resumed = 0;
    for (const { name, lines } of captures()) {
      const all = readAll(lines, 0, lines.length);
      const sequential = createPerfStatParser();
      for (let at = 0; at < lines.length; at++) {
        const state = perfStatResumeState(sequential);
        // the format is known, and at a resume point by a reader of its own (not the sequential one's history)
        const points = state === undefined ? undefined : createResumePoints(state.format);
        if (state !== undefined && points!.test(lines[at]!) && points!.historyDependentLines === 0) {
          const parser = resumePerfStatParser(state);
          const rest = readAll(lines, at, lines.length, parser);
          if (historyDependentLines(parser) === 0) {
            // what the sequential parser printed before `at`, its held row included (a resume point emits it)
            const before = readAll(lines, 0, at);
            expect([...before, ...rest], `${name} from line ${at + 1}`).toStrictEqual(all);
            resumed++;
          }
        }
        sequential.push(lines[at]!);
      }
    }
    expect(resumed).toBeGreaterThan(800);
  });

  it('judges a human row held for its continuation line not a resume point, and the row after it one', () => {
    const points = createResumePoints('human');
    expect(points.test('     1.000000000      1,234,567      instructions      #    1.23  insn per cycle')).toBe(true);
    expect(points.test('     1.000000000                                   #    0.45  stalled cycles per insn  (75.00%)')).toBe(false);
    expect(points.test('')).toBe(false);
    expect(createResumePoints('csv').test('')).toBe(true);
    expect(createResumePoints('json').test('# anything')).toBe(true);
  });

  it('carries the decimal point a human stream has shown', () => {
    const parser = createPerfStatParser();
    parser.push('     1.000000000          1.234,56 msec task-clock');
    const state = perfStatResumeState(parser) as PerfStatResumeState;
    expect(state).toEqual({ format: 'human', separator: undefined, decimal: ',' });
    // `112,585` reads by the decimal point learnt: 112.585, not 112585
    expect(resumePerfStatParser(state).push('     2.000000000            112,585      instructions')[0]?.value).toBe(112.585);
    expect(resumePerfStatParser({ ...state, decimal: undefined }).push('     2.000000000            112,585      instructions')[0]?.value).toBe(112585);
  });
});
