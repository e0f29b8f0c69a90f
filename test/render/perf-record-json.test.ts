import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePerfStat, type PerfRecord } from '../../parsers/perf-stat.ts';
import { ByteBuffer } from '../../src/render/byte-buffer.ts';
import { jsonNumber, MAX_NUMBER_BYTES, RecordJson, RecordJsonBytes, writeJsonNumber } from '../../src/render/perf-record-json.ts';

/** Every recorded capture of samples/ that reads as perf stat output. */
function captures(): { name: string; text: string }[] {
  const found: { name: string; text: string }[] = [];
  for (const dir of ['perf', 'rowcol', 'perf-errors', 'device-check']) {
    const base = new URL(`../../samples/${dir}/`, import.meta.url);
    for (const name of readdirSync(base)) {
      if (!name.endsWith('.txt')) continue;
      found.push({ name: `${dir}/${name}`, text: readFileSync(new URL(name, base), 'utf8') });
    }
  }
  return found;
}

function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Perf-shaped numbers (counts, %.2f, %.9f), arbitrary doubles and the odd cases. */
function numbers(): (number | null)[] {
  const next = random(3);
  const values: (number | null)[] = [
    null, 0, -0, 1, 100, 0.5, 67.54, 0.10005823, 85.72, 1e-6, 1.5e-6, 9.99e-7, 1e-7, 0.1 + 0.2, 1 / 3, 123456789.123456,
    999999999999999.9, 1e15, 1e15 + 0.5, 1e21, 1.7976931348623157e308, 5e-324, -67.54, Number.NaN, Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY, 4123456789, 2 ** 53 + 2, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 9, 10, 99999, 1e9 + 0.5,
    -1.2345678901234567e-300,
  ];
  for (let i = 0; i < 200_000; i++) {
    const decimals = Math.floor(next() * 10);
    values.push(Number((next() * 10 ** Math.floor(next() * 13)).toFixed(decimals)), next() * 10 ** (Math.floor(next() * 40) - 20));
    values.push(Math.floor(next() * 2 ** Math.floor(next() * 54)) * (next() < 0.1 ? -1 : 1));
  }
  return values;
}

describe('writeJsonNumber', () => {
  it('writes the bytes of JSON.stringify, within MAX_NUMBER_BYTES', () => {
    const bytes = Buffer.alloc(64);
    const wrong: string[] = [];
    const values = numbers();
    for (const value of values) {
      const end = writeJsonNumber(bytes, 3, value);
      const text = bytes.toString('latin1', 3, end);
      if (text !== JSON.stringify(value) || end - 3 > MAX_NUMBER_BYTES) wrong.push(`${String(value)} → ${text}`);
    }
    expect(values.length).toBeGreaterThan(600_000);
    expect(wrong).toEqual([]);
  });
});

describe('jsonNumber', () => {
  it('writes what JSON.stringify writes, for perf-shaped and other numbers', () => {
    const next = random(3);
    const values: (number | null)[] = [
      null, 0, -0, 1, 100, 0.5, 67.54, 0.10005823, 85.72, 1e-6, 1.5e-6, 9.99e-7, 1e-7, 0.1 + 0.2, 1 / 3, 123456789.123456,
      999999999999999.9, 1e15, 1e15 + 0.5, 1e21, 1.7976931348623157e308, 5e-324, -67.54, Number.NaN, Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY, 4123456789, 2 ** 53 + 2,
    ];
    for (let i = 0; i < 200_000; i++) {
      const decimals = Math.floor(next() * 10);
      values.push(Number((next() * 10 ** Math.floor(next() * 13)).toFixed(decimals)), next() * 10 ** (Math.floor(next() * 40) - 20));
    }
    for (const value of values) expect(jsonNumber(value), String(value)).toBe(JSON.stringify(value));
  });
});

