import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerfStat, type PerfRecord, type PerfStatParserOptions } from '../../parsers/perf-stat.ts';
import { perfUsable } from '../support/perf.ts';

/*
 * One recording (`perf stat record`), printed again by `perf stat report` in every format and in
 * locales with other digit grouping and decimal points: all must read as the same counts as the
 * C-locale JSON. perf computes each printout from the same data, so this is an exact oracle.
 */

const EVENTS = 'task-clock,page-faults,context-switches,cycles';
/** A locale per convention: `.`/`,` (de_DE), U+202F/`,` (fr_FR), U+066C/U+066B (ps_AF). */
const LOCALES = ['de_DE', 'fr_FR', 'ps_AF'];
const FORMATS: readonly (readonly [string, readonly string[], PerfStatParserOptions])[] = [
  ['human', [], {}],
  ['human --no-big-num', ['--no-big-num'], {}],
  ['-x,', ['-x,'], {}],
  ['-x;', ['-x;'], {}],
  ["-x'\\t'", ['-x\t'], {}],
  ['-x::', ['-x::'], { separator: '::' }],
  ['-j', ['-j'], {}],
];

const localeSources = '/usr/share/i18n/locales';
const canBuildLocales = spawnSync('localedef', ['--help'], { stdio: 'ignore' }).status === 0 && existsSync(`${localeSources}/de_DE`);

let dir = '';
const compiledLocales: string[] = [];

function perf(args: readonly string[], locale = 'C'): string {
  const env = { ...process.env, LOCPATH: dir, LC_ALL: locale === 'C' ? 'C' : `${locale}.UTF-8` };
  const result = spawnSync('perf', args, { env, encoding: 'utf8', timeout: 30_000 });
  return `${result.stderr}${result.stdout}`;
}

const report = (data: string, format: readonly string[], aggregation: readonly string[], locale?: string): string =>
  perf(['stat', ...format, 'report', '-i', data, ...aggregation], locale);

/** Counts agree to the precision the human format prints (2 decimals for msec). */
function expectSameCounts(got: readonly PerfRecord[], reference: readonly PerfRecord[], label: string): void {
  const strip = ({ value, runningPct, ...rest }: PerfRecord) => {
    void runningPct; // human output prints no percentage when an event ran all the time
    return { ...rest, value: value === null ? null : Math.round(value * 100) / 100 };
  };
  expect(got.map(strip), label).toStrictEqual(reference.map(strip));
}

describe.runIf(perfUsable)('real perf stat output, every format and locale, against its own JSON', () => {
  const data = { totals: '', intervals: '' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-perf-stat-'));
    const busy = [process.execPath, '-e', 'const end = Date.now() + 300; let a = []; while (Date.now() < end) a.push(new Array(64).fill(1)); ']; // prettier-ignore
    data.totals = join(dir, 'totals.data');
    data.intervals = join(dir, 'intervals.data');
    perf(['stat', 'record', '-o', data.totals, '-a', '-e', EVENTS, '--', ...busy]);
    perf(['stat', '-I', '100', 'record', '-o', data.intervals, '-a', '-e', EVENTS, '--', ...busy]);
    if (canBuildLocales) {
      for (const locale of LOCALES) {
        const built = spawnSync('localedef', ['-i', locale, '-f', 'UTF-8', join(dir, `${locale}.UTF-8`)], { stdio: 'ignore', timeout: 60_000 });
        if (built.status === 0 || existsSync(join(dir, `${locale}.UTF-8`))) compiledLocales.push(locale);
      }
    }
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const [kind, aggregation] of [
    ['totals', []],
    ['intervals', []],
    ['totals', ['-A']],
    ['intervals', ['--per-core']],
    ['totals', ['--per-socket']],
  ] as const) {
    it(`${kind} ${aggregation.join(' ') || '(aggregated)'}`, () => {
      const path = data[kind];
      const reference = parsePerfStat(report(path, ['-j'], aggregation));
      expect(reference.format).toBe('json');
      expect(reference.records.length).toBeGreaterThanOrEqual(4);
      expect(reference.records.find((record) => record.event === 'task-clock')?.status).toBe('counted');
      for (const locale of ['C', ...compiledLocales]) {
        for (const [name, args, options] of FORMATS) {
          const text = report(path, args, aggregation, locale);
          const result = parsePerfStat(text, options);
          const label = `${locale} ${name}:\n${text.slice(0, 400)}`;
          expect(result.skippedLines, label).toBe(0);
          expectSameCounts(result.records, reference.records, label);
        }
      }
    });
  }

  it('compiled the locales it was meant to try', () => {
    if (!canBuildLocales) console.warn('localedef or locale sources missing: real perf output read in the C locale only');
    expect(compiledLocales).toEqual(canBuildLocales ? LOCALES : []);
  });
});
