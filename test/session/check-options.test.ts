import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachToProcess } from '../../src/attach/attach.ts';
import { createCellEvaluator } from '../../src/experiment/cell-evaluator.ts';
import { createEvaluator } from '../../src/repl/evaluator.ts';
import { startRepl } from '../../src/repl/start-repl.ts';
import { compareInProcess } from '../../src/session/compare-inprocess.ts';
import { measure } from '../../src/session/measure.ts';
import { timeit } from '../../src/session/timeit.ts';
import { prepareWindow, runProgram } from '../../src/library-entries.ts';
import * as perfcell from '../../src/index.ts';
import { perfUsable } from '../support/perf.ts';
import { perfPidsNow, startedPerfPids } from '../support/leaked-perf.ts';

/** What a JavaScript caller may pass, past the types. */
const js = (value: unknown): never => value as never;

/** The error `call` ends with, as name and message; 'resolved' when it did not throw. */
async function refusal(call: () => unknown): Promise<{ name: string; message: string } | 'resolved'> {
  try {
    await call();
  } catch (error: unknown) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  return 'resolved';
}

const usage = (message: string) => ({ name: 'UsageError', message });
const INTERVAL = (value: string) => usage(`intervalMs must be a whole number of milliseconds from 10 to 2147483647, not ${value}`);

