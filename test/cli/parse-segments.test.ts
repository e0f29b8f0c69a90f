import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { createPerfStatParser } from '../../parsers/perf-stat.ts';
import { isLargeFileParse, openFileChunks, runParse, type ParseOptions, type SegmentPolicy } from '../../src/cli/commands/parse.ts';
import type { SegmentTally } from '../../src/cli/parse-parallel.ts';
import { ndjsonHeaderLine } from '../../src/json-document.ts';

/*
 * `perfcell parse` reads a large file in segments, on two threads (parse-parallel.ts). Its output
 * must be what reading it in sequence prints, byte for byte: checked here against the
 * straightforward path (JSON.stringify of each record createPerfStatParser gives) on the recorded
 * captures of samples/perf, and against parse's own sequential reading for --json, --csv and the
 * warnings. The captures are a few KiB and segments start after the first 128 KiB read, so each
 * is repeated to some 200 KiB and cut into small segments (every boundary lands somewhere new).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;
const dir = mkdtempSync(join(tmpdir(), 'perfcell-parse-segments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function captures(): { name: string; text: string }[] {
  const base = join(root, 'samples/perf');
  return readdirSync(base)
    .filter((name) => name.endsWith('.txt'))
    .map((name) => ({ name, text: readFileSync(join(base, name), 'utf8') }));
}

/** `text` repeated to at least `bytes` (each copy ending with a newline, as a file of appended runs would). */
function repeated(text: string, bytes: number): string {
  const unit = text.endsWith('\n') ? text : `${text}\n`;
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
}

/** `text` repeated to at least `count` lines: the CLI reads a file on two threads from 400,000 lines on (commands/parse.ts). */
function repeatedLines(text: string, count: number): string {
  const unit = text.endsWith('\n') ? text : `${text}\n`;
  return unit.repeat(Math.ceil(count / unit.split('\n').length) + 1);
}

interface LargeInput {
  readonly path: string;
  readonly text: string;
  expected?: string;
}
const largeInputs = new Map<string, LargeInput>();
afterAll(() => largeInputs.clear());

/**
 * The capture `name` of samples/perf repeated to 450,000 lines, in a file; made once for the file's
 * tests (two read the per-CPU JSON one), by whichever asks first, and removed with `dir`.
 */
function largeInput(name: string): LargeInput {
  let input = largeInputs.get(name);
  if (input === undefined) {
    const text = repeatedLines(readFileSync(join(root, 'samples/perf', name), 'utf8'), 450_000);
    input = { path: fileOf(text), text };
    largeInputs.set(name, input);
  }
  return input;
}

/**
 * `perfcell parse ARGS` with the file `outPath` itself as its stdout: its writes are synchronous
 * (execa's `stdout: { file }` would give it a pipe to this process, which writes the file).
 */
function parseIntoFile(args: readonly string[], outPath: string): Promise<{ exitCode: number | null; stderr: string }> {
  const out = openSync(outPath, 'w');
  try {
    const child = spawn(process.execPath, [bin, 'parse', ...args], { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ exitCode, stderr }));
    });
  } finally {
    closeSync(out); // the child has its own
  }
}

/** What the straightforward path prints for a large input (some 48 MB, 1.5-2 s to make): made once too. */
function expectedOf(input: LargeInput): string {
  input.expected ??= straightforward(input.text);
  return input.expected;
}

let files = 0;
function fileOf(text: string): string {
  const path = join(dir, `input-${files++}.txt`);
  writeFileSync(path, text);
  return path;
}

/** The straightforward path: a header line, then JSON.stringify of each record, one a line. */
function straightforward(text: string): string {
  const parser = createPerfStatParser();
  const lines: string[] = [];
  const input = text.split('\n');
  const last = input.pop() ?? '';
  for (const line of input) for (const record of parser.push(line)) lines.push(JSON.stringify(record));
  // a last line that no newline ended was perhaps cut short
  if (last !== '') for (const record of parser.pushLast(last)) lines.push(JSON.stringify(record));
  for (const record of parser.end()) lines.push(JSON.stringify(record));
  return lines.length === 0 ? '' : ndjsonHeaderLine('perfcell-parse-records-ndjson') + lines.map((line) => `${line}\n`).join('');
}

/** What parse says of a file whose last line, without a newline, it skipped. */
const cutWarning = (path: string): string =>
  `warning: skipped the last line of ${path}, cut short: it has no newline at its end (the file was cut, or perf was still writing it? parse it once perf has ended)`;

