import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_FORMATS, NDJSON_FORMATS } from '../../src/json-document.ts';
import { reportBundle, REPORT_MIME } from '../../src/kernel/display.ts';
import { parseCompareDocument } from '../../src/experiment/compare-document.ts';
import { version } from '../../src/version.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { buildReplayPerf, replayEnv } from '../support/replay-perf/replay-perf.ts';

/**
 * Every JSON document perfcell writes, taken from the built CLI (real perf, real programs), is
 * valid against its schema in schema/ and says its format, version and perfcell's version.
 */
const schemaDir = join(import.meta.dirname, '..', '..', 'schema');
const samples = join(import.meta.dirname, '..', '..', 'samples', 'perf');
const run = promisify(execFile);
const perfcell = async (args: readonly string[], cwd?: string) => (await run(process.execPath, [cliPath, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000, ...(cwd === undefined ? {} : { cwd }) })).stdout;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);

const validator = (format: string) => ajv.getSchema(`https://github.com/perfcell/perfcell/schema/${format}.schema.json`)!;

function expectValid(format: string, document: unknown): void {
  const validate = ajv.getSchema(`https://github.com/perfcell/perfcell/schema/${format}.schema.json`);
  expect(validate, `schema/${format}.schema.json`).toBeDefined();
  const valid = validate!(document);
  expect(valid ? [] : validate!.errors).toEqual([]);
  expect(document).toMatchObject({ format, version: JSON_FORMATS[format as keyof typeof JSON_FORMATS], perfcell: version });
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfcell-schema-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON documents and their schemas', () => {
  it('ships one schema per format (documents and NDJSON streams), each draft 2020-12 and compiled by ajv in strict mode', () => {
    const files = readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json')).sort();
    expect(files).toEqual([...Object.keys(JSON_FORMATS), ...Object.keys(NDJSON_FORMATS)].map((format) => `${format}.schema.json`).sort());
    for (const file of files) expect((JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as { $schema: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('run --json is a perfcell-report, and the kernel\'s report MIME holds the same', async () => {
    const document = JSON.parse(await perfcell(['run', '--json', '--', 'sh', '-c', 'true'])) as Record<string, unknown>;
    expectValid('perfcell-report', document);
    const { format, version: _version, perfcell: _perfcell, ...report } = document;
    void format;
    expectValid('perfcell-report', reportBundle(report as never)[REPORT_MIME]);
  });

  // An export pass: the sample notebook's reports had been made before reports said their format,
  // version and perfcell's version, and no schema took them (its outputs, made again by the kernel)
  it("the sample notebook's reports (samples/rowcol/rowcol.ipynb, made by the kernel) are perfcell-reports", () => {
    const notebook = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'rowcol', 'rowcol.ipynb'), 'utf8')) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
    const reports = notebook.cells.flatMap((cell) => cell.outputs ?? []).map((output) => output.data?.[REPORT_MIME]).filter((report) => report !== undefined);
    expect(reports).toHaveLength(5);
    const validate = validator('perfcell-report');
    for (const report of reports) expect(validate(report) ? [] : validate.errors).toEqual([]);
  });

  it('run --json on a hybrid CPU is a perfcell-report whose events\' pmus (the cpu_core/cpu_atom split) the schema describes strictly', async () => {
    // A REPLAY (test/support/replay-perf; this VM has no PMU): its cpu_core/EV/ + cpu_atom/EV/ rows follow the
    // recorded captures samples/perf/lkml-2023-kanliang-adl-hybrid-default.human.txt and
    // kernel-doc-intel-hybrid-thread-mode.human.txt; the program, test/fixtures/spin.c, is real.
    // Before: the schema said nothing of pmus, though the README says the JSON keeps the split there,
    // so any pmus at all passed.
    buildReplayPerf();
    const { stdout } = await run(process.execPath, [cliPath, 'run', '--json', '-e', 'cycles,instructions', '--', fixture('spin'), '0.1'], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...replayEnv({ hybridCorePct: 75, events: { cycles: 1e9, instructions: 2e9 } }) },
    });
    const document = JSON.parse(stdout) as { counters: { events: Array<{ event: string; pmus?: Array<Record<string, unknown>> }> } };
    expectValid('perfcell-report', document);
    const cycles = document.counters.events.find((event) => event.event === 'cycles');
    expect(cycles?.pmus?.map((share) => [share['pmu'], share['event'], share['status']])).toEqual([['cpu_core', 'cpu_core/cycles/', 'counted'], ['cpu_atom', 'cpu_atom/cycles/', 'counted']]);
    const validate = validator('perfcell-report');
    const withShare = (change: (share: Record<string, unknown>) => Record<string, unknown>) => ({
      ...document,
      counters: { ...document.counters, events: document.counters.events.map((event) => (event === cycles ? { ...event, pmus: event.pmus!.map((share, index) => (index === 0 ? change(share) : share)) } : event)) },
    });
    // a stray field, a missing total, a status perf never prints, a share that is no number: each fails
    expect(validate(withShare((share) => ({ ...share, runningPct: 75 })))).toBe(false);
    expect(validate(withShare(({ total: _total, ...share }) => share))).toBe(false);
    expect(validate(withShare((share) => ({ ...share, status: 'counted-ish' })))).toBe(false);
    expect(validate(withShare((share) => ({ ...share, share: '75%' })))).toBe(false);
    // parse --summary's events are the same aggregates: the same definition (perfcell-parse-summary-ndjson's $defs/pmus)
    const summary = validator('perfcell-parse-summary');
    const parsed = (events: readonly unknown[]) => ({ format: 'perfcell-parse-summary', version: 1, perfcell: version, events, skippedLines: 0, perfFormat: 'csv' });
    expect(summary(parsed(document.counters.events)) ? [] : summary.errors).toEqual([]);
    expect(summary(parsed(withShare((share) => ({ ...share, runningPct: 75 })).counters.events))).toBe(false);
  });

  it('run --json\'s events keep perf\'s own metric column as perfMetric, which perfcell-report\'s schema describes strictly', async () => {
    // A REPLAY (test/support/replay-perf; this VM has no PMU): its rows and their metric columns (`2.00,insn per cycle`)
    // follow the recorded capture samples/perf/gh-loop-unroll-multiplexed.csv.txt; the program, test/fixtures/spin.c, is real.
    // Before: the schema named no perfMetric, though the README says the JSON keeps perf's metric there, so any perfMetric passed.
    buildReplayPerf();
    const { stdout } = await run(process.execPath, [cliPath, 'run', '--json', '-e', 'instructions,cycles', '--', fixture('spin'), '0.1'], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...replayEnv({ events: { instructions: 2e9, cycles: 1e9 } }) },
    });
    const document = JSON.parse(stdout) as { counters: { events: Array<{ event: string; perfMetric?: Record<string, unknown> }> } };
    expectValid('perfcell-report', document);
    const instructions = document.counters.events.find((event) => event.event === 'instructions');
    expect(instructions?.perfMetric?.['unit']).toBe('insn per cycle');
    expect(instructions?.perfMetric?.['value']).toBeCloseTo(2, 2);
    const validate = validator('perfcell-report');
    const withMetric = (change: (metric: Record<string, unknown>) => Record<string, unknown>) => ({
      ...document,
      counters: { ...document.counters, events: document.counters.events.map((event) => (event === instructions ? { ...event, perfMetric: change(event.perfMetric!) } : event)) },
    });
    expect(validate(withMetric((metric) => metric)) ? [] : validate.errors).toEqual([]);
    // a stray field, a missing unit, a value that is no number: each fails
    expect(validate(withMetric((metric) => ({ ...metric, runningPct: 100 })))).toBe(false);
    expect(validate(withMetric(({ unit: _unit, ...metric }) => metric))).toBe(false);
    expect(validate(withMetric((metric) => ({ ...metric, value: '2.00' })))).toBe(false);
    // parse --summary's events are the same aggregates: the same definition (perfcell-parse-summary-ndjson's $defs/perfMetric)
    const summary = validator('perfcell-parse-summary');
    const parsed = (events: readonly unknown[]) => ({ format: 'perfcell-parse-summary', version: 1, perfcell: version, events, skippedLines: 0, perfFormat: 'csv' });
    expect(summary(parsed(document.counters.events)) ? [] : summary.errors).toEqual([]);
    expect(summary(parsed(withMetric((metric) => ({ ...metric, value: '2.00' })).counters.events))).toBe(false);
  });

  it('repl --json prints a perfcell-report a line, one per command, and a perfcell-timeit for a .timeit', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [cliPath, 'repl', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PERFCELL_REPL_HISTORY: '' } }, (error, out) => (error === null ? resolve(out) : reject(error)));
      child.stdin?.end('1 + 1\n.timeit Math.sqrt(2)\nnew Array(1e5).fill(0).length\n');
    });
    const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { format: string });
    expect(lines.map((line) => line.format)).toEqual(['perfcell-report', 'perfcell-timeit', 'perfcell-report']);
    for (const line of lines) expectValid(line.format, line);
  });

  it('run -r 3 --json is a perfcell-run-repeat whose means and σ are those of its runs', async () => {
    const document = JSON.parse(await perfcell(['run', '-r', '3', '--json', '--', 'true'])) as { runs: Array<{ durationS: number }>; metrics: Record<string, { mean: number; stddev: number; n: number }> };
    expectValid('perfcell-run-repeat', document);
    expect(document.runs).toHaveLength(3);
    const times = document.runs.map((report) => report.durationS);
    const mean = times.reduce((a, b) => a + b, 0) / 3;
    expect(document.metrics['time']!.n).toBe(3);
    expect(document.metrics['time']!.mean).toBeCloseTo(mean, 12);
    expect(document.metrics['time']!.stddev).toBeCloseTo(Math.sqrt(times.reduce((sum, t) => sum + (t - mean) ** 2, 0) / 2), 12);
  });

  it('run -r 3 prints mean ± σ per metric on stderr, and exits with the first failed run\'s status', async () => {
    const failed = await run(process.execPath, [cliPath, 'run', '-r', '3', '--', 'sh', '-c', 'exit 3'], { encoding: 'utf8' }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(3);
    expect(failed?.stderr).toMatch(/^sh -c 'exit 3': 3 runs \(mean ± sample standard deviation\)$/m);
    expect(failed?.stderr).toMatch(/^ {2}time +\d\.\d+s ± \d\.\d+s/m);
    expect(failed?.stderr).toMatch(/^ {2}peak RSS +\d+\.\d+ MiB ± \d+\.\d+ MiB/m);
    // the failed runs are in the figures, and said to be (a QA pass: the text never said any failed)
    expect(failed?.stderr).toMatch(/^ {2}3 of 3 runs failed \(exit code 3 ×3\): the figures above include them$/m);
  });

  it('run -r shows σ with the digits it has: a 0.2 ms spread is not 0.000s', async () => {
    const { stderr } = await run(process.execPath, [cliPath, 'run', '-r', '4', '--no-perf', '--', 'true'], { encoding: 'utf8' });
    const time = /^ {2}time +(\d\.\d+)s ± (\d\.\d+)s {2}\(± ([\d.]+)%\)$/m.exec(stderr);
    expect(time, stderr).not.toBeNull();
    // the σ shown agrees with the share shown, to the share's own rounding
    expect(Math.abs((100 * Number(time![2])) / Number(time![1]) - Number(time![3]))).toBeLessThan(Number(time![3]) * 0.1 + 0.1);
  });

  it('cells --json is a perfcell-cells', async () => {
    const file = join(dir, 'cells.js');
    writeFileSync(file, '// %% make\nconst rows = Array.from({ length: 1000 }, (_, i) => i);\n// %% sum\nrows.reduce((a, b) => a + b, 0);\n');
    expectValid('perfcell-cells', JSON.parse(await perfcell(['cells', '--json', file])));
  });

  it('compare --json, --export-json and --save are one perfcell-compare, and a saved one is read back as a baseline', async () => {
    const exported = join(dir, 'export.json');
    const stdout = await perfcell(['compare', '--json', '--runs', '3', '--warmup', '0', '--export-json', exported, '--save', 'base', '--', 'true', 'sh -c true'], dir);
    const document = JSON.parse(stdout) as object;
    expectValid('perfcell-compare', document);
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toEqual(document);
    const saved = join(dir, '.perfcell', 'base.json');
    expectValid('perfcell-compare', JSON.parse(readFileSync(saved, 'utf8')));
    expect(parseCompareDocument(readFileSync(saved, 'utf8'), saved).alternatives).toHaveLength(2);
    // -L: each alternative's values, read back too
    const scanned = JSON.parse(await perfcell(['compare', '--json', '--no-perf', '--runs', '2', '--warmup', '0', '-L', 'word', 'a,b', '--save', 'scan', '--', 'echo {word}'], dir)) as { alternatives: { parameters?: unknown }[] };
    expectValid('perfcell-compare', scanned);
    expect(scanned.alternatives.map((alternative) => alternative.parameters)).toEqual([{ word: 'a' }, { word: 'b' }]);
    const scanSaved = join(dir, '.perfcell', 'scan.json');
    expect(parseCompareDocument(readFileSync(scanSaved, 'utf8'), scanSaved).alternatives.map((alternative) => alternative.parameters)).toEqual([{ word: 'a' }, { word: 'b' }]);
    // --input, --output: where each alternative's runs read and wrote
    writeFileSync(join(dir, 'in.txt'), 'x\n');
    const fed = JSON.parse(await perfcell(['compare', '--json', '--no-perf', '--runs', '2', '--warmup', '0', '--input', 'in.txt', '--output', './out.txt', '--output', 'pipe', '--', 'cat', 'wc -l'], dir)) as { alternatives: { io?: unknown }[] };
    expectValid('perfcell-compare', fed);
    expect(fed.alternatives.map((alternative) => alternative.io)).toEqual([{ stdin: { file: 'in.txt' }, stdout: { file: './out.txt' } }, { stdin: { file: 'in.txt' }, stdout: 'pipe' }]);
    // --sort mean-time: said in the settings
    const sorted = JSON.parse(await perfcell(['compare', '--json', '--no-perf', '--runs', '2', '--warmup', '0', '--sort', 'mean-time', '--', 'true'], dir)) as { settings: { sort?: unknown } };
    expectValid('perfcell-compare', sorted);
    expect(sorted.settings.sort).toBe('mean-time');
  });

  it("compare --json's byValue and partial, which the README names, are described by the schema (it listed neither)", async () => {
    // two commands under -L make byValue; the second failing in the first round makes partial (exit 1)
    const failed = await run(process.execPath, [cliPath, 'compare', '--json', '--no-perf', '--runs', '2', '--warmup', '0', '-L', 't', '1,2', '--', 'true {t}', 'sh -c "exit {t}"'], { encoding: 'utf8', cwd: dir, timeout: 60_000 }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    const document = JSON.parse(failed) as Record<string, unknown>;
    expect(document).toHaveProperty('byValue');
    expect(document).toHaveProperty('partial');
    expectValid('perfcell-compare', document);
    const schema = JSON.parse(readFileSync(join(schemaDir, 'perfcell-compare.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(document).filter((key) => !(key in schema.properties))).toEqual([]);
  });

  it('attach --json is a perfcell-attach', async () => {
    const { spawn } = await import('node:child_process');
    const sleeper = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      expectValid('perfcell-attach', JSON.parse(await perfcell(['attach', '--json', '--duration', '0.5', String(sleeper.pid)])));
    } finally {
      sleeper.kill();
    }
  });

  it('parse --json and parse --summary --json are perfcell-parse-records and perfcell-parse-summary', async () => {
    const file = join(samples, 'local-perf61-vm-pid-interval-comma.csv.txt');
    expectValid('perfcell-parse-records', JSON.parse(await perfcell(['parse', '--json', file])));
    expectValid('perfcell-parse-summary', JSON.parse(await perfcell(['parse', '--summary', '--json', file])));
  });

  it("parse --summary's events keep perf's metric as the schemas' perfMetric, in --json and NDJSON, from each of perf's formats", async () => {
    // recorded captures whose rows print a metric: '1.70,insn per cycle', '#    1.03  insn per cycle', "metric-value" : 0.866103
    const ndjson = validator('perfcell-parse-summary-ndjson');
    for (const capture of ['gh-loop-unroll-multiplexed.csv.txt', 'gh-entropy-cache-user.human.txt', 'local-perf61-vm-pid-interval.json.txt']) {
      const file = join(samples, capture);
      const document = JSON.parse(await perfcell(['parse', '--summary', '--json', file])) as { events: { perfMetric?: unknown }[] };
      expectValid('perfcell-parse-summary', document);
      expect(document.events.filter((event) => event.perfMetric !== undefined).length, capture).toBeGreaterThan(0);
      const lines = (await perfcell(['parse', '--summary', file])).trimEnd().split('\n').map((line) => JSON.parse(line) as { perfMetric?: unknown });
      for (const line of lines) expect(ndjson(line) ? [] : ndjson.errors).toEqual([]);
      expect(lines.filter((line) => line.perfMetric !== undefined).length, capture).toBeGreaterThan(0);
    }
  });

  it('kernel list --json is a perfcell-kernel-list, empty or holding a spec kernel install wrote', async () => {
    const prefix = join(dir, 'jupyter-prefix');
    // An empty JUPYTER_DATA_DIR and JUPYTER_PATH: only the system dirs and --prefix are searched.
    const env = { ...process.env, JUPYTER_DATA_DIR: join(dir, 'jupyter-data'), JUPYTER_PATH: '' };
    const list = async () => (await run(process.execPath, [cliPath, 'kernel', 'list', '--json', '--prefix', prefix], { encoding: 'utf8', env })).stdout;
    const before = JSON.parse(await list()) as { kernelspecs: Array<{ dir: string }> };
    expectValid('perfcell-kernel-list', before);
    expect(before.kernelspecs.filter((spec) => spec.dir.startsWith(prefix))).toEqual([]);
    await run(process.execPath, [cliPath, 'kernel', 'install', '--prefix', prefix, '--name', 'schema-test'], { env });
    const after = JSON.parse(await list()) as { kernelspecs: Array<{ dir: string }> };
    expectValid('perfcell-kernel-list', after);
    expect(after.kernelspecs.filter((spec) => spec.dir.startsWith(prefix))).toEqual([
      { name: 'schema-test', dir: join(prefix, 'share', 'jupyter', 'kernels', 'schema-test'), argv: [process.execPath, cliPath, 'kernel', '{connection_file}'] },
    ]);
  });

  it('doctor --json and events --json are perfcell-doctor and perfcell-events', async () => {
    const doctor = await run(process.execPath, [cliPath, 'doctor', '--json'], { encoding: 'utf8' }).then((result) => result.stdout, (error: { stdout: string }) => error.stdout);
    expectValid('perfcell-doctor', JSON.parse(doctor));
    expectValid('perfcell-events', JSON.parse(await perfcell(['events', '--json'])));
    // with a default set, and perf's refusal of it
    const withDefault = await run(process.execPath, [cliPath, 'events', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PERFCELL_EVENTS: 'page-faults,bogus' } });
    const document = JSON.parse(withDefault.stdout) as { defaultSetBy?: { problem: string | null } };
    expect(document.defaultSetBy?.problem).toMatch(/bogus/);
    expectValid('perfcell-events', document);
    // with a default set that perf takes, and the events of it it cannot count here named
    const counted = await run(process.execPath, [cliPath, 'events', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PERFCELL_EVENTS: 'page-faults,cycles' } });
    expectValid('perfcell-events', JSON.parse(counted.stdout));
  });
});