const dir = mkdtempSync(join(tmpdir(), 'perfcell-check-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the library refuses options outside the command line\'s rules, before anything runs', () => {
  it('measure(fn): intervalMs under 10, negative, fractional or a string (perf took 0 for no interval and warned of a missing last one, refused -5 in its own words, and 1.5 lost the counters)', async () => {
    let ran = 0;
    const fn = () => { ran++; };
    expect(await refusal(() => measure(fn, js({ intervalMs: 0, events: ['page-faults'] })))).toEqual(INTERVAL('0'));
    expect(await refusal(() => measure(fn, js({ intervalMs: 0 })))).toEqual(INTERVAL('0'));
    expect(await refusal(() => measure(fn, js({ intervalMs: -5, events: ['page-faults'] })))).toEqual(INTERVAL('-5'));
    expect(await refusal(() => measure(fn, js({ intervalMs: 1.5 })))).toEqual(INTERVAL('1.5'));
    expect(await refusal(() => measure(fn, js({ intervalMs: 9 })))).toEqual(INTERVAL('9'));
    expect(await refusal(() => measure(fn, js({ intervalMs: '100' })))).toEqual(INTERVAL("'100'"));
    expect(await refusal(() => measure(fn, js({ intervalMs: Number.NaN })))).toEqual(INTERVAL('NaN'));
    expect(ran).toBe(0);
    // the rule's edge is taken, as `run -I 10` is
    expect(await refusal(() => measure(fn, { intervalMs: 10, perf: false }))).toBe('resolved');
    expect(ran).toBe(1);
  });

  // A QA pass: perf reads -I into an unsigned int (2^32 became 0: no intervals, the counts missing)
  // and perfcell-exec a window's tick into an int (2^31 and 1e12 failed in perf, the counters lost
  // behind 'perf stopped before counting … (run: perfcell doctor)'); 2^31 - 1 counts.
  it('measure(fn): intervalMs over perf\'s longest, 2147483647, refused before anything runs', async () => {
    let ran = 0;
    const fn = () => { ran++; };
    expect(await refusal(() => measure(fn, js({ intervalMs: 2 ** 31 })))).toEqual(INTERVAL('2147483648'));
    expect(await refusal(() => measure(fn, js({ intervalMs: 1e12 })))).toEqual(INTERVAL('1000000000000'));
    expect(await refusal(() => measure(fn, js({ intervalMs: Number.POSITIVE_INFINITY })))).toEqual(INTERVAL('Infinity'));
    expect(ran).toBe(0);
  });

  it.runIf(perfUsable)('measure(fn) counts at intervalMs 2147483647, the longest', async () => {
    const report = await measure(() => new Float64Array(1 << 18).fill(1), { intervalMs: 2 ** 31 - 1, events: ['page-faults'] });
    expect(report.warnings.filter((warning) => warning.includes('perf'))).toEqual([]);
    expect(report.counters.events[0]?.total).toBeGreaterThanOrEqual(512);
  });

  it('measure(argv) and runProgram: the same rule, before the program is started', async () => {
    const marker = join(dir, 'ran');
    const argv = ['sh', '-c', `touch ${marker}`];
    expect(await refusal(() => measure(argv, js({ intervalMs: -5 })))).toEqual(INTERVAL('-5'));
    expect(await refusal(() => runProgram(argv, js({ intervalMs: 5 })))).toEqual(INTERVAL('5'));
    expect(await refusal(() => measure(argv, js({ backend: 'cachegrind', intervalMs: 0 })))).toEqual(INTERVAL('0'));
    expect(existsSync(marker)).toBe(false);
  });

  // A QA pass: runProgram's hooks were not looked at. { onStarted: 5 } threw 'hooks.onStarted is not
  // a function' with the program started, { onEnded: 'x' } the same once the program had run (its
  // measurement lost), and { onStart } (attachToProcess' word) or hooks of 5 were passed over.
  it('runProgram: its hooks an object of functions named onStarted and onEnded, before the program is started', async () => {
    const marker = join(dir, 'hooked');
    const argv = ['sh', '-c', `touch ${marker}`];
    expect(await refusal(() => runProgram(argv, {}, js({ onStarted: 5 })))).toEqual(usage('onStarted must be a function, not 5'));
    expect(await refusal(() => runProgram(argv, {}, js({ onEnded: 'x' })))).toEqual(usage("onEnded must be a function, not 'x'"));
    expect(await refusal(() => runProgram(argv, {}, js({ onStart: () => undefined })))).toEqual(usage("unknown hook 'onStart': did you mean 'onStarted'? (runProgram's hooks are onStarted, onEnded)"));
    expect(await refusal(() => runProgram(argv, {}, js(5)))).toEqual(usage('hooks must be an object, e.g. { onStarted() {} }, not 5'));
    expect(existsSync(marker)).toBe(false);
    const called: string[] = [];
    expect(await refusal(() => runProgram(argv, { perf: false }, js({ onStarted: () => called.push('started'), onEnded: undefined })))).toBe('resolved');
    expect([existsSync(marker), called]).toEqual([true, ['started']]);
  });

  it('events and metricGroups are arrays of names: a string was split into letters (unknown perf event \'p\')', async () => {
    const fn = () => 1;
    expect(await refusal(() => measure(fn, js({ events: 'page-faults' })))).toEqual(usage("events is an array of names: events: ['page-faults'], not 'page-faults'"));
    expect(await refusal(() => measure(fn, js({ events: 'page-faults,task-clock' })))).toEqual(usage("events is an array of names: events: ['page-faults', 'task-clock'], not 'page-faults,task-clock'"));
    expect(await refusal(() => measure(fn, js({ events: ['page-faults', 3] })))).toEqual(usage("events is an array of names, e.g. events: ['page-faults'], not ['page-faults', 3]"));
    expect(await refusal(() => measure(fn, js({ events: [''] })))).toEqual(usage("events is an array of names, e.g. events: ['page-faults'], not ['']"));
    expect(await refusal(() => measure(fn, js({ metricGroups: 'TopdownL1' })))).toEqual(usage("metricGroups is an array of names: metricGroups: ['TopdownL1'], not 'TopdownL1'"));
    // as -e refuses them (cli/options.ts)
    expect(await refusal(() => measure(fn, { events: ['{cycles,instructions'] }))).toEqual(usage("unbalanced { } in '{cycles,instructions': a group is written {a,b}"));
    expect(await refusal(() => measure(fn, { events: ['duration_time'] }))).toMatchObject({ name: 'UsageError', message: expect.stringMatching(/^duration_time is perf's own wall clock, not a counter: .* drop it from the events/) });
  });

  it('enums, switches, paths and the program\'s streams', async () => {
    const fn = () => 1;
    expect(await refusal(() => measure(['true'], js({ backend: 'valgrind' })))).toEqual(usage("backend must be 'perf' or 'cachegrind', not 'valgrind'"));
    expect(await refusal(() => measure(fn, js({ perf: 'no' })))).toEqual(usage("perf must be true or false, not 'no'"));
    expect(await refusal(() => measure(fn, js({ settle: 0 })))).toEqual(usage('settle must be true or false, not 0'));
    expect(await refusal(() => measure(fn, js({ perfPath: '' })))).toEqual(usage("perfPath must be a path, not ''"));
    expect(await refusal(() => measure(['true'], js({ programStdout: { path: 'out.txt' } })))).toEqual(usage("programStdout must be 'inherit', 'stderr', 'null', 'pipe' or { file: PATH }, not an object"));
    expect(await refusal(() => measure(['true'], js({ programStdin: 'pipe' })))).toEqual(usage("programStdin must be 'inherit', 'null' or { file: PATH }, not 'pipe'"));
    expect(await refusal(() => measure(['true'], js({ programEnvironment: { N: 1 } })))).toEqual(usage("programEnvironment must be an object of strings, e.g. { LC_ALL: 'C' }, not an object"));
    expect(await refusal(() => measure(fn, js('page-faults')))).toEqual(usage("options must be an object, e.g. { events: ['page-faults'] }, not 'page-faults'"));
    expect(() => prepareWindow(process.pid, js({ intervalMs: 0 }))).toThrow('intervalMs must be a whole number of milliseconds from 10 to 2147483647, not 0');
  });

  it('timeit and compareInProcess: their counts and seconds, and the perf options they pass on', async () => {
    let calls = 0;
    const fn = () => { calls++; };
    expect(await refusal(() => timeit(fn, { runs: 0 }))).toEqual(usage('runs must be a whole number ≥ 1, not 0'));
    expect(await refusal(() => timeit(fn, { loops: 0 }))).toEqual(usage('loops must be a whole number ≥ 1, not 0'));
    expect(await refusal(() => timeit(fn, { warmup: -1 }))).toEqual(usage('warmup must be a whole number ≥ 0, not -1'));
    expect(await refusal(() => timeit(fn, { minTime: -1 }))).toEqual(usage('minTime must be a number of seconds ≥ 0, not -1'));
    expect(await refusal(() => timeit(fn, { intervalMs: 0 }))).toEqual(INTERVAL('0'));
    expect(await refusal(() => timeit(fn, js({ events: 'page-faults' })))).toEqual(usage("events is an array of names: events: ['page-faults'], not 'page-faults'"));
    // refused before the first call (timeit calls fn once to see it is synchronous)
    expect(calls).toBe(0);
    const pair = { a: fn, b: fn };
    expect(await refusal(() => compareInProcess(pair, { runs: 1.5 }))).toEqual(usage('runs must be a whole number ≥ 1, not 1.5'));
    expect(await refusal(() => compareInProcess(pair, { warmup: -1 }))).toEqual(usage('warmup must be a whole number ≥ 0, not -1'));
    expect(await refusal(() => compareInProcess(pair, { minTime: 0 }))).toEqual(usage('minTime must be a number of seconds > 0, not 0'));
    expect(await refusal(() => compareInProcess(pair, { loops: 0 }))).toEqual(usage('loops must be a whole number ≥ 1, not 0'));
    expect(await refusal(() => compareInProcess(pair, { intervalMs: 1.5 }))).toEqual(INTERVAL('1.5'));
    expect(calls).toBe(0);
  });

  // Checked by the typecheck (npm run typecheck) as well as run: typed `() => unknown`, an async
  // function passed the compiler and was refused only when run.
  it('the library\'s timeit and compareInProcess refuse an async function in their types, as they do when run', async () => {
    // @ts-expect-error timeit times synchronous functions
    expect(await refusal(() => perfcell.timeit(async () => 1, { perf: false }))).toEqual(usage(expect.stringContaining('timeit times synchronous functions (this one returned a promise)')));
    // @ts-expect-error compare times synchronous functions
    expect(await refusal(() => perfcell.compareInProcess({ a: () => 1, b: async () => 2 }, { runs: 2, perf: false }))).toEqual(usage(expect.stringContaining('compare times synchronous functions (b returned a promise)')));
    // what returns no promise passes, whatever its type says of its result
    const unknownResult: () => unknown = () => 1;
    expect((await perfcell.timeit(unknownResult, { runs: 1, loops: 1, warmup: 0, perf: false })).runs).toBe(1);
  });

  // Before: each measured without them and without a word, where run refuses -e with --no-perf
  // and with --backend cachegrind.
  it('events and metricGroups with perf: false or backend: \'cachegrind\', which count none of them', async () => {
    let calls = 0;
    const fn = () => { calls++; };
    const noPerf = (names: string, verb: string) => usage(`${names} ${verb} perf, which perf: false turns off (drop perf: false, or drop ${names})`);
    expect(await refusal(() => perfcell.measure(fn, { perf: false, events: ['page-faults'] }))).toEqual(noPerf('events', 'needs'));
    expect(await refusal(() => perfcell.measure(['true'], { perf: false, events: ['page-faults'], metricGroups: ['TopdownL1'] }))).toEqual(noPerf('events and metricGroups', 'need'));
    expect(await refusal(() => perfcell.runProgram(['true'], { perf: false, metricGroups: ['TopdownL1'] }))).toEqual(noPerf('metricGroups', 'needs'));
    expect(await refusal(() => perfcell.timeit(fn, { perf: false, events: ['page-faults'] }))).toEqual(noPerf('events', 'needs'));
    expect(await refusal(() => perfcell.compareInProcess({ a: fn, b: fn }, { perf: false, events: ['page-faults'] }))).toEqual(noPerf('events', 'needs'));
    expect(await refusal(() => perfcell.attachToProcess(process.pid, { perf: false, events: ['page-faults'], durationS: 0.1 }))).toEqual(noPerf('events', 'needs'));
    expect(await refusal(() => perfcell.measure(['true'], { backend: 'cachegrind', events: ['page-faults'] }))).toEqual(usage("events picks perf's events, which backend: 'cachegrind' does not count (drop events, or drop backend: 'cachegrind')"));
    expect(await refusal(() => perfcell.runProgram(['true'], { backend: 'cachegrind', events: ['cycles'], metricGroups: ['TopdownL1'] }))).toEqual(usage("events and metricGroups pick perf's events, which backend: 'cachegrind' does not count (drop events and metricGroups, or drop backend: 'cachegrind')"));
    expect(calls).toBe(0);
    // an empty list names nothing: the default events, or none where perf is off
    expect((await perfcell.measure(fn, { perf: false, events: [] })).counters.events).toEqual([]);
  });

  // Before: 'cannot run /tmp: it is a directory (give a program, e.g. perfcell run -- ls /tmp)',
  // a command line the caller had not written.
  it('a folder given as the program is named in the caller\'s words', async () => {
    expect(await refusal(() => perfcell.measure([dir], { perf: false }))).toEqual(usage(`cannot run ${dir}: it is a directory (give a program, e.g. measure(['ls', '${dir}']))`));
    expect(await refusal(() => perfcell.runProgram([dir], { perf: false }))).toEqual(usage(`cannot run ${dir}: it is a directory (give a program, e.g. runProgram(['ls', '${dir}']))`));
  });

  // Before: null was V8's 'Cannot convert undefined or null to object', a string 'compare: 0 is
  // not a function', and an array was compared as alternatives named 0 and 1.
  it('compareInProcess: the alternatives are named functions in an object', async () => {
    let calls = 0;
    const fn = () => { calls++; };
    const refused = (what: string) => usage(`compare takes named functions in an object, e.g. perfcell.compare({ a: () => f(), b: () => g() }), not ${what}`);
    expect(await refusal(() => compareInProcess(js(null), { runs: 2, perf: false }))).toEqual(refused('null'));
    expect(await refusal(() => compareInProcess(js(undefined), { runs: 2, perf: false }))).toEqual(refused('undefined'));
    expect(await refusal(() => compareInProcess(js('ab'), { runs: 2, perf: false }))).toEqual(refused("'ab'"));
    expect(await refusal(() => compareInProcess(js([fn, fn]), { runs: 2, perf: false }))).toEqual(refused('[a function, a function]'));
    expect(calls).toBe(0);
  });

  it('attachToProcess: the pid, the duration, what the watch keeps and perf\'s interval', async () => {
    expect(await refusal(() => attachToProcess(0))).toEqual(usage('pid must be a process id (a whole number > 0), not 0'));
    expect(await refusal(() => attachToProcess(js('1234')))).toEqual(usage("pid must be a process id (a whole number > 0), not '1234'"));
    expect(await refusal(() => attachToProcess(process.pid, { durationS: 0 }))).toEqual(usage('durationS must be a number of seconds > 0, not 0'));
    expect(await refusal(() => attachToProcess(process.pid, { intervalMs: 0 }))).toEqual(INTERVAL('0'));
    expect(await refusal(() => attachToProcess(process.pid, { recentRows: 0 }))).toEqual(usage('recentRows must be a whole number ≥ 1, not 0'));
  });

  // Before: a signal not an AbortSignal, or an onStart not a function, was a TypeError once perf
  // watched, and perf went on watching (the script never exited); an onRow not a function was an
  // uncaught exception at the first row.
  it('attachToProcess: its signal and callbacks, before perf starts', async () => {
    const perfBefore = perfPidsNow();
    const options = { durationS: 0.3, events: ['task-clock'] };
    expect(await refusal(() => attachToProcess(process.pid, { ...options, signal: js('x') }))).toEqual(usage("signal must be an AbortSignal, e.g. new AbortController().signal, not 'x'"));
    expect(await refusal(() => attachToProcess(process.pid, { ...options, signal: js({}) }))).toEqual(usage('signal must be an AbortSignal, e.g. new AbortController().signal, not an object'));
    expect(await refusal(() => attachToProcess(process.pid, { ...options, onStart: js(5) }))).toEqual(usage('onStart must be a function, not 5'));
    expect(await refusal(() => attachToProcess(process.pid, { ...options, onRow: js('print') }))).toEqual(usage("onRow must be a function, not 'print'"));
    expect(await refusal(() => attachToProcess(process.pid, { ...options, checkEvents: js(true) }))).toEqual(usage('checkEvents must be a function, not true'));
    expect(startedPerfPids(perfBefore)).toEqual([]);
  });

  it('the REPL and the evaluators: the measure set-up, TypeScript mode and the cell timeout', async () => {
    expect(await refusal(() => startRepl({ measure: js({ intervalMs: 0 }) }))).toEqual(INTERVAL('0'));
    expect(await refusal(() => startRepl({ typescript: js('yes') }))).toEqual(usage("typescript must be true, false or 'auto', not 'yes'"));
    expect(await refusal(() => startRepl({ width: 0 }))).toEqual(usage('width must be a whole number ≥ 1, not 0'));
    expect(await refusal(() => createEvaluator({ typescript: js('ts') }))).toEqual(usage("typescript must be true, false or 'auto', not 'ts'"));
    const file = join(dir, 'cells.js');
    writeFileSync(file, '// %% a\n1\n');
    expect(await refusal(() => createCellEvaluator(file, { timeoutS: 0 }))).toEqual(usage('timeoutS must be a number of seconds > 0, not 0'));
    expect(await refusal(() => createCellEvaluator(file, { typescript: js('auto') }))).toEqual(usage("typescript must be true or false, not 'auto'"));
  });
});

describe('the renderers\' width and maxSamples (JavaScript callers)', () => {
  // A QA pass: renderReportText(report, { width: 0 }) printed the report a character a line (356
  // lines), width -5 threw 'RangeError: Invalid count value: -3', and renderReplReport did the same;
  // startRepl's width already took a whole number ≥ 1
  it('are whole numbers ≥ 1, as startRepl\'s width is', async () => {
    const report = await perfcell.measure(() => 1, { perf: false, label: 'one' });
    expect(await refusal(() => perfcell.renderReportText(report, { width: 0 }))).toEqual(usage('width must be a whole number ≥ 1, not 0'));
    expect(await refusal(() => perfcell.renderReportText(report, { width: -5 }))).toEqual(usage('width must be a whole number ≥ 1, not -5'));
    expect(await refusal(() => perfcell.renderReportText(report, { width: js('80') }))).toEqual(usage("width must be a whole number ≥ 1, not '80'"));
    expect(await refusal(() => perfcell.renderReportText(report, { maxSamples: 0 }))).toEqual(usage('maxSamples must be a whole number ≥ 1, not 0'));
    expect(await refusal(() => perfcell.renderReplReport(report, { width: 1.5 }))).toEqual(usage('width must be a whole number ≥ 1, not 1.5'));
    expect(perfcell.renderReportText(report, { width: 40, maxSamples: 1 })).toMatch(/^one used /);
  });
});

describe('the parsers\' and aggregators\' values (JavaScript callers)', () => {
  // A QA pass: parsePerfStat(text, { format: 'xml' }) (or 'CSV') read 0 records without a word,
  // and createAggregator({ maxSamples: -1 }) kept none, as 0 does
  it('are refused outside their rules, as parse --format and --sep refuse theirs', async () => {
    const csv = '1.001,100,,page-faults,1000,100.00,,\n';
    expect(await refusal(() => perfcell.parsePerfStat(csv, { format: js('xml') }))).toEqual(usage("format must be 'auto', 'csv', 'human' or 'json', not 'xml'"));
    expect(await refusal(() => perfcell.createPerfStatParser({ format: js('CSV') }))).toEqual(usage("format must be 'auto', 'csv', 'human' or 'json', not 'CSV'"));
    expect(await refusal(() => perfcell.parsePerfStat(csv, { separator: '' }))).toEqual(usage("separator must be the separator given to perf stat -x (e.g. ','), not ''"));
    expect(await refusal(() => perfcell.parsePerfStat(csv, { metrics: js('yes') }))).toEqual(usage("metrics must be true or false, not 'yes'"));
    expect(await refusal(() => perfcell.createAggregator({ maxSamples: -1 }))).toEqual(usage('maxSamples must be a whole number ≥ 0, or Infinity for all, not -1'));
    expect(await refusal(() => perfcell.createAggregator({ maxSamples: 1.5 }))).toEqual(usage('maxSamples must be a whole number ≥ 0, or Infinity for all, not 1.5'));
    expect(await refusal(() => perfcell.createAggregator({ startTimeS: js('x') }))).toEqual(usage("startTimeS must be a number of seconds ≥ 0, not 'x'"));
    expect(await refusal(() => perfcell.aggregateRecords([], { startTimeS: -1 }))).toEqual(usage('startTimeS must be a number of seconds ≥ 0, not -1'));
    expect(perfcell.parsePerfStat(csv, { format: 'csv', separator: ',' }).records).toHaveLength(1);
  });

  // A QA pass: the check refused Infinity, which is the aggregator's own default ("Default: all")
  it('take maxSamples: Infinity as every sample, the default said outright', () => {
    const records = perfcell.parsePerfStat(Array.from({ length: 5 }, (_, index) => `${index + 1}.001,${100 + index},,page-faults,1000,100.00,,\n`).join('')).records;
    for (const maxSamples of [Number.POSITIVE_INFINITY, undefined]) {
      const aggregator = perfcell.createAggregator(maxSamples === undefined ? {} : { maxSamples });
      for (const record of records) aggregator.add(record);
      expect(aggregator.result()[0]?.samples.map((sample) => sample.value)).toEqual([100, 101, 102, 103, 104]);
    }
  });
});

// A review of c7379a7: the commands refuse a PERFCELL_PERF_ACK_TIMEOUT_S perf cannot wait by
// before anything runs (cli/main.ts), and the README says so; the library read the same variable
// and took 'abc', 0 or -1 for 5 s without a word
describe('a PERFCELL_PERF_ACK_TIMEOUT_S perf cannot wait by', () => {
  const ackProblem = (text: string) =>
    usage(`PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ 2147483, e.g. 10 (or unset it for 5 s), not '${text}'`);
  const withAckTimeout = async <T>(text: string, call: () => Promise<T>): Promise<T> => {
    const before = process.env['PERFCELL_PERF_ACK_TIMEOUT_S'];
    process.env['PERFCELL_PERF_ACK_TIMEOUT_S'] = text;
    try {
      return await call();
    } finally {
      if (before === undefined) delete process.env['PERFCELL_PERF_ACK_TIMEOUT_S'];
      else process.env['PERFCELL_PERF_ACK_TIMEOUT_S'] = before;
    }
  };

  it('is refused by the entries that start perf, before anything runs; perf: false starts none to wait for', async () => {
    let ran = 0;
    const fn = () => { ran++; };
    for (const text of ['abc', '0', '-1', '1e9']) {
      expect(await withAckTimeout(text, () => refusal(() => perfcell.measure(fn)))).toEqual(ackProblem(text));
    }
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.measure(fn, { events: ['page-faults'] })))).toEqual(ackProblem('abc'));
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.runProgram(['true'])))).toEqual(ackProblem('abc'));
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.timeit(fn, { runs: 1, loops: 1 })))).toEqual(ackProblem('abc'));
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.compareInProcess({ a: fn, b: fn }, { runs: 2 })))).toEqual(ackProblem('abc'));
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.attachToProcess(process.pid, { durationS: 0.1 })))).toEqual(ackProblem('abc'));
    expect(ran).toBe(0);
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.measure(fn, { perf: false })))).toBe('resolved');
    expect(await withAckTimeout('abc', () => refusal(() => perfcell.runProgram(['true'], { perf: false })))).toBe('resolved');
    expect(ran).toBe(1);
  });
});