interface Printed {
  stdout: string;
  stderr: string;
  error: string | undefined;
  report: (SegmentTally & { from: number }) | undefined;
}

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** runParse on `path`, in sequence or (with `segmentBytes`) in segments of that size on this thread. */
async function parse(path: string, options: Partial<ParseOptions> = {}, segmentBytes?: number): Promise<Printed> {
  const stdout = new Collect();
  const stderr = new Collect();
  let report: Printed['report'];
  const segments: SegmentPolicy | undefined =
    segmentBytes === undefined ? undefined : { minLines: 1, segmentBytes, workerUrl: undefined, onSegmented: (tally) => (report = tally) };
  let error: string | undefined;
  try {
    await runParse(path, { format: 'auto', ...options }, { stdin: (async function* () {})(), stdout, stderr, openFile: openFileChunks, segments });
  } catch (caught: unknown) {
    error = String(caught);
  }
  return { stdout: stdout.text(), stderr: stderr.text(), error, report };
}

describe('parse in segments', () => {
  it('prints what JSON.stringify of each record gives, for every capture of samples/perf, at any segment size', async () => {
    let segmented = 0;
    const all = captures();
    expect(all.length).toBeGreaterThan(40);
    for (const { name, text } of all) {
      const input = repeated(text, 200_000);
      const path = fileOf(input);
      const expected = straightforward(input);
      const sequential = await parse(path);
      expect(sequential.stdout, name).toBe(expected);
      for (const segmentBytes of [1500, 9000, 40_000]) {
        const result = await parse(path, {}, segmentBytes);
        expect(result.stdout, `${name}, segments of ${segmentBytes} bytes`).toBe(expected);
        expect(result.stderr, name).toBe(sequential.stderr);
        expect(result.error, name).toBe(sequential.error);
        if (result.report !== undefined) {
          segmented++;
          expect(result.report.segments, name).toBeGreaterThan(1);
        }
      }
    }
    // every capture with a record is read in segments (the ones without fail before)
    expect(segmented).toBeGreaterThan(40 * 3);
  });

  it('prints --json and --csv documents as in sequence, and the same warnings', async () => {
    const picks = captures().filter(({ name }) => /interval|per-cpu|json|multiplexed|hybrid/.test(name));
    expect(picks.length).toBeGreaterThan(4);
    for (const { name, text } of picks) {
      const path = fileOf(repeated(text, 200_000));
      for (const options of [{ json: true }, { csv: true }]) {
        const sequential = await parse(path, options);
        const result = await parse(path, options, 7000);
        expect(result.report, name).toBeDefined();
        expect(result.stdout, `${name} ${JSON.stringify(options)}`).toBe(sequential.stdout);
        expect(result.stderr, name).toBe(sequential.stderr);
      }
    }
  });

  it('reads long lines, CRLF, a last line without newline and unreadable lines across boundaries as in sequence', async () => {
    const csv = readFileSync(join(root, 'samples/perf/local-perf61-vm-pid-interval-comma.csv.txt'), 'utf8');
    const body = repeated(csv, 150_000);
    const long = `${'x'.repeat(70_000)}\n`;
    const odd = '     1.000000000,<bogus>,,cycles,1000,100.00,,\n12345\n';
    const text = `${body}${long}${odd}${body.replaceAll('\n', '\r\n')}${long}${body}${odd}${body.trimEnd()}`;
    const path = fileOf(text);
    const sequential = await parse(path);
    expect(sequential.stderr).toMatch(/skipped 2 lines .* longer than 64 KiB/);
    expect(sequential.stderr).toMatch(/skipped \d+ lines? .* could not be read/);
    for (const segmentBytes of [1000, 33_333, 100_000]) {
      const result = await parse(path, {}, segmentBytes);
      expect(result.report).toBeDefined();
      expect(result.report?.inSequenceFrom).toBeUndefined();
      expect(result.stdout).toBe(sequential.stdout);
      expect(result.stderr).toBe(sequential.stderr);
    }
    expect(sequential.stdout).toBe(straightforward(text.replaceAll(long.trimEnd(), '')));
  });

  it('skips a last line cut short as in sequence, whichever segment or piece reads it, and says it was cut', async () => {
    const inputs: Array<{ name: string; text: string; firstPieceEnds?: boolean; isCut: boolean }> = [];
    for (const name of ['local-perf61-vm-pid-interval-comma.csv.txt', 'local-perf61-vm-pid-interval-en_US.human.txt', 'local-perf61-vm-pid-interval.json.txt']) {
      const whole = repeated(readFileSync(join(root, 'samples/perf', name), 'utf8'), 200_000);
      // cut in the last line's event name; and only its newline gone (whole, kept)
      inputs.push(
        { name, text: whole.slice(0, whole.indexOf('stalled', whole.lastIndexOf('\n', whole.length - 2)) + 7), isCut: true },
        { name, text: whole.slice(0, -1), isCut: false },
      );
    }
    // the first read (128 KiB) ends in the last line, which the first piece reads on to the file's end
    const row = '     0.100150932,7,,context-switches,85717810,100.00,81.659,/sec\n';
    const long = `     0.200150932,7,,${'unc_cha_tor_occupancy.ia_miss_drd_local_ddr'.repeat(3)},85717810,100.00,,`;
    const head = row.repeat(Math.floor((131_072 - 20) / row.length));
    inputs.push({ name: 'first piece, cut', text: head + long.slice(0, 120), firstPieceEnds: true, isCut: true }, { name: 'first piece, whole', text: head + long, firstPieceEnds: true, isCut: false });
    for (const { name, text, firstPieceEnds, isCut } of inputs) {
      const path = fileOf(text);
      const expected = straightforward(text);
      const sequential = await parse(path);
      expect(sequential.stdout, name).toBe(expected);
      expect(sequential.stderr, name).toBe(isCut ? `${cutWarning(path)}\n` : '');
      for (const segmentBytes of [1000, 7777, 50_000]) {
        const result = await parse(path, {}, segmentBytes);
        expect(result.report?.from, name).toEqual(firstPieceEnds === true ? -1 : expect.any(Number));
        expect(result.stdout, `${name}, segments of ${segmentBytes} bytes`).toBe(expected);
        expect(result.stderr, name).toBe(sequential.stderr);
      }
    }
  });

  it('gives a human row held past a segment end the running percentage of its continuation line', async () => {
    // perf prints a row's running percentage after its last metric: on the next line when it has two
    let text = '';
    for (let interval = 1; text.length < 400_000; interval++) {
      const time = (interval / 10).toFixed(9).padStart(16);
      const pct = (50 + (interval % 50)).toFixed(2);
      text +=
        `${time} ${'123,456,789'.padStart(18)}      instructions              #    1.23  insn per cycle\n` +
        `${time}${' '.repeat(50)}#    0.45  stalled cycles per insn  (${pct}%)\n` +
        `${time} ${'5,789'.padStart(18)}      cycles                    #    1.23  GHz\n`;
    }
    const path = fileOf(text);
    const expected = straightforward(text);
    expect(expected).toContain('"event":"instructions","value":123456789,"unit":"","status":"counted","runningPct":75}');
    for (const segmentBytes of [1000, 7777, 50_000]) {
      const result = await parse(path, {}, segmentBytes);
      expect(result.report?.inSequenceFrom).toBeUndefined();
      expect(result.stdout).toBe(expected);
    }
  });

  it('reads the rest in sequence where a segment learns another decimal point than the stream start taught', async () => {
    // human rows: `1,234.56` teaches '.', `1.234,56` teaches ','; `112.585` reads by what was taught
    const row = (time: number, count: string, event: string): string => `${time.toFixed(9).padStart(16)} ${count.padStart(18)}      ${event}\n`;
    let text = '';
    let time = 0;
    while (text.length < 300_000) text += row((time += 0.1), '1,234.56', 'cycles') + row(time, '112.585', 'instructions');
    while (text.length < 400_000) text += row((time += 0.1), '1.234,56', 'cycles') + row(time, '112.585', 'instructions');
    while (text.length < 600_000) text += row((time += 0.1), '112.585', 'instructions');
    const path = fileOf(text);
    const expected = straightforward(text);
    // the later rows do read otherwise: the test would not notice a segment reading them with '.'
    expect(expected).toContain('"event":"instructions","value":112.585');
    expect(expected).toContain('"event":"instructions","value":112585');
    for (const segmentBytes of [5000, 64_000]) {
      const result = await parse(path, {}, segmentBytes);
      expect(result.report?.inSequenceFrom).toBeDefined();
      expect(result.stdout).toBe(expected);
    }
  });

  it('reads the rest in sequence where a row not laid out like perf\'s is read by the names the stream showed', async () => {
    const human = readFileSync(join(root, 'samples/perf/local-perf61-vm-pid-interval-en_US.human.txt'), 'utf8');
    // `12 widgets` alone (no time, the count not right-aligned, a plain word): a row only because
    // the stream showed `widgets` as an event before, in a row laid out like perf's
    const shaped = '     0.100151921                 42      widgets\n';
    const text = `${shaped}${repeated(human, 200_000)}12 widgets\n${repeated(human, 200_000)}`;
    const path = fileOf(text);
    const expected = straightforward(text);
    expect(expected).toContain('{"time":null,"event":"widgets","value":12,');
    for (const segmentBytes of [4000, 50_000]) {
      const result = await parse(path, {}, segmentBytes);
      expect(result.report?.inSequenceFrom).toBeDefined();
      expect(result.stdout).toBe(expected);
    }
  });
});