describe('RecordJsonBytes', () => {
  it('writes JSON.stringify(record) of every record of every capture as UTF-8, byte for byte, across pieces', () => {
    for (const { name, text } of captures()) {
      const records = parsePerfStat(text).records;
      const pieces: Buffer[] = [];
      // small pieces: a record often does not fit what is left of one
      const out = new ByteBuffer((piece) => pieces.push(piece), 300);
      const json = new RecordJsonBytes('}');
      const prefix = Buffer.from(',\n');
      for (const record of records) json.write(record, out, prefix);
      out.spill();
      expect(Buffer.concat(pieces).toString('utf8'), name).toBe(records.map((record) => `,\n${JSON.stringify(record)}`).join(''));
    }
  });

  it('writes the odd records (aggregation columns, quotes, non-ASCII names, null counts) as JSON.stringify does', () => {
    const rows: PerfRecord[] = [
      { time: 0.1, event: 'cycles', value: 12, unit: '', status: 'counted', runningPct: 100 },
      { time: 0.1, event: 'cycles', value: null, unit: '', status: 'not counted', runningPct: null },
      { time: 0.2, event: 'cycles', value: 3.25, unit: 'msec', status: 'counted', runningPct: 67.5 },
      { time: 0.2, event: 'cycles', value: 4, unit: 'msec', status: 'counted', runningPct: 67.5, cpu: 3, cgroup: 'a"b' },
      { time: null, event: 'événement', value: -1.5e300, unit: 'µs', status: 'not supported', runningPct: 0.01 },
      { time: null, event: 'cycles', value: 7, unit: '', status: 'counted', runningPct: 100, core: 'S0-D0-C1', die: 'S0-D0', node: 'N0', thread: 'perf-12' },
    ];
    const pieces: Buffer[] = [];
    const out = new ByteBuffer((piece) => pieces.push(piece));
    const json = new RecordJsonBytes('}\n');
    for (const row of rows) json.write(row, out);
    out.spill();
    expect(Buffer.concat(pieces).toString('utf8')).toBe(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  });
});

describe('RecordJsonBytes keeps what repeats and writes what changes', () => {
  it('events in a changing order, running percentages that repeat, change, come back or are null, units and statuses that change', () => {
    const next = random(11);
    const events = ['task-clock', 'page-faults', 'cycles', 'instructions', 'cache-misses'];
    const pcts = [100, 100, 100, 63.5, 63.5, 0.01, null, 99.99];
    const rows: PerfRecord[] = [];
    for (let interval = 1; interval <= 400; interval++) {
      // mostly perf's fixed order, sometimes another (an event missing, two swapped, a new one)
      const order = next() < 0.7 ? events : [...events].sort(() => next() - 0.5).slice(0, 2 + Math.floor(next() * 4));
      if (next() < 0.05) order.splice(Math.floor(next() * order.length), 0, `new-event-${interval}`);
      for (const event of order) {
        const status = next() < 0.05 ? 'not counted' : 'counted';
        rows.push({
          time: interval / 10,
          event,
          value: status === 'counted' ? Math.floor(next() * 2 ** (next() * 53)) : null,
          unit: next() < 0.1 ? 'msec' : '',
          status,
          runningPct: status === 'counted' ? pcts[Math.floor(next() * pcts.length)]! : null,
        });
      }
    }
    const pieces: Buffer[] = [];
    const out = new ByteBuffer((piece) => pieces.push(piece), 512);
    const json = new RecordJsonBytes('}\n');
    for (const row of rows) json.write(row, out);
    out.spill();
    expect(Buffer.concat(pieces).toString('utf8')).toBe(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  });

  it('writes integers of 10 to 16 digits (written in two halves) as JSON.stringify does', () => {
    const bytes = Buffer.alloc(64);
    const values: number[] = [];
    for (let digits = 10; digits <= 16; digits++) {
      const power = 10 ** digits;
      values.push(power / 10, power - 1, power + 1, power - 1e8, power - 1e8 + 1, power + 99999999);
    }
    values.push(2 ** 31, 2 ** 31 + 1, 2 ** 53 - 1, 2 ** 53 - 1e8, 8999999999999999, 4123456789, 100000000000000);
    for (const value of values.filter((value) => value < 2 ** 53)) {
      expect(bytes.toString('latin1', 0, writeJsonNumber(bytes, 0, value)), String(value)).toBe(JSON.stringify(value));
      expect(bytes.toString('latin1', 0, writeJsonNumber(bytes, 0, -value)), String(-value)).toBe(JSON.stringify(-value));
    }
  });
});

describe('RecordJson', () => {
  it('writes JSON.stringify(record) of every record of every capture, byte for byte', () => {
    let records = 0;
    for (const { name, text } of captures()) {
      const json = new RecordJson('}\n');
      for (const record of parsePerfStat(text).records) {
        expect(json.line(record), name).toBe(JSON.stringify(record) + '\n');
        records++;
      }
    }
    expect(records).toBeGreaterThan(500);
  });

  it('keeps pieces per event but writes each record as it is (status, unit and running percentage change)', () => {
    const json = new RecordJson('}');
    const rows: PerfRecord[] = [
      { time: 0.1, event: 'cycles', value: 12, unit: '', status: 'counted', runningPct: 100 },
      { time: 0.1, event: 'cycles', value: null, unit: '', status: 'not counted', runningPct: null },
      { time: 0.2, event: 'cycles', value: 3.25, unit: 'msec', status: 'counted', runningPct: 67.5 },
      { time: 0.2, event: 'cycles', value: 4, unit: 'msec', status: 'counted', runningPct: 67.5, cpu: 3, cgroup: 'a"b' },
      { time: null, event: 'uncore_imc/cas_count_read/', value: 7, unit: 'MiB', status: 'counted', runningPct: 100, socket: 'S0' },
      { time: null, event: 'cycles', value: 7, unit: '', status: 'counted', runningPct: 100, core: 'S0-D0-C1', die: 'S0-D0', node: 'N0', thread: 'perf-12' },
    ];
    for (const row of rows) expect(json.line(row)).toBe(JSON.stringify(row));
    expect(json.isAscii).toBe(true);
  });

  it('says when a line held a character outside ASCII (output written as latin1 must not)', () => {
    const json = new RecordJson('}\n');
    const row: PerfRecord = { time: null, event: 'événement', value: 1, unit: '', status: 'counted', runningPct: 100 };
    expect(json.line(row)).toBe(JSON.stringify(row) + '\n');
    expect(json.isAscii).toBe(false);
  });
});