describe('a perfPath that is not there', () => {
  // A QA pass: the refusal named PERFCELL_PERF ('unset PERFCELL_PERF'), which was not set
  it('is named as the perfPath option, for a function and a program', async () => {
    const message = 'perf not found at /nonexistent/perf (the perfPath option names it: point it at a perf binary, or leave it out for perf on PATH)';
    expect(await refusal(() => perfcell.measure(() => 1, { perfPath: '/nonexistent/perf', events: ['task-clock'] }))).toEqual({ name: 'PerfError', message });
    expect(await refusal(() => perfcell.measure(['true'], { perfPath: '/nonexistent/perf', events: ['task-clock'] }))).toEqual({ name: 'PerfError', message });
  });
});

describe.runIf(perfUsable)('an event perf refuses (JavaScript callers)', () => {
  // A QA pass: the library's refusal said the command line's fix, 'drop it from -e', to a caller
  // who gave no -e but the events option
  it('is named as the events option, for a function, a program, timeit, compareInProcess and attach', async () => {
    const events = ['bogus-event'];
    const refused = { name: 'PerfError', message: "unknown perf event 'bogus-event' (see perf list, or drop it from events)" };
    expect(await refusal(() => perfcell.measure(() => 1, { events }))).toEqual(refused);
    expect(await refusal(() => perfcell.measure(['true'], { events }))).toEqual(refused);
    expect(await refusal(() => perfcell.runProgram(['true'], { events }))).toEqual(refused);
    expect(await refusal(() => perfcell.timeit(() => 1, { events, runs: 1, loops: 1 }))).toEqual(refused);
    expect(await refusal(() => perfcell.compareInProcess({ a: () => 1, b: () => 2 }, { events, runs: 1 }))).toEqual(refused);
    expect(await refusal(() => perfcell.attachToProcess(process.pid, { events, durationS: 0.2 }))).toEqual(refused);
    // what a printed error shows, its stack, says it too
    const error = await perfcell.measure(() => 1, { events }).then(() => undefined, (caught: unknown) => caught as Error);
    expect(String(error?.stack).split('\n')[0]).toBe(`PerfError: ${refused.message}`);
  }, 30_000);

  // A QA pass: a program's report told the library's caller of '-M Bogus' and '--backend cachegrind'
  it('and a program\'s report names the options in its notes: metricGroups, backend', async () => {
    const report = await perfcell.measure(['true'], { metricGroups: ['Bogus'], events: ['cycles', 'page-faults'] });
    expect(report.warnings).toContain("perf has no metric or group 'Bogus' here, so metricGroups: ['Bogus'] gave nothing (perf list metricgroups names those it has)");
    const notes = [...report.warnings, ...report.counters.unsupported.map((unsupported) => unsupported.reason)];
    expect(notes.filter((note) => / -M |-e |--backend/.test(note))).toEqual([]);
    // without a PMU (this VM), cycles is not supported, and its reason points at the simulated caches
    for (const unsupported of report.counters.unsupported) expect(unsupported.reason).toContain("try backend: 'cachegrind'");
  }, 30_000);

  // A review: the report on the error of a function that threw (error.report, README) still said '-M Bogus'
  it('and so does the report on the error of a function that threw, which is rethrown as it was', async () => {
    const thrown = new Error('boom');
    const caught = await perfcell.measure(() => { throw thrown; }, { metricGroups: ['Bogus'] }).then(() => undefined, (error: unknown) => error);
    expect(caught).toBe(thrown);
    const { warnings } = (caught as Error & { report: perfcell.CommandReport }).report;
    expect(warnings).toContain("perf has no metric or group 'Bogus' here, so metricGroups: ['Bogus'] gave nothing (perf list metricgroups names those it has)");
    expect(warnings.filter((note) => / -M /.test(note))).toEqual([]);
    // a frozen error holds no report of perfcell's: it is rethrown as it is, not as a TypeError
    const frozen = Object.freeze({ report: Object.freeze({ warnings: Object.freeze(['so -M Mine gave nothing (']), counters: { unsupported: [] } }) });
    expect(await perfcell.measure(() => { throw frozen; }, { metricGroups: ['Bogus'] }).then(() => undefined, (error: unknown) => error)).toBe(frozen);
  }, 30_000);
});

