import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventAggregate } from '../../parsers/aggregate.ts';
import { parsePerfStat, type PerfRecord } from '../../parsers/perf-stat.ts';
import { version } from '../../src/version.ts';
import { seededRandom } from '../support/seeded-random.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}dist/app/cli.cjs`;
const sample = (name: string): string => `${root}samples/perf/${name}`;

/** The built CLI as a user runs it, time-limited. execa strips the one final newline of stdout and stderr. */
function perfcell(args: readonly string[], input?: string) {
  return execa(process.execPath, [bin, ...args], {
    reject: false,
    timeout: 30_000,
    forceKillAfterDelay: 1_000,
    env: { NO_COLOR: '1' },
    cwd: root,
    ...(input === undefined ? {} : { input }),
  });
}

/** The records of parse's NDJSON stream, after checking its header line (json-document.ts, NDJSON_FORMATS). */
const ndjson = (text: string, format = 'perfcell-parse-records-ndjson'): unknown[] => {
  const [header, ...records] = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
  expect(header).toEqual({ format, version: 1, perfcell: version });
  return records;
};

beforeAll(() => {
  // test/global-setup.ts builds once (or fails the run); each file only checks the bin is there.
  expect(existsSync(bin), `${bin} is missing: run npm run build (vitest's global setup builds it)`).toBe(true);
});

