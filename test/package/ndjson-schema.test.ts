import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NDJSON_FORMATS, type NdjsonFormat } from '../../src/json-document.ts';
import { version } from '../../src/version.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';

/**
 * Every NDJSON stream perfcell writes (attach --ndjson, parse, parse --summary), taken from the
 * built CLI on real perf output and real processes: its first line is the header its schema's
 * $defs/header takes, and every later line is a record its $defs/record takes.
 */
const schemaDir = join(import.meta.dirname, '..', '..', 'schema');
const samples = join(import.meta.dirname, '..', '..', 'samples', 'perf');
const run = promisify(execFile);
const perfcell = async (args: readonly string[]) => (await run(process.execPath, [cliPath, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 })).stdout;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);

function validator(format: NdjsonFormat, part: 'header' | 'record' | null) {
  const validate = ajv.getSchema(`https://github.com/perfcell/perfcell/schema/${format}.schema.json${part === null ? '' : `#/$defs/${part}`}`);
  expect(validate, `schema/${format}.schema.json ${part ?? ''}`).toBeDefined();
  return validate!;
}

/** The stream's lines, parsed, after checking line 1 is its header and every other line a record. Returns the records. */
function expectStream(format: NdjsonFormat, stdout: string): Array<Record<string, unknown>> {
  expect(stdout.endsWith('\n'), 'the stream ends with a newline').toBe(true);
  const [header, ...records] = stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(header).toEqual({ format, version: NDJSON_FORMATS[format], perfcell: version });
  expect(records.length).toBeGreaterThan(0);
  const [isHeader, isRecord, isLine] = [validator(format, 'header'), validator(format, 'record'), validator(format, null)];
  expect(isHeader(header) ? [] : isHeader.errors).toEqual([]);
  for (const record of records) {
    expect(isRecord(record) ? [] : { record, errors: isRecord.errors }).toEqual([]);
    // The root takes either, and no record passes for a header.
    expect([isLine(record), isHeader(record)]).toEqual([true, false]);
  }
  return records;
}

let dir = '';
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-ndjson-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('NDJSON streams and their schemas', () => {
  it('ships one draft 2020-12 schema per stream, each with a header and a record', () => {
    for (const format of Object.keys(NDJSON_FORMATS)) {
      const schema = JSON.parse(readFileSync(join(schemaDir, `${format}.schema.json`), 'utf8')) as { $schema: string; $defs: Record<string, unknown> };
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['header', 'record']));
    }
  });

  // Captures from real perf: per CPU, per core, per socket, per node, a cgroup, per thread on a
  // hybrid CPU (folded pmus in the summary), human, CSV and JSON.
  const captures = [
    'local-perf61-vm-per-cpu-A.csv.txt',
    'local-perf61-vm-per-core-interval.csv.txt',
    'local-perf61-vm-per-socket.human.txt',
    'lkml-2025-ctshao-per-node-cpus-before.human.txt',
    'local-perf61-vm-cgroup.json.txt',
    'kernel-doc-intel-hybrid-thread-mode.human.txt',
    'lkml-2024-jclark-hybrid-not-counted-before.json.txt',
    'local-perf61-vm-pid-interval-C-locale.human.txt',
  ];

  it.each(captures)('parse and parse --summary of %s: a perfcell-parse-records-ndjson and a perfcell-parse-summary-ndjson, whose records are those of --json', async (name) => {
    const file = join(samples, name);
    const [stream, document, summaryStream, summaryDocument] = await Promise.all([
      perfcell(['parse', file]),
      perfcell(['parse', '--json', file]),
      perfcell(['parse', '--summary', '--ndjson', file]),
      perfcell(['parse', '--summary', '--json', file]),
    ]);
    expect(expectStream('perfcell-parse-records-ndjson', stream)).toEqual((JSON.parse(document) as { records: unknown[] }).records);
    expect(expectStream('perfcell-parse-summary-ndjson', summaryStream)).toEqual((JSON.parse(summaryDocument) as { events: unknown[] }).events);
  });

  it.runIf(runsWithPerf('parse streams of a perf stat -I capture made here'))('parse streams of a perf stat -I -x, capture made here with real perf', async () => {
    const capture = join(dir, 'here.csv');
    const perf = spawnSync('perf', ['stat', '-I', '100', '-x,', '-o', capture, '-e', 'task-clock,page-faults,context-switches', '--', fixture('spin'), '0.35'], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8', timeout: 30_000 });
    expect(perf.status, perf.stderr).toBe(0);
    const records = expectStream('perfcell-parse-records-ndjson', await perfcell(['parse', capture]));
    expect(records.filter((record) => record['event'] === 'page-faults').length).toBeGreaterThanOrEqual(2);
    const events = expectStream('perfcell-parse-summary-ndjson', await perfcell(['parse', '--summary', capture]));
    expect(events.map((event) => event['event'])).toEqual(['task-clock', 'page-faults', 'context-switches']);
  });

  it('a parse that finds no record writes nothing on stdout, not a lone header', async () => {
    for (const args of [['parse', '-'], ['parse', '--summary', '-']]) {
      const result = spawnSync(process.execPath, [cliPath, ...args], { input: 'hello\nworld\n', encoding: 'utf8', timeout: 30_000 });
      expect([result.status, result.stdout]).toEqual([1, '']);
    }
  });

  it.runIf(runsWithPerf('attach --ndjson with real perf'))('attach --ndjson of a real process is a perfcell-attach-ndjson: header, start, intervals, summary', async () => {
    const target = spawn(fixture('spin'), ['30'], { stdio: 'ignore' });
    children.push(target);
    const records = expectStream('perfcell-attach-ndjson', await perfcell(['attach', '--ndjson', '-I', '100', '-d', '0.6', '-e', 'task-clock,page-faults', String(target.pid)]));
    expect(records[0]).toMatchObject({ kind: 'start', pid: target.pid, comm: 'spin', intervalMs: 100, events: ['task-clock', 'page-faults'] });
    expect(records.at(-1)).toMatchObject({ kind: 'summary', endedBy: 'duration' });
    const intervals = records.slice(1, -1);
    expect(intervals.length).toBeGreaterThanOrEqual(2);
    for (const interval of intervals) expect(interval['kind']).toBe('interval');
  });

  it('attach off a terminal (no flag) and with --no-perf writes the same stream; a process that exits ends it', async () => {
    const target = spawn(fixture('spin'), ['2'], { stdio: 'ignore' });
    children.push(target);
    const records = expectStream('perfcell-attach-ndjson', await perfcell(['attach', '--no-perf', '-I', '100', '-d', '20', String(target.pid)]));
    expect(records[0]).toMatchObject({ kind: 'start', pid: target.pid, events: [] });
    expect(records.at(-1)).toMatchObject({ kind: 'summary', endedBy: 'exit' });
  });

  it('the record schemas list every field: a record with a stray one (or a header\'s format) fails', () => {
    const record = { time: null, event: 'page-faults', value: 1, unit: '', status: 'counted', runningPct: null };
    const isRecord = validator('perfcell-parse-records-ndjson', 'record');
    expect(isRecord(record)).toBe(true);
    expect(isRecord({ ...record, format: 'perfcell-parse-records-ndjson' })).toBe(false);
    expect(isRecord({ ...record, status: 'counted-ish' })).toBe(false);
  });
});