describe('a string where the program\'s argv goes (JavaScript callers)', () => {
  it('is refused with the array it meant: measure(\'ls\') ran `l` (cannot run l: no such file or directory)', async () => {
    expect(await refusal(() => measure(js('ls')))).toEqual(usage("pass the program as an argv array: measure(['ls'])"));
    expect(await refusal(() => measure(js('ls -l /tmp')))).toEqual(usage("pass the program as an argv array: measure(['ls', '-l', '/tmp'])"));
    expect(await refusal(() => runProgram(js('sleep 1')))).toEqual(usage("pass the program as an argv array: runProgram(['sleep', '1'])"));
    expect(await refusal(() => measure(js('')))).toEqual(usage("pass the program as an argv array: measure(['sleep', '1'])"));
  });

  it('as is anything else that is neither a function nor an array of strings', async () => {
    expect(await refusal(() => measure(js(42)))).toEqual(usage("measure takes a function or the program as an argv array of strings, e.g. measure(['sleep', '1']), not 42"));
    expect(await refusal(() => measure(js(['sleep', 1])))).toEqual(usage("measure takes a function or the program as an argv array of strings, e.g. measure(['sleep', '1']), not ['sleep', 1]"));
    expect(await refusal(() => runProgram(js(() => 1)))).toEqual(usage("runProgram takes the program as an argv array of strings, e.g. runProgram(['sleep', '1']), not a function"));
  });

  // A QA pass: measure([]) and runProgram([]) said 'no command to run (usage: perfcell run [options]
  // -- CMD ARGS...)' and measure(['']) 'the word after -- is ""; give a program, e.g. perfcell run
  // -- ls': the command line's fix, to a caller with no command line (the command line keeps it)
  it('an empty argv, or an empty program name, is refused with the call that gives one', async () => {
    expect(await refusal(() => perfcell.measure([]))).toEqual(usage("measure needs a program to run: measure(['sleep', '1'])"));
    expect(await refusal(() => runProgram([]))).toEqual(usage("runProgram needs a program to run: runProgram(['sleep', '1'])"));
    expect(await refusal(() => perfcell.measure(['', '-l']))).toEqual(usage("cannot run a program with an empty name (measure(['', '-l'])); give a program, e.g. measure(['ls', '-l'])"));
    expect(await refusal(() => runProgram(['']))).toEqual(usage("cannot run a program with an empty name (runProgram([''])); give a program, e.g. runProgram(['ls'])"));
  });
});