describe('perfcell parse', () => {
  it('prints a header line, then one NDJSON record a line, keys in PerfRecord order', async () => {
    const result = await perfcell(['parse', sample('local-perf61-vm-per-cpu-A.csv.txt')]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`{"format":"perfcell-parse-records-ndjson","version":1,"perfcell":"${version}"}`);
    expect(lines[1]).toBe('{"time":null,"event":"task-clock","value":469.08,"unit":"msec","status":"counted","runningPct":100,"cpu":0}');
    const expected = parsePerfStat(readFileSync(sample('local-perf61-vm-per-cpu-A.csv.txt'), 'utf8')).records;
    expect(ndjson(result.stdout)).toStrictEqual(expected);
  });

  it('reads stdin for - and with no file, in any format', async () => {
    const text = readFileSync(sample('local-perf61-vm-pid-interval.json.txt'), 'utf8');
    for (const args of [['parse', '-'], ['parse']]) {
      const result = await perfcell(args, text);
      expect(result.exitCode).toBe(0);
      expect(ndjson(result.stdout)).toStrictEqual(parsePerfStat(text).records);
    }
  });

  it('--json prints one document (format perfcell-parse-records) with the records, skipped lines and the format perf wrote', async () => {
    const result = await perfcell(['parse', '--json', sample('kernel-doc-intel-hybrid-thread-mode.human.txt')]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toStrictEqual({
      format: 'perfcell-parse-records',
      version: 1,
      perfcell: version,
      records: [
        { time: null, event: 'cpu_core/cycles/', value: 233066666, unit: '', status: 'counted', runningPct: 0.43 },
        { time: null, event: 'cpu_atom/cycles/', value: 604097080, unit: '', status: 'counted', runningPct: 99.57 },
      ],
      skippedLines: 0,
      perfFormat: 'human',
    });
  });

  it('--csv prints a table with every column, empty where a record has none', async () => {
    const result = await perfcell(['parse', '--csv', sample('local-perf61-vm-cgroup-interval.csv.txt')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      'time,event,value,unit,status,runningPct,cpu,core,socket,die,node,thread,cgroup',
      '0.200223773,task-clock,164.64,msec,counted,100,,,,,,,benchgrp',
      '0.200223773,context-switches,28,,counted,100,,,,,,,benchgrp',
      '0.200223773,cycles,,,not supported,100,,,,,,,benchgrp',
    ]);
  });

  it('--summary aggregates per event; with --json one document of events', async () => {
    const path = sample('local-perf61-vm-pid-interval-comma.csv.txt');
    const result = await perfcell(['parse', '--summary', '--json', path]);
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout) as { events: EventAggregate[]; skippedLines: number; perfFormat: string; format: string };
    expect(document.skippedLines).toBe(0);
    expect(document.format).toBe('perfcell-parse-summary');
    expect(document.perfFormat).toBe('csv');
    const records = parsePerfStat(readFileSync(path, 'utf8')).records;
    const faults = records.filter((record) => record.event === 'page-faults');
    const pageFaults = document.events.find((event) => event.event === 'page-faults');
    expect(pageFaults?.total).toBe(faults.reduce((sum, record) => sum + (record.value ?? 0), 0));
    expect(pageFaults?.samples).toHaveLength(faults.length);
    expect(document.events.map((event) => event.event)).toEqual([...new Set(records.map((record) => record.event))]);
    expect(document.events.find((event) => event.event === 'cycles')?.status).toBe('not supported');

    const table = await perfcell(['parse', '--summary', '--csv', path]);
    const lastTime = records.at(-1)?.time;
    const switches = records.filter((record) => record.event === 'context-switches').reduce((sum, record) => sum + (record.value ?? 0), 0);
    expect(table.stdout.split('\n')[0]).toBe('event,unit,status,total,countedSeconds,perSecond,min,max,lowestRunningPct,samples,perfMetricValue,perfMetricUnit');
    expect(table.stdout.split('\n')[3]).toMatch(new RegExp(`^context-switches,,counted,${switches},${lastTime},[\\d.]+,\\d+,\\d+,100,${faults.length},[\\d.]+,/sec$`));
  });

  it('--format and --sep read what auto-detection would not', async () => {
    const text = '0.100144766!77.56!msec!task-clock!77563084!100.00!0.776!CPUs utilized\n';
    const given = await perfcell(['parse', '--sep', '!'], text);
    expect(ndjson(given.stdout)).toStrictEqual([
      { time: 0.100144766, event: 'task-clock', value: 77.56, unit: 'msec', status: 'counted', runningPct: 100 } satisfies PerfRecord,
    ]);
    const asJson = await perfcell(['parse', '--format', 'json', sample('local-perf61-vm-totals.csv.txt')]);
    expect(asJson.stdout).toBe('');
    expect(asJson.stderr.split('\n')).toEqual([
      `warning: skipped 12 lines of ${sample('local-perf61-vm-totals.csv.txt')} that looked like perf stat data but could not be read (check --format and --sep)`,
      `error: no perf stat counter rows in ${sample('local-perf61-vm-totals.csv.txt')} (is it the output of perf stat? it was read as --format json: try --format auto)`,
    ]);
    expect(asJson.exitCode).toBe(1);
  });

  it('skips a line over 64 KiB with a count, and refuses binary input in one line, exit 1', async () => {
    const row = '     0.100150932,85.72,msec,task-clock,85720814,100.00,0.857,CPUs utilized';
    const long = await perfcell(['parse', '-'], `${row}\n${'x'.repeat(200_000)}\n${row}\n`);
    expect(long.exitCode).toBe(0);
    expect(ndjson(long.stdout)).toHaveLength(2);
    expect(long.stderr).toBe('warning: skipped 1 line of stdin longer than 64 KiB (no perf stat line is that long; is it the right file?)');
    const binary = await perfcell(['parse', '-'], Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)) as unknown as string);
    expect([binary.exitCode, binary.stderr]).toEqual([1, 'error: stdin is not text (mostly binary bytes), so not perf stat output (pass the file perf stat wrote, or its -o file)']);
    const empty = await perfcell(['parse', '-'], 'hello\nworld\n');
    expect([empty.exitCode, empty.stderr]).toEqual([1, 'error: no perf stat counter rows in stdin (is it the output of perf stat? try --format)']);
  });

  it('refuses binary input with the error alone: nothing on stdout, whatever its text parts would print', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-binary-'));
    const notText = (name: string): string => `error: ${name} is not text (mostly binary bytes), so not perf stat output (pass the file perf stat wrote, or its -o file)`;
    // random bytes (this seed's hold a line that reads as a CSV row), as in the QA report
    const random = seededRandom(2);
    const inputs: Array<[name: string, bytes: Buffer]> = [['random.bin', Buffer.from(Array.from({ length: 5000 }, () => Math.floor(random() * 256)))]];
    // perf rows, then NULs (what a crash leaves of a file being written): under 64 KiB the input is
    // judged at its end; over it, after the first read, whose rows print more than a 64 KiB piece
    const row = '     1.000000000,1,,page-faults,1000,100.00,,\n';
    inputs.push(['hole-small.txt', Buffer.from(row.repeat(700) + '\0'.repeat(10_000))], ['hole-large.txt', Buffer.from(row.repeat(900) + '\0'.repeat(40_000))]);
    for (const [name, bytes] of inputs) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      for (const json of [[], ['--json']]) {
        const fromFile = await perfcell(['parse', ...json, path]);
        expect([fromFile.exitCode, fromFile.stdout, fromFile.stderr], `${name} ${json.join('')}`).toEqual([1, '', notText(path)]);
        const fromStdin = await perfcell(['parse', ...json, '-'], bytes as unknown as string);
        expect([fromStdin.exitCode, fromStdin.stdout, fromStdin.stderr], `stdin: ${name} ${json.join('')}`).toEqual([1, '', notText('stdin')]);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('says an input without counter rows with the error alone, in every output form: no empty document or table, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-no-rows-'));
    const noRows = (name: string): string => `error: no perf stat counter rows in ${name} (is it the output of perf stat? try --format)`;
    // small: judged at its end; over 64 KiB: stdout is released after the first read, before the end
    const inputs: Array<[name: string, text: string]> = [['empty.txt', ''], ['words.txt', 'hello\nworld\n'], ['many-words.txt', 'hello, world\n'.repeat(20_000)]];
    for (const [name, text] of inputs) {
      const path = join(dir, name);
      writeFileSync(path, text);
      for (const form of [[], ['--json'], ['--csv'], ['--summary'], ['--summary', '--json'], ['--summary', '--csv']]) {
        const result = await perfcell(['parse', ...form, path]);
        expect([result.exitCode, result.stdout, result.stderr], `${name} ${form.join(' ')}`).toEqual([1, '', noRows(path)]);
      }
    }
    const fromStdin = await perfcell(['parse', '--json', '-'], '');
    expect([fromStdin.exitCode, fromStdin.stdout, fromStdin.stderr]).toEqual([1, '', noRows('stdin')]);
    rmSync(dir, { recursive: true });
  });

  it('says an input of perf -M\'s metric-only rows alone has no counter rows under --summary too, rather than printing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-metric-rows-'));
    const path = join(dir, 'metric-rows.csv');
    // the rows perf 6.1 -x, -M prints after the counters (lkml-2023-kanliang-spr-default-topdown.csv.txt)
    writeFileSync(path, ',,,,,70.1,%  tma_backend_bound\n,,,,,20.3,%  tma_retiring\n');
    for (const form of [['--summary'], ['--summary', '--json'], ['--summary', '--csv']]) {
      const result = await perfcell(['parse', ...form, path]);
      expect([result.exitCode, result.stdout, result.stderr], form.join(' ')).toEqual([
        1,
        '',
        `error: no perf stat counter rows in ${path} (is it the output of perf stat? try --format)`,
      ]);
    }
    rmSync(dir, { recursive: true });
  });

  it('says perf stat printed no counts where its output shows perf\'s layout without them (--metric-only), naming that fix rather than --format', async () => {
    // real perf 6.1 captures (samples/perf-no-counts/README.md): header and footer, `#  time` rows, `{}`
    const names = ['local-perf61-metric-only.human.txt', 'local-perf61-metric-only-interval.human.txt', 'local-perf61-metric-only-interval.csv.txt', 'local-perf61-metric-only.json.txt'];
    for (const name of names) {
      const path = `${root}samples/perf-no-counts/${name}`;
      for (const form of [[], ['--json'], ['--csv'], ['--summary']]) {
        const result = await perfcell(['parse', ...form, path]);
        expect([result.exitCode, result.stdout, result.stderr.split('\n').at(-1)], `${name} ${form.join(' ')}`).toEqual([
          1,
          '',
          `error: no perf stat counter rows in ${path} (perf stat printed no counts in it, as --metric-only does for events without a metric: save its output without --metric-only)`,
        ]);
      }
    }
  });

  // A review of 926d446: perf's header and footer were taken for --metric-only's wherever no record
  // came, so a capture with counts read with the wrong --format or --sep, or cut after its header,
  // was said to have been saved with --metric-only, and the fix named was to save it without
  it('names --metric-only only where perf printed its layout and no row went unread, not for a wrong --format or a capture cut short', async () => {
    const path = sample('local-perf61-vm-totals-en_US.human.txt');
    for (const [given, fix] of [[['--format', 'json'], 'it was read as --format json: try --format auto'], [['--format', 'csv'], 'it was read as --format csv: try --format auto'], [['--sep', ';'], 'try --format']] as const) {
      const result = await perfcell(['parse', ...given, path]);
      expect([result.exitCode, result.stdout, result.stderr.split('\n').at(-1)], given.join(' ')).toEqual([1, '', `error: no perf stat counter rows in ${path} (is it the output of perf stat? ${fix})`]);
    }
    const text = readFileSync(path, 'utf8');
    // a copy of it cut after its header (no counts yet, no footer)
    const cut = await perfcell(['parse', '-'], text.slice(0, text.indexOf('task-clock') - 20));
    expect([cut.exitCode, cut.stdout, cut.stderr]).toEqual([1, '', 'error: no perf stat counter rows in stdin (is it the output of perf stat? try --format)']);
  });

  it('says a saved stderr of perf stat that failed holds perf\'s error, with its fix, rather than sending the user to --format', async () => {
    // real perf 6.1 stderr (samples/perf-errors/README.md): `perf stat -e nosuchevent true`, `perf stat -e cpu/cycles/ true`
    const cases: Array<[name: string, problem: string]> = [
      ['local-perf61-unknown-event.txt', "unknown perf event 'nosuchevent' (see perf list, or drop it from -e)"],
      ['local-perf61-missing-pmu.txt', "unknown perf event 'cpu/cycles/': this machine has no 'cpu' pmu (see perf list, or drop it from -e)"],
    ];
    for (const [name, problem] of cases) {
      const path = `${root}samples/perf-errors/${name}`;
      for (const form of [[], ['--json'], ['--summary', '--csv']]) {
        const result = await perfcell(['parse', ...form, path]);
        expect([result.exitCode, result.stdout, result.stderr], `${name} ${form.join(' ')}`).toEqual([
          1,
          '',
          `error: no perf stat counter rows in ${path}: it holds perf's error instead, ${problem}`,
        ]);
      }
    }
  });

  it('says UTF-16 and UTF-32 input (a Windows shell\'s `>`) is such, and the iconv it names makes it parse as the original', async () => {
    const original = sample('local-perf61-vm-per-cpu-A.csv.txt');
    const text = readFileSync(original, 'utf8');
    const expected = (await perfcell(['parse', original])).stdout;
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-utf16-'));
    const utf16le = Buffer.from(text, 'utf16le');
    // each character (the sample is ASCII) as four bytes, little-endian
    const utf32le = Buffer.from([...text].flatMap((character) => [character.charCodeAt(0), 0, 0, 0]));
    const files: Array<[name: string, bytes: Buffer, encoding: string]> = [
      // PowerShell 5's `>` writes UTF-16LE with its byte order mark
      ['stat le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]), 'UTF-16'],
      ['stat-be.txt', Buffer.from(utf16le).swap16(), 'UTF-16'],
      // a name iconv would take for an option: given as ./-stat.txt
      ['-stat.txt', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le]), 'UTF-32'],
    ];
    for (const [name, bytes, encoding] of files) {
      writeFileSync(join(dir, name), bytes);
      const refused = await execa(process.execPath, [bin, 'parse', '--', name], { reject: false, cwd: dir, env: { NO_COLOR: '1' } });
      expect(refused.exitCode).toBe(1);
      expect(refused.stdout).toBe('');
      const fix = new RegExp(`^error: .* is ${encoding} text, not the UTF-8 perf stat writes \\(saved through a Windows shell's \`>\`\\?\\): convert it with \`(iconv [^\`]+)\` and parse that$`).exec(refused.stderr);
      expect(fix, refused.stderr).not.toBeNull();
      // the command it names, run as given, gives the file the original parses from
      await execa({ shell: '/bin/sh', cwd: dir })`${fix![1]!}`;
      const converted = await perfcell(['parse', join(dir, `${name}.utf8`)]);
      expect([converted.exitCode, converted.stdout]).toEqual([0, expected]);
    }
    // on stdin, the conversion goes in the pipe
    const piped = await perfcell(['parse', '-'], Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]) as unknown as string);
    const pipe = /^error: stdin is UTF-16 text, not the UTF-8 perf stat writes \(saved through a Windows shell's `>`\?\): convert it on its way in, `… \| (iconv [^|`]+) \| perfcell parse -`$/.exec(piped.stderr);
    expect(pipe, piped.stderr).not.toBeNull();
    const throughPipe = await execa({ shell: '/bin/sh', cwd: dir })`${`${pipe![1]!.trim()} < ${JSON.stringify(join(dir, 'stat le.txt'))} | ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} parse -`}`;
    expect(throughPipe.stdout).toBe(expected);
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns on stderr about lines it could not read, and counts them in --json', async () => {
    const text = ['     0.100150932,85.72,msec,task-clock,85720814,100.00,0.857,CPUs utilized', '     0.100150932,x1,,page-faults', '12,34'].join('\n');
    const result = await perfcell(['parse', '--json', '-'], text);
    expect(result.exitCode).toBe(0);
    // its last line, `12,34`, has no newline at its end: said apart, as cut short
    expect(result.stderr.split('\n')).toEqual([
      'warning: skipped the last line of stdin, cut short: it has no newline at its end (the input was cut, or perf was still writing it? parse it once perf has ended)',
      'warning: skipped 1 other line of stdin that looked like perf stat data but could not be read (check --format and --sep)',
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ skippedLines: 2, perfFormat: 'csv' });
    const ended = await perfcell(['parse', '--json', '-'], `${text}\n`);
    expect(ended.stderr).toBe('warning: skipped 2 lines of stdin that looked like perf stat data but could not be read (check --format and --sep)');
    expect(JSON.parse(ended.stdout)).toMatchObject({ skippedLines: 2, perfFormat: 'csv' });
  });

  it('says a perf stat file cut in a row (head -c, or perf still writing it) was cut short, not that --format or --sep is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-cut-perf-'));
    const path = join(dir, 'F');
    await execa('perf', ['stat', '-x,', '-I', '100', '-e', 'task-clock,page-faults', '-o', path, '--', 'sleep', '0.35'], { env: { LC_ALL: 'C' } });
    const whole = readFileSync(path, 'utf8');
    // the new user's `head -c 500`, wherever its rows end: cut in the event name of the last row
    const cut = whole.slice(0, whole.lastIndexOf('page-faults') + 4);
    expect(cut.slice(cut.lastIndexOf('\n') + 1)).toMatch(/^ +[\d.]+,[^,]+,,page$/);
    writeFileSync(path, cut);
    const rows = parsePerfStat(whole).records.length;
    const cutWarning = (name: string, input: string): string =>
      `warning: skipped the last line of ${name}, cut short: it has no newline at its end (${input} was cut, or perf was still writing it? parse it once perf has ended)`;
    const file = await perfcell(['parse', '--json', path]);
    expect([file.exitCode, file.stderr]).toEqual([0, cutWarning(path, 'the file')]);
    expect(JSON.parse(file.stdout)).toMatchObject({ skippedLines: 1, perfFormat: 'csv' });
    expect((JSON.parse(file.stdout) as { records: unknown[] }).records).toHaveLength(rows - 1);
    const piped = await perfcell(['parse', '-'], cut);
    expect([piped.exitCode, piped.stderr, ndjson(piped.stdout).length]).toEqual([0, cutWarning('stdin', 'the input'), rows - 1]);
    // read whole, nothing is said
    const wholeRead = await perfcell(['parse', '-'], whole);
    expect([wholeRead.exitCode, wholeRead.stderr, ndjson(wholeRead.stdout).length]).toEqual([0, '', rows]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips a last line cut short (perf ends every line with a newline) with the warning, and keeps one that shows it is whole', async () => {
    const warning = (name: string): string =>
      `warning: skipped the last line of ${name}, cut short: it has no newline at its end (${name === 'stdin' ? 'the input' : 'the file'} was cut, or perf was still writing it? parse it once perf has ended)`;
    const taskClock = { event: 'task-clock', value: 96.13, unit: 'msec', status: 'counted', runningPct: null, time: 0.100130464 };
    // the QA report's two: cut in the event name, in a file and on stdin
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-cut-'));
    const path = join(dir, 'cut.txt');
    writeFileSync(path, '     0.100130464              96.13 msec task-clock   # x\n     0.100130464               8536      page-fau');
    const human = await perfcell(['parse', '--json', path]);
    expect([human.exitCode, human.stderr]).toEqual([0, warning(path)]);
    expect(JSON.parse(human.stdout)).toMatchObject({ records: [taskClock], skippedLines: 1, perfFormat: 'human' });
    rmSync(dir, { recursive: true, force: true });
    const csv = await perfcell(['parse', '--json', '-'], '375.77,msec,task-clock,375771024,100.00,0.988,CPUs utilized\n8484,,page-fa');
    expect([csv.exitCode, csv.stderr]).toEqual([0, warning('stdin')]);
    expect(JSON.parse(csv.stdout)).toMatchObject({ records: [{ ...taskClock, time: null, value: 375.77, runningPct: 100 }], skippedLines: 1, perfFormat: 'csv' });
    // `head -c 245` of captures: cut in the event name, and in the runtime (read as a cgroup `8571`)
    for (const name of ['lkml-2021-jinyao-summary-after.csv.txt', 'local-perf61-vm-pid-interval-comma.csv.txt']) {
      const text = readFileSync(sample(name), 'utf8');
      const head = await perfcell(['parse', '--json', '-'], text.slice(0, 245));
      expect([head.exitCode, head.stderr], name).toEqual([0, warning('stdin')]);
      const document = JSON.parse(head.stdout) as { records: PerfRecord[]; skippedLines: number };
      expect(document.skippedLines, name).toBe(1);
      expect(document.records, name).toStrictEqual(parsePerfStat(text).records.slice(0, text.slice(0, 245).split('\n').length - 1));
    }
    // whole without its newline: a CSV row to its metric columns ($(…) strips the newline), a human row with perf's padding (an editor's save)
    const captured = await perfcell(['parse', '-'], '8484,,page-faults,375771024,100.00,,');
    expect([captured.exitCode, captured.stderr, ndjson(captured.stdout)]).toEqual([0, '', [{ time: null, event: 'page-faults', value: 8484, unit: '', status: 'counted', runningPct: 100 }]]);
    const saved = await perfcell(['parse', sample('gh-ipython-memory-usage-fixture-perf311.human.txt')]);
    expect([saved.exitCode, saved.stderr]).toEqual([0, '']);
    expect(ndjson(saved.stdout).at(-1)).toStrictEqual({ time: 0.200354348, event: 'cache-misses', value: 4045, unit: '', status: 'counted', runningPct: null });
  });

  it('stops quietly, exit 0, when the reader of its output goes away', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `     ${(i / 10).toFixed(9)},${i},,page-faults,85720814,100.00,,`).join('\n');
    const result = await execa('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${bin}" parse - | head -n 3`], {
      input: lines,
      reject: false,
      timeout: 30_000,
      env: { NO_COLOR: '1' },
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(ndjson(result.stdout)).toHaveLength(2);
  });

  it('exits 2 with one line naming the file when it does not exist', async () => {
    const result = await perfcell(['parse', 'no-such-capture.txt']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: cannot read no-such-capture.txt: no such file (pass a saved perf stat output or - for stdin)');
  });

  it('exits 2 on misuse: a directory, conflicting outputs, an unknown format, --sep for JSON', async () => {
    const directory = await perfcell(['parse', 'samples']);
    expect([directory.exitCode, directory.stderr]).toEqual([2, 'error: cannot read samples: is a directory (pass a saved perf stat output or - for stdin)']);
    const both = await perfcell(['parse', '--json', '--csv', sample('local-perf61-vm-totals.csv.txt')]);
    expect([both.exitCode, both.stderr]).toEqual([2, "error: option '--json' cannot be used with option '--csv'"]);
    const format = await perfcell(['parse', '--format', 'xml', '-']);
    expect([format.exitCode, format.stderr]).toEqual([2, "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are auto, csv, human, json."]);
    const sep = await perfcell(['parse', '--format', 'json', '--sep', ';', '-'], '');
    expect([sep.exitCode, sep.stderr]).toEqual([2, 'error: --sep applies to csv input only (drop --sep or pass --format csv, not json)']);
  });
});
