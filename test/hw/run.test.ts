/**
 * `perfcell run` on hardware counters, end to end. A REPLAY: perf here is the replaying perf of
 * test/support/replay-perf (this VM has no PMU), which prints the rows of a scenario in the
 * layouts of the recorded captures gh-loop-unroll-multiplexed.csv.txt (multiplexing),
 * lkml-2023-kanliang-adl-hybrid-default.human.txt / kernel-doc-intel-hybrid-thread-mode.human.txt
 * (hybrid rows), lkml-2024-jclark-hybrid-not-counted-before.json.txt (the idle PMU) and
 * local-perf61-vm-pid-interval-comma.csv.txt (perf 6.1's interval rows). The program is real:
 * test/fixtures/spin.c busy for 0.5 s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { perfPidsNow } from '../support/leaked-perf.ts';
import { buildReplayPerf } from '../support/replay-perf/replay-perf.ts';
import {
  EVENT_LIST, EVENTS, HYBRID_75_25, HYBRID_CORE_ONLY, LOAD_BAND, MULTIPLEXED_50, ONE_NOT_COUNTED, PLAIN, RATES, ROTATED_2,
  eventLine, expectNear, expectTrueCounts, expectTrueDerived, lineRateAndTotal, perfcellOnReplay, type CountersJson,
  leftRunningPerf,
} from './hw-scenarios.ts';

interface RunJson {
  readonly durationS: number;
  readonly exitCode: number | null;
  readonly counters: CountersJson;
  readonly warnings: readonly string[];
}

const spin = (): string[] => [fixture('spin'), '0.5'];
const runJson = async (scenario: Parameters<typeof perfcellOnReplay>[1]): Promise<{ report: RunJson; stderr: string; countedS: number }> => {
  const result = await perfcellOnReplay(['run', '--json', '-e', EVENT_LIST, '--', ...spin()], scenario);
  expect(result.exitCode, result.stderr).toBe(0);
  return { report: JSON.parse(result.stdout) as RunJson, stderr: result.stderr, countedS: result.countedS };
};
const runText = async (scenario: Parameters<typeof perfcellOnReplay>[1]): Promise<{ text: string; countedS: number }> => {
  const result = await perfcellOnReplay(['run', '-e', EVENT_LIST, '--', ...spin()], scenario);
  expect(result.exitCode, result.stderr).toBe(0);
  return { text: result.stderr, countedS: result.countedS };
};

const perfBefore = perfPidsNow();
beforeAll(() => buildReplayPerf());
afterAll(async () => expect(await leftRunningPerf(perfBefore)).toEqual([]));

describe('perfcell run on a replayed PMU (0.5 s program; cache-misses 1e6/s, cache-references 4e6/s, instructions 2e9/s, cycles 1e9/s)', () => {
  // Totals and per-second averages within 2% of what the replay counted, rates within LOAD_BAND of the nominal ones (hw-scenarios.ts).
  it('--json: per-second averages and totals within 2%, miss ratio 0.25, IPC 2.00, MPKI 0.5', async () => {
    const { report, countedS } = await runJson(PLAIN);
    expect(report.durationS).toBeGreaterThanOrEqual(0.5);
    expectTrueCounts(report.counters, report.durationS, countedS);
    expectTrueDerived(report.counters.derived);
    for (const event of report.counters.events) expect(event.lowestRunningPct, event.event).toBe(100);
  });

  it('text: each event\'s rate and total within 2%, and the derived metrics line', async () => {
    const { text, countedS } = await runText(PLAIN);
    for (const event of EVENTS) {
      const { perSecond, total } = lineRateAndTotal(eventLine(text, event));
      expectNear(perSecond, RATES[event], `${event} per second`, LOAD_BAND);
      expectNear(total, RATES[event] * countedS, `${event} total against what the replay counted`);
      expect(eventLine(text, event)).not.toMatch(/scaled/);
    }
    expect(text).toMatch(/miss ratio 25\.0%\s+IPC 2\.00\s+MPKI 0\.50/);
  });

  it('50% multiplexing: the same true rates (perf scaled them), the percentage on every line and one warning naming the fix', async () => {
    const { report, stderr, countedS } = await runJson(MULTIPLEXED_50);
    expectTrueCounts(report.counters, report.durationS, countedS);
    expectTrueDerived(report.counters.derived);
    for (const event of report.counters.events) expect(event.lowestRunningPct, event.event).toBe(50);
    const warnings = [...report.warnings, stderr].join('\n');
    expect(warnings).toMatch(/50% of the time/);
    expect(warnings).toMatch(/fewer events|\{cache-misses,cache-references\}/);
    const { text } = await runText(MULTIPLEXED_50);
    for (const event of EVENTS) expect(eventLine(text, event)).toMatch(/scaled from 50% of the time/);
    expect(text.match(/^warning: .*multiplex/gm)).toHaveLength(1);
  });

  it('hybrid 75% cpu_core / 25% cpu_atom: each event folds to its true total within 2%, split by PMU, with derived metrics', async () => {
    const { report, countedS } = await runJson(HYBRID_75_25);
    expectTrueCounts(report.counters, report.durationS, countedS);
    expectTrueDerived(report.counters.derived);
    for (const name of EVENTS) {
      const event = report.counters.events.find((candidate) => candidate.event === name);
      expect(event?.pmus?.map((share) => [share.pmu, share.event, share.status])).toEqual([
        ['cpu_core', `cpu_core/${name}/`, 'counted'],
        ['cpu_atom', `cpu_atom/${name}/`, 'counted'],
      ]);
      expectNear(event?.pmus?.[0]?.total, 0.75 * (event?.total ?? 0), `${name} on cpu_core`);
      expectNear(event?.pmus?.[1]?.total, 0.25 * (event?.total ?? 0), `${name} on cpu_atom`);
    }
    // cpu_core and cpu_atom together counted all of the time: running % 100, as run -r's and compare's lowestRunningPct say
    // (before: null, which the schema reads as 'perf printed none'; each PMU's own share is where the task ran, not multiplexing)
    for (const event of report.counters.events) expect(event.lowestRunningPct, event.event).toBe(100);
    // No event of the printed names is left unfolded (adding the two rows would double the count).
    expect(report.counters.events.map((event) => event.event).sort()).toEqual([...EVENTS].sort());
    expect(report.counters.derived.byPmu?.cpu_core?.ipc).toBeCloseTo(2, 3);
    expect(report.counters.derived.byPmu?.cpu_atom?.missRatio).toBeCloseTo(0.25, 3);
    const { text } = await runText(HYBRID_75_25);
    for (const event of EVENTS) {
      expectNear(lineRateAndTotal(eventLine(text, event)).perSecond, RATES[event], `${event} per second (text)`, LOAD_BAND);
      expect(eventLine(text, event)).toMatch(/cpu_core 75%.*cpu_atom 25%/);
    }
    expect(text).toMatch(/miss ratio 25\.0%\s+IPC 2\.00\s+MPKI 0\.50/);
  });

  it('hybrid, core only: the true totals, and cpu_atom named as the PMU the task never ran on (not "ran too briefly")', async () => {
    const { report, stderr, countedS } = await runJson(HYBRID_CORE_ONLY);
    expectTrueCounts(report.counters, report.durationS, countedS);
    expectTrueDerived(report.counters.derived);
    for (const name of EVENTS) {
      const event = report.counters.events.find((candidate) => candidate.event === name);
      expect(event?.pmus?.map((share) => [share.pmu, share.status])).toEqual([['cpu_core', 'counted'], ['cpu_atom', 'not counted']]);
    }
    const said = [...report.warnings, stderr].join('\n');
    expect(said).toMatch(/never ran on cpu_atom/);
    expect(said).not.toMatch(/too briefly/);
  });

  it('one <not counted> event leaves the others counted and their metric intact', async () => {
    const { report, countedS } = await runJson(ONE_NOT_COUNTED);
    const others = EVENTS.filter((event) => event !== 'cache-references');
    expectTrueCounts(report.counters, report.durationS, countedS, { events: others });
    const missing = report.counters.events.find((event) => event.event === 'cache-references');
    expect(missing?.status).toBe('not counted');
    expect(missing?.total).toBeNull();
    expect(report.counters.derived.missRatio).toBeNull();
    expect(report.counters.derived.ipc).toBeCloseTo(2, 3);
    expect(report.counters.derived.missesPerKiloInstruction).toBeCloseTo(0.5, 3);
    const { text } = await runText(ONE_NOT_COUNTED);
    expect(eventLine(text, 'cache-references')).toMatch(/not counted/);
    expectNear(lineRateAndTotal(eventLine(text, 'cache-misses')).perSecond, RATES['cache-misses'], 'cache-misses per second (text)', LOAD_BAND);
    expect(text).toMatch(/IPC 2\.00\s+MPKI 0\.50/);
  });

  it('counters multiplexed in turns as long as a tick (<not counted> at 0% every other tick): totals scaled to the whole time, the share said, the ratios marked', async () => {
    // before: totals 40-60% of the truth, lowestRunningPct 100, "miss ratio 16.7%  IPC 1.33" unmarked
    const { report, countedS } = await runJson(ROTATED_2);
    for (const name of EVENTS) {
      const event = report.counters.events.find((candidate) => candidate.event === name);
      expect(event?.status, name).toBe('counted');
      expectNear(event?.total, RATES[name] * countedS, `${name} total, scaled from the ticks that counted`, LOAD_BAND);
      expect(event?.lowestRunningPct, name).toBeGreaterThan(0);
      expect(event?.lowestRunningPct, name).toBeLessThan(100);
    }
    expectNear(report.counters.derived.missRatio, 0.25, 'miss ratio', LOAD_BAND);
    expectNear(report.counters.derived.ipc, 2, 'IPC', LOAD_BAND);
    const { text } = await runText(ROTATED_2);
    for (const event of EVENTS) expect(eventLine(text, event)).toMatch(/scaled from \d+% of the time/);
    expect(text).toMatch(/IPC \d\.\d\d\s+MPKI \d\.\d\d {2}\(of counts scaled from \d+% of the time\)/);
  });
});

describe('perfcell run -r on a replayed PMU (the replay prints the rows perf 6.1 prints when it multiplexes)', () => {
  it('-r 3 at 50% multiplexing: each event\'s mean ± σ line says its counts were scaled, as each run\'s line does; at full time none does', async () => {
    // Before: the summary printed `cache-misses  100,120 ± 150` as if exact, the scaling said only
    // in the warning above it, where run's own event lines each say `scaled from 50% of the time`.
    const repeat = async (scenario: Parameters<typeof perfcellOnReplay>[1]) => {
      const result = await perfcellOnReplay(['run', '-r', '3', '-e', EVENT_LIST, '--', fixture('spin'), '0.1'], scenario);
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stderr.slice(result.stderr.indexOf('3 runs (mean'));
    };
    const scaled = await repeat(MULTIPLEXED_50);
    for (const event of EVENTS) expect(eventLine(scaled, event)).toMatch(/ ± .*\(scaled from 50% of the time\)$/);
    const exact = await repeat(PLAIN);
    for (const event of EVENTS) expect(eventLine(exact, event)).not.toMatch(/scaled/);
  });
});

describe('perfcell run -r on a replayed hybrid PMU (the replay prints cpu_core/EV/ and cpu_atom/EV/ rows, as the hybrid captures do)', () => {
  // A REPLAY: the cpu_core/EV/ + cpu_atom/EV/ rows follow samples/perf/lkml-2023-kanliang-adl-hybrid-default.human.txt and
  // kernel-doc-intel-hybrid-thread-mode.human.txt, the idle PMU's <not counted> lkml-2024-jclark-hybrid-not-counted-before.json.txt,
  // the running column gh-loop-unroll-multiplexed.csv.txt (perf 6.1 prints it as a whole number); spin.c is a real program.
  /** Hybrid 75/25 with each counter multiplexed to half the time: the replay's rows run 37% and 12% (perf 6.1's whole numbers). */
  const HYBRID_MULTIPLEXED: Parameters<typeof perfcellOnReplay>[1] = { ...HYBRID_75_25, runningPct: 50 };
  interface PmuStatJson { readonly pmu: string; readonly event: string; readonly status: string; readonly n: number; readonly mean: number | null; readonly stddev: number | null; readonly share: number | null }
  interface RepeatJson {
    readonly runs: readonly RunJson[];
    readonly metrics: Record<string, { readonly mean: number; readonly n: number; readonly lowestRunningPct?: number | null; readonly pmus?: readonly PmuStatJson[] }>;
  }
  const repeat = async (scenario: Parameters<typeof perfcellOnReplay>[1], json = false) => {
    const result = await perfcellOnReplay(['run', '-r', '3', ...(json ? ['--json'] : []), '-e', EVENT_LIST, '--', fixture('spin'), '0.1'], scenario);
    expect(result.exitCode, result.stderr).toBe(0);
    return { text: result.stderr.slice(result.stderr.indexOf('3 runs (mean')), document: json ? (JSON.parse(result.stdout) as RepeatJson) : null };
  };
  const pmuTotal = (run: RunJson, event: string, pmu: string): number => run.counters.events.find((candidate) => candidate.event === event)?.pmus?.find((share) => share.pmu === pmu)?.total ?? 0;

  it('text: each event\'s mean ± σ line says its cpu_core/cpu_atom split, and with multiplexing the scaling too, in the words of each run\'s line', async () => {
    // Before: `cycles  100,523,179 ± 1,171,802  (± 1.1%)`, no word of the two PMUs the count was
    // folded from, where run's own line says `(cpu_core 75%, cpu_atom 25%)`.
    const hybrid = await repeat(HYBRID_75_25);
    for (const event of EVENTS) expect(eventLine(hybrid.text, event)).toMatch(/ ± .*  \(cpu_core 75%, cpu_atom 25%\)$/);
    const both = await repeat(HYBRID_MULTIPLEXED);
    // 37 and 12 of 49 points: 76% and 24%, as run prints them; the folded share 49%, as run's line
    for (const event of EVENTS) expect(eventLine(both.text, event)).toMatch(/ ± .*  \(cpu_core 76%, cpu_atom 24%; scaled from 49% of the time\)$/);
    const coreOnly = await repeat(HYBRID_CORE_ONLY);
    for (const event of EVENTS) expect(eventLine(coreOnly.text, event)).toMatch(/ ± .*  \(cpu_core only\)$/);
  });

  it('text and --json: miss ratio, IPC and MPKI of the runs\' mean counts, per PMU too, as run prints them for one run', async () => {
    // Before: run -r's text ended at its counters' mean ± σ lines, without the line each run's
    // report ends with (`miss ratio 25.0%  IPC 2.00  MPKI 0.50  (cpu_core: …; cpu_atom: …)`), and
    // its document held no derived metrics. The replay's rows come from the recorded captures named above.
    const { text } = await repeat(HYBRID_MULTIPLEXED);
    const pmuText = 'miss ratio 25.0%  IPC 2.00  MPKI 0.50';
    // (and, as the counts were scaled, says so: scaled-ratios.test.ts)
    expect(text.split('\n')).toContain(`  ratios of the means: ${pmuText}  (cpu_core: ${pmuText}; cpu_atom: ${pmuText})  (of counts scaled from 49% of the time)`);
    const { document } = await repeat(HYBRID_MULTIPLEXED, true);
    const { runs, derived } = document as RepeatJson & { derived: CountersJson['derived'] };
    // Σ of the runs' counts over Σ (their means' ratio), from each run's own report
    const sum = (event: string, pmu?: string): number => runs.reduce((total, run) => total + (pmu === undefined ? (run.counters.events.find((candidate) => candidate.event === event)?.total ?? 0) : pmuTotal(run, event, pmu)), 0);
    expectNear(derived.missRatio, sum('cache-misses') / sum('cache-references'), 'miss ratio of the means', 1e-12);
    expectNear(derived.ipc, sum('instructions') / sum('cycles'), 'IPC of the means', 1e-12);
    expectNear(derived.missesPerKiloInstruction, (1000 * sum('cache-misses')) / sum('instructions'), 'MPKI of the means', 1e-12);
    for (const pmu of ['cpu_core', 'cpu_atom']) expectNear(derived.byPmu?.[pmu]?.ipc, sum('instructions', pmu) / sum('cycles', pmu), `${pmu} IPC of the means`, 1e-12);
    expectTrueDerived(derived);
  });

  it('--json: each counter\'s metric holds its lowest running % over the runs and each PMU\'s mean ± σ of what the runs\' reports say it took', async () => {
    // Before: `metrics.cycles` was `{ mean, stddev, n, min, max, unit }` alone: neither the scaling nor the split.
    const { document } = await repeat(HYBRID_MULTIPLEXED, true);
    // the document's new fields are those its schema describes (pmus' items allow no others)
    const schemaDir = join(import.meta.dirname, '..', '..', 'schema');
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
    for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
    const validate = ajv.getSchema('https://github.com/perfcell/perfcell/schema/perfcell-run-repeat.schema.json')!;
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    for (const event of EVENTS) {
      const metric = document!.metrics[event]!;
      // each run's own folded share (37 + 12 points, in floating point): the lowest of them
      expect(metric.lowestRunningPct, event).toBeCloseTo(49, 9);
      expect(metric.pmus?.map(({ pmu, event: printed, status, n }) => [pmu, printed, status, n])).toEqual([
        ['cpu_core', `cpu_core/${event}/`, 'counted', 3],
        ['cpu_atom', `cpu_atom/${event}/`, 'counted', 3],
      ]);
      for (const share of metric.pmus ?? []) {
        const taken = document!.runs.map((run) => pmuTotal(run, event, share.pmu));
        const mean = taken.reduce((sum, value) => sum + value, 0) / taken.length;
        expectNear(share.mean, mean, `${event} on ${share.pmu}: the mean of the runs' own`, 1e-9);
        expect(share.stddev, `${event} on ${share.pmu}`).toBeCloseTo(Math.sqrt(taken.reduce((sum, value) => sum + (value - mean) ** 2, 0) / 2), 6);
        expectNear(share.share, (share.mean ?? 0) / metric.mean, `${event} on ${share.pmu}: its share of the mean`, 1e-9);
      }
      expectNear(metric.pmus?.[0]?.share, 37 / 49, `${event}: cpu_core's share`);
    }
    const plain = (await repeat(PLAIN, true)).document!;
    for (const event of EVENTS) {
      expect(plain.metrics[event]?.lowestRunningPct, event).toBe(100);
      expect(plain.metrics[event]?.pmus, event).toBeUndefined();
    }
    // time, CPU and memory are no counters: neither field
    expect(plain.metrics['time']).not.toHaveProperty('lowestRunningPct');
    const coreOnly = (await repeat(HYBRID_CORE_ONLY, true)).document!;
    for (const event of EVENTS) {
      expect(coreOnly.metrics[event]?.pmus?.map(({ pmu, status, n, mean, share }) => ({ pmu, status, n, mean, share }))[1]).toEqual({ pmu: 'cpu_atom', status: 'not counted', n: 0, mean: null, share: null });
    }
  });
});