describe('perfcell parse on a large file (two threads)', () => {
  it('starts the second thread early only for parse FILE of a large regular file, printing records', () => {
    const large = fileOf('x'.repeat(33 << 20));
    const small = fileOf('x'.repeat(4096));
    const argv = (...args: string[]): string[] => [process.execPath, bin, ...args];
    expect(isLargeFileParse(argv('parse', large))).toBe(true);
    expect(isLargeFileParse(argv('--debug', 'parse', '--format', 'csv', '--sep', ';', large, '--json'))).toBe(true);
    expect(isLargeFileParse(argv('parse', '--format=json', '--csv', large))).toBe(true);
    expect(isLargeFileParse(argv('parse', small))).toBe(false);
    expect(isLargeFileParse(argv('parse', '--summary', large))).toBe(false);
    expect(isLargeFileParse(argv('parse', large, large))).toBe(false);
    expect(isLargeFileParse(argv('parse', '-'))).toBe(false);
    expect(isLargeFileParse(argv('parse', dir))).toBe(false);
    expect(isLargeFileParse(argv('parse', join(dir, 'missing')))).toBe(false);
    expect(isLargeFileParse(argv('run', '--', 'cat', large))).toBe(false);
    rmSync(large);
  });

  it('says a large file holds no perf rows as a small one does (the thread started early is stopped)', async () => {
    const path = fileOf('hello, world\n'.repeat(2_700_000));
    const result = await execa(process.execPath, [bin, 'parse', path], { reject: false, timeout: 30_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: no perf stat counter rows in ${path} (is it the output of perf stat? try --format)`);
    rmSync(path);
  });

  it('prints what JSON.stringify of each record gives, in every format, past many segments', async () => {
    for (const name of ['local-perf61-vm-pid-interval-comma.csv.txt', 'local-perf61-vm-pid-interval-en_US.human.txt', 'local-perf61-vm-per-cpu-A-interval.json.txt']) {
      const input = largeInput(name);
      // into a file: its writes are synchronous, so the pieces written are filled again (a pipe's may queue)
      const outPath = `${input.path}.out`;
      const running = parseIntoFile([input.path], outPath);
      // The straightforward path runs here meanwhile: the CLI writes to the file, not to this
      // process, so this thread being busy changes nothing of how it writes (nor is anything timed).
      const expected = expectedOf(input);
      const result = await running;
      expect(result.exitCode, name).toBe(0);
      expect(result.stderr, name).toBe('');
      const stdout = readFileSync(outPath, 'utf8');
      rmSync(outPath);
      // one comparison of ~48 MB: toBe would print both on a failure
      expect(stdout.length, name).toBe(expected.length);
      expect(stdout === expected, name).toBe(true);
    }
  }, 120_000);

  it('says a large file\'s last line was cut short where it was, as a small file\'s', async () => {
    const input = largeInput('local-perf61-vm-pid-interval-comma.csv.txt');
    // cut in the last row's event name, after a row read but not printed as perf's
    const text = `${input.text}     9.999999999,12345,,page-faul`;
    const path = fileOf(text);
    // two threads, as a user's large file is read
    const result = await execa(process.execPath, [bin, 'parse', '--json', path], { reject: false, timeout: 60_000, maxBuffer: 1 << 30 });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(cutWarning(path));
    expect(result.stdout.endsWith('],"skippedLines":1,"perfFormat":"csv"}')).toBe(true);
    rmSync(path);
  }, 60_000);

  it('prints the same through a pipe (whose writes may queue, so no piece is filled again while queued)', async () => {
    const input = largeInput('local-perf61-vm-per-cpu-A-interval.json.txt');
    // before the CLI starts, so this thread reads the pipe as it fills
    const expected = expectedOf(input);
    const result = await execa(process.execPath, [bin, 'parse', input.path], { reject: false, stripFinalNewline: false, encoding: 'buffer', maxBuffer: 1 << 30 });
    expect(result.exitCode).toBe(0);
    const stdout = Buffer.from(result.stdout).toString('utf8');
    expect(stdout.length).toBe(expected.length);
    expect(stdout === expected).toBe(true);
  }, 60_000);
});
