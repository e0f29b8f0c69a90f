import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPerfStatParser, type PerfRecord, type PerfStatParser } from '../../parsers/perf-stat.ts';
import { CsvLineParser } from '../../parsers/perf-stat-csv.ts';
import { HumanLineParser } from '../../parsers/perf-stat-human.ts';
import { JsonLineParser } from '../../parsers/perf-stat-json.ts';
import { seededRandom as prng } from '../support/seeded-random.ts';

const LINES = 1_000_000;
/** FUZZ_SEED=n replays (or explores) another sequence. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20251126);

const samples = new URL('../../samples/perf/', import.meta.url);
const corpusLines = readdirSync(samples)
  .filter((name) => name.endsWith('.txt'))
  .flatMap((name) => readFileSync(new URL(name, samples), 'utf8').split('\n'));

// what perf's lines are made of, and what breaks them
const PIECES = [
  ...'0123456789.,;:|\t #()[]{}<>%"-+_/=\'@^',
  '\u202f', '\u2019', '\u00a0', '\u066b', '\u066c', '\x1b[31m', '^C', '\r', '\ufeff', '\ud800', '\udfff', '\u0000', '😀',
  '<not counted>', '<not supported>', 'msec', 'nan', '-nan', '100.00', '100,00', '( +- 1.2% )', '(64.5%)', '[62.97%]',
  'summary', 'CPU0', 'S0-D0-C0', 'N0', 'python3-19108', '"counter-value" : ', '"interval" : ', '"event" : "', '{', '}',
  '     0.100150932', '9'.repeat(40), ' '.repeat(40),
];

function mutate(line: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const at = Math.floor(random() * (line.length + 1));
  switch (Math.floor(random() * 8)) {
    case 0: // truncated
      return line.slice(0, at);
    case 1: // a piece inserted
      return line.slice(0, at) + pick(PIECES) + line.slice(at);
    case 2: // a run deleted
      return line.slice(0, at) + line.slice(at + 1 + Math.floor(random() * 12));
    case 3: {
      // two fields swapped
      const separator = pick([',', ';', ' ', '\t', ', ']);
      const fields = line.split(separator);
      const i = Math.floor(random() * fields.length);
      const j = Math.floor(random() * fields.length);
      [fields[i], fields[j]] = [fields[j] ?? '', fields[i] ?? ''];
      return fields.join(separator);
    }
    case 4: // random characters
      return Array.from({ length: Math.floor(random() * 60) }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join('');
    case 5: // random pieces
      return Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(PIECES)).join('');
    case 6: // two lines glued
      return line.slice(0, at) + pick(corpusLines);
    default: // a character replaced
      return line.slice(0, at) + pick(PIECES) + line.slice(at + 1);
  }
}

function checkRecord(record: PerfRecord): void {
  const counted = record.status === 'counted';
  const ok =
    (record.status === 'counted' || record.status === 'not counted' || record.status === 'not supported') &&
    counted === (record.value !== null) &&
    (record.value === null || (Number.isFinite(record.value) && record.value >= 0)) &&
    (record.time === null || (Number.isFinite(record.time) && record.time >= 0)) &&
    (record.runningPct === null || Number.isFinite(record.runningPct)) &&
    typeof record.event === 'string' &&
    record.event.length > 0 &&
    record.event.trim() === record.event &&
    typeof record.unit === 'string' &&
    (record.cpu === undefined || Number.isInteger(record.cpu));
  if (!ok) expect(record).toBe('a well-formed record');
}

/** Two readings of one line, alike: expect() only where they differ (a million calls of it cost 20 s). */
function expectAlike(walked: unknown, fast: unknown): void {
  if (JSON.stringify(walked) !== JSON.stringify(fast)) expect(walked).toEqual(fast);
}

describe('fuzz', () => {
  it(`${LINES.toLocaleString('en-US')} mutated lines: the line readers never throw, records stay well-formed`, () => {
    const random = prng(SEED);
    const human = new HumanLineParser();
    const csv = new CsvLineParser();
    const json = new JsonLineParser();
    // perf's own interval rows are read by one regular expression (PERF_ROW), every other line by the scanner
    const scannedJson = new JsonLineParser({ perfRows: false });
    let sameReadings = 0;
    // the same for CSV under `-x,`, with and without perf's metric tail
    const csvPairs = [false, true].map((keepMetrics) => ({ fast: new CsvLineParser(keepMetrics), walked: new CsvLineParser(keepMetrics, { perfRows: false }) }));
    let sameCsvReadings = 0;
    const parsers: PerfStatParser[] = [
      createPerfStatParser(),
      createPerfStatParser({ format: 'human' }),
      createPerfStatParser({ format: 'csv' }),
      createPerfStatParser({ format: 'csv', separator: ';' }),
      createPerfStatParser({ format: 'json' }),
    ];
    let records = 0;
    let line = '';
    try {
      for (let n = 0; n < LINES; n++) {
        line = mutate(corpusLines[Math.floor(random() * corpusLines.length)] ?? '', random);
        if (random() < 0.3) line = mutate(line, random);
        // no try/catch inside these three: a throw here fails the test with the line
        if (human.parse(line) === 'record') checkRecord(human.record as PerfRecord);
        if (csv.parse(line, n % 2 === 0 ? ',' : ';') === 'record') checkRecord(csv.record as PerfRecord);
        const kind = json.parse(line);
        json.records.forEach(checkRecord);
        // the expression reads a line as the scanner does
        expectAlike({ kind: scannedJson.parse(line), records: scannedJson.records }, { kind, records: json.records });
        if (kind === 'record') sameReadings++;
        const pair = csvPairs[n % 2] as (typeof csvPairs)[number];
        const csvKind = pair.fast.parse(line, ',');
        expectAlike({ kind: pair.walked.parse(line, ','), record: pair.walked.record }, { kind: csvKind, record: pair.fast.record });
        if (csvKind === 'record') sameCsvReadings++;
        const parser = parsers[n % parsers.length] as PerfStatParser;
        // pushLast's checks of a line cut short read any line too
        for (const record of n % 8 === 0 ? parser.pushLast(line) : parser.push(line)) {
          checkRecord(record);
          records++;
        }
      }
    } catch (error) {
      throw new Error(`threw on ${JSON.stringify(line)}`, { cause: error });
    }
    for (const parser of parsers) parser.end().forEach(checkRecord);
    // the mutations leave many lines readable: the test exercises the record paths too
    expect(records).toBeGreaterThan(LINES / 20);
    expect(sameReadings).toBeGreaterThan(1000);
    expect(sameCsvReadings).toBeGreaterThan(1000);
  }, 60_000);
});