describe("perfcell run -M on a replayed PMU: perf's own metric groups", () => {
  // A REPLAY: the metric-only rows follow samples/perf/lkml-2023-kanliang-spr-default-topdown.csv.txt
  // (`,,,,,70.1,%  tma_backend_bound`); no metric group counts on this VM (perf list metricgroups: all need PMU events it lacks).
  const scenario = { ...PLAIN, metrics: [{ name: 'tma_backend_bound', value: 70.1, unit: '%' }, { name: 'IPC', value: 2 }] };

  it('-M is passed to perf; its metrics are in the JSON and on the text report, and absent without -M', async () => {
    const json = await perfcellOnReplay(['run', '--json', '-e', EVENT_LIST, '-M', 'TopdownL1', '--', ...spin()], scenario);
    expect(json.exitCode, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as RunJson & { counters: { metrics?: { name: string; value: number; unit: string; readings: number }[] } };
    // the mean of the intervals' values: equal to perf's value up to floating-point rounding
    expect(report.counters.metrics?.map(({ name, value, unit }) => ({ name, value: Number(value.toFixed(9)), unit }))).toEqual([
      { name: 'tma_backend_bound', value: 70.1, unit: '%' },
      { name: 'IPC', value: 2, unit: '' },
    ]);
    // 0.5 s at -I 100: one reading per counted interval
    expect(report.counters.metrics?.[0]?.readings).toBeGreaterThanOrEqual(5);
    // the counters are untouched by the metric rows
    expectTrueCounts(report.counters, report.durationS, json.countedS);

    const text = await perfcellOnReplay(['run', '-e', EVENT_LIST, '--metrics', 'TopdownL1', '--', ...spin()], scenario);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/^\s+perf metrics: tma_backend_bound 70\.10%, IPC 2\.00$/m);

    const without = await perfcellOnReplay(['run', '--json', '-e', EVENT_LIST, '--', ...spin()], scenario);
    expect((JSON.parse(without.stdout) as { counters: { metrics?: unknown } }).counters.metrics).toBeUndefined();
  });
});