describe("an option name the entry does not take is refused at the library's door (src/index.ts)", () => {
  const MEASURE_TAKES = 'events, intervalMs, metricGroups, perf, perfPath, label, live, backend, settle, nodeGc, quiet, programStdout, programStdin, programEnvironment';

  it("measure(fn, { interval: 50 }) measured at the default 100 ms, naming nothing: now the name meant, before the function runs", async () => {
    let ran = 0;
    const fn = () => { ran++; };
    expect(await refusal(() => perfcell.measure(fn, js({ interval: 50 })))).toEqual(usage(`unknown option 'interval': did you mean 'intervalMs'? (measure takes ${MEASURE_TAKES})`));
    expect(await refusal(() => perfcell.measure(fn, js({ event: ['page-faults'] })))).toEqual(usage(`unknown option 'event': did you mean 'events'? (measure takes ${MEASURE_TAKES})`));
    // nothing close: the names it takes
    expect(await refusal(() => perfcell.measure(fn, js({ colour: true })))).toEqual(usage(`unknown option 'colour' (measure takes ${MEASURE_TAKES})`));
    expect(ran).toBe(0);
    const marker = join(dir, 'ran-unknown');
    expect(await refusal(() => perfcell.measure(['touch', marker], js({ stdout: 'null' })))).toMatchObject({ name: 'UsageError', message: expect.stringMatching(/^unknown option 'stdout' \(measure takes /) });
    expect(await refusal(() => perfcell.runProgram(['touch', marker], js({ quite: true })))).toMatchObject({ name: 'UsageError', message: expect.stringMatching(/^unknown option 'quite': did you mean 'quiet'\? \(runProgram takes /) });
    expect(existsSync(marker)).toBe(false);
    expect(() => perfcell.prepareWindow(process.pid, js({ intervalms: 100 }))).toThrow("unknown option 'intervalms': did you mean 'intervalMs'?");
    // every name it takes passes the door
    expect(await refusal(() => perfcell.measure(fn, { intervalMs: 50, perf: false, label: 'f', settle: false }))).toBe('resolved');
    expect(ran).toBe(1);
  });

  it('timeit, compareInProcess and attachToProcess: their own names, not all of measure\'s (timeit(fn, { run: 2 }) ran 7 batches)', async () => {
    let calls = 0;
    const fn = () => { calls++; };
    expect(await refusal(() => perfcell.timeit(fn, js({ run: 2 })))).toEqual(usage("unknown option 'run': did you mean 'runs'? (timeit takes runs, minTime, warmup, loops, events, intervalMs, perf, perfPath, signal)"));
    // a measure() option timeit does not pass on is no option of timeit's
    expect(await refusal(() => perfcell.timeit(fn, js({ label: 'sqrt' })))).toEqual(usage("unknown option 'label' (timeit takes runs, minTime, warmup, loops, events, intervalMs, perf, perfPath, signal)"));
    expect(await refusal(() => perfcell.compareInProcess({ a: fn, b: fn }, js({ warmups: 0 })))).toEqual(usage("unknown option 'warmups': did you mean 'warmup'? (compareInProcess takes runs, warmup, minTime, loops, events, intervalMs, perf, perfPath, signal)"));
    expect(calls).toBe(0);
    expect(await refusal(() => perfcell.attachToProcess(process.pid, js({ duration: 1 })))).toMatchObject({ name: 'UsageError', message: expect.stringMatching(/^unknown option 'duration': did you mean 'durationS'\? \(attachToProcess takes durationS, /) });
  });

  it('the REPL (and its measure set-up), the evaluators, the renderers and the parsers', async () => {
    expect(() => perfcell.startRepl(js({ typeScript: true }))).toThrow(/^unknown option 'typeScript': did you mean 'typescript'\? \(startRepl takes measure, typescript, /);
    expect(() => perfcell.startRepl({ measure: js({ interval: 50 }) })).toThrow(`unknown option 'interval': did you mean 'intervalMs'? (startRepl's measure takes ${MEASURE_TAKES})`);
    expect(() => perfcell.createEvaluator(js({ ts: true }))).toThrow("unknown option 'ts' (createEvaluator takes typescript, filename, uncaughtOutput)");
    const file = join(dir, 'door.js');
    writeFileSync(file, '// %% a\n1\n');
    expect(() => perfcell.createCellEvaluator(file, js({ timeout: 1 }))).toThrow("unknown option 'timeout': did you mean 'timeoutS'? (createCellEvaluator takes typescript, consoleStdout, timeoutS, onStrayFailure, measure)");
    expect(() => perfcell.createCellEvaluator(file, js({ measure: { interval: 50 } }))).toThrow("unknown option 'interval': did you mean 'intervalMs'? (createCellEvaluator's measure takes events, intervalMs, perf, perfPath)");
    const report = await perfcell.measure(() => 1, { perf: false, label: 'one' });
    expect(() => perfcell.renderReportText(report, js({ columns: 80 }))).toThrow("unknown option 'columns' (renderReportText takes width, maxSamples)");
    expect(() => perfcell.renderReplReport(report, js({ widht: 80 }))).toThrow("unknown option 'widht': did you mean 'width'? (renderReplReport takes eventOrder, notes, width, compact)");
    expect(perfcell.renderReportText(report, { width: 80 })).toMatch(/^one used /);
    expect(() => perfcell.renderCompareHtml({ title: 't', metrics: [] }, js({ generated: 'now' }))).toThrow("unknown option 'generated': did you mean 'generatedAt'? (renderCompareHtml takes generatedAt)");
    expect(() => perfcell.renderReportsHtml('t', [report], js({ note: ['x'] }))).toThrow("unknown option 'note': did you mean 'notes'? (renderReportsHtml takes generatedAt, notes, summaryText)");
    expect(() => perfcell.parsePerfStat('', js({ seperator: ';' }))).toThrow("unknown option 'seperator': did you mean 'separator'? (parsePerfStat takes format, separator, metrics)");
    expect(() => perfcell.createPerfStatParser(js({ fmt: 'csv' }))).toThrow("unknown option 'fmt' (createPerfStatParser takes format, separator, metrics)");
    expect(() => perfcell.createAggregator(js({ maxSample: 5 }))).toThrow("unknown option 'maxSample': did you mean 'maxSamples'? (createAggregator takes maxSamples, startTimeS)");
    expect(() => perfcell.aggregateRecords([], js({ startTime: 1 }))).toThrow("unknown option 'startTime': did you mean 'startTimeS'? (aggregateRecords takes startTimeS)");
  });

  it("perfcell's own callers behind the door pass wider objects, which the functions there do not refuse", async () => {
    expect(await refusal(() => measure(() => 1, js({ perf: false, ignoreFailure: true })))).toBe('resolved');
  });
});
