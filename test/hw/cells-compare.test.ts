/**
 * `perfcell cells` and `perfcell compare` on hardware counters, end to end. A REPLAY: perf here is
 * the replaying perf of test/support/replay-perf (this VM has no PMU), printing rows in the
 * layouts of gh-loop-unroll-multiplexed.csv.txt (multiplexing),
 * lkml-2023-kanliang-adl-hybrid-default.human.txt (hybrid rows) and
 * local-perf61-vm-pid-interval-comma.csv.txt (perf 6.1's interval rows). The work is real: a
 * 0.5 s JavaScript busy loop in a cell (perfcell's own process, watched by its perf), and the
 * test/fixtures/spin.c program busy for 0.5 s under compare.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { perfPidsNow } from '../support/leaked-perf.ts';
import { buildReplayPerf } from '../support/replay-perf/replay-perf.ts';
import {
  EVENT_LIST, EVENTS, HYBRID_75_25, IN_PROCESS_BAND, LOAD_BAND, MULTIPLEXED_50, PLAIN, RATES,
  eventLine, expectNear, expectNominalRates, expectTrueDerived, lineRateAndTotal, perfcellOnReplay,
  leftRunningPerf,
} from './hw-scenarios.ts';
import { BUSY_HALF_SECOND, busyCell } from './in-process.ts';

const perfBefore = perfPidsNow();
beforeAll(() => buildReplayPerf());
afterAll(async () => expect(await leftRunningPerf(perfBefore)).toEqual([]));

describe('perfcell cells on a replayed PMU (a 0.5 s cell; cache-misses 1e6/s, cache-references 4e6/s, instructions 2e9/s, cycles 1e9/s)', () => {
  // Counts held to IN_PROCESS_BAND (why: hw-scenarios.ts); the derived metrics exactly.
  it('--json: the cell\'s rates and totals, miss ratio 0.25, IPC 2.00, MPKI 0.5', async () => {
    const cell = await busyCell(PLAIN);
    expectNominalRates(cell.counters, cell.durationS, IN_PROCESS_BAND);
    expectTrueDerived(cell.counters.derived);
  });

  it('text at 50% multiplexing: "scaled from 50% of the time" on each counter line, and the derived metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-hw-cells-'));
    try {
      const file = join(dir, 'busy.js');
      writeFileSync(file, `// %% busy\n${BUSY_HALF_SECOND}\n`);
      const result = await perfcellOnReplay(['cells', '-e', EVENT_LIST, file], MULTIPLEXED_50);
      expect(result.exitCode, result.stderr).toBe(0);
      const text = `${result.stdout}\n${result.stderr}`;
      for (const event of EVENTS) {
        const line = eventLine(text, event);
        expectNear(lineRateAndTotal(line).perSecond, RATES[event], `${event} per second`, IN_PROCESS_BAND);
        expect(line).toMatch(/scaled from 50% of the time/);
      }
      expect(text).toMatch(/miss ratio 25\.0%\s+IPC 2\.00\s+MPKI 0\.50/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hybrid 75/25: the cell\'s counters fold to the true totals, 75% and 25% of them per PMU, with derived metrics', async () => {
    const cell = await busyCell(HYBRID_75_25);
    expectNominalRates(cell.counters, cell.durationS, IN_PROCESS_BAND);
    expectTrueDerived(cell.counters.derived);
    for (const event of cell.counters.events) {
      expect(event.pmus?.map((share) => share.pmu), event.event).toEqual(['cpu_core', 'cpu_atom']);
      expect((event.pmus?.[0]?.total ?? 0) / (event.total ?? 1), event.event).toBeCloseTo(0.75, 2);
    }
  });
  it("-M: perf's metric-only rows (as lkml-2023-kanliang-spr-default-topdown.csv.txt) in the cell's counters.metrics", async () => {
    const { counters } = await busyCell({ ...PLAIN, metrics: [{ name: 'tma_retiring', value: 14.6, unit: '%' }] }, ['-M', 'TopdownL1']);
    expect((counters as { metrics?: { name: string; value: number; unit: string }[] }).metrics?.map(({ name, value, unit }) => ({ name, value: Number(value.toFixed(9)), unit }))).toEqual([{ name: 'tma_retiring', value: 14.6, unit: '%' }]);
  });
});

interface CompareJson {
  readonly alternatives: ReadonlyArray<{ readonly name: string; readonly runs: ReadonlyArray<Record<string, number | null>> }>;
  readonly warnings: readonly string[];
}

describe('perfcell compare on a replayed PMU (test/fixtures/spin 0.5 against itself)', () => {
  const compare = async (scenario: Parameters<typeof perfcellOnReplay>[1], extra: readonly string[] = []) => {
    const result = await perfcellOnReplay(['compare', '--runs', '2', '--warmup', '0', '-e', EVENT_LIST, ...extra, '--names', 'a', 'b', '--', `${fixture('spin')} 0.5`, `${fixture('spin')} 0.5`], scenario, { timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    return result;
  };

  /** Every run of both alternatives: counts and rates within 2% of the truth, derived metrics exact. */
  const expectTrueRuns = (document: CompareJson): void => {
    for (const alternative of document.alternatives) {
      expect(alternative.runs.length, alternative.name).toBe(2);
      for (const run of alternative.runs) {
        const durationS = run.durationS ?? 0;
        // Several perf runs share one trace here, so each run is held to the nominal rates (LOAD_BAND, hw-scenarios.ts).
        for (const event of EVENTS) {
          expectNear(run[`${event}/s`], RATES[event], `${alternative.name}: ${event}/s`, LOAD_BAND);
          expectNear(run[event], RATES[event] * durationS, `${alternative.name}: ${event}`, LOAD_BAND);
        }
        expect(run.missRatio).toBeCloseTo(0.25, 3);
        expect(run.ipc).toBeCloseTo(2, 3);
        expect(run.missesPerKiloInstruction).toBeCloseTo(0.5, 3);
      }
    }
  };

  it('--json: every run\'s counts and rates near the truth, derived metrics exact', async () => {
    expectTrueRuns(JSON.parse((await compare(PLAIN, ['--json'])).stdout) as CompareJson);
  });

  it('at 50% multiplexing: the same true values and the multiplexing warning in the document', async () => {
    const document = JSON.parse((await compare(MULTIPLEXED_50, ['--json'])).stdout) as CompareJson;
    expectTrueRuns(document);
    expect(document.warnings.join('\n')).toMatch(/50% of the time/);
  });

  it("the noise floor's events perf never counted are said as the noise floor's, not as the alternatives' (every run of a and b counted them)", async () => {
    // The replay looks for its target every millisecond, so the floor's `true` (some 0.4 ms) ends
    // before it counts: its rows read <not counted>, as a real perf's rotated-out events do for so
    // short a program. Before, compare printed `cache-misses never counted (...)` unnamed, beside
    // tables whose cache-misses all counted.
    const result = await compare(MULTIPLEXED_50, ['--json']);
    const document = JSON.parse(result.stdout) as CompareJson & { readonly noiseFloor: { readonly runs: ReadonlyArray<Record<string, number | null>> } | null };
    expectTrueRuns(document);
    // the events some run of the floor never counted (beside a loaded suite every run of its `true` can outlast the replay's first look, and count)
    const floorMissed = EVENTS.filter((event) => (document.noiseFloor?.runs ?? []).some((run) => run[event] === null || run[event] === undefined));
    for (const said of [result.stderr, document.warnings.join('\n')]) {
      expect(said).not.toMatch(/^(warning: )?(cache-misses|cache-references|instructions|cycles) never counted/m);
      for (const event of floorMissed) expect(said).toMatch(new RegExp(`^(warning: )?the noise floor \\(true\\): ${event} never counted`, 'm'));
    }
  });

  it('hybrid 75/25: every run folded to the true counts with derived metrics', async () => {
    expectTrueRuns(JSON.parse((await compare(HYBRID_75_25, ['--json'])).stdout) as CompareJson);
  });

  it('text: the counter tables show each alternative\'s rate near the truth', async () => {
    const result = await compare(PLAIN, ['--verbose']);
    const text = result.stdout;
    const table = text.slice(text.indexOf('cache-misses per s'));
    const row = /^\s+a\s+([\d,]+)\/s/m.exec(table);
    expectNear(Number(row?.[1]?.replace(/,/g, '')), RATES['cache-misses'], 'cache-misses per s, mean of a', LOAD_BAND);
  });

  it("-M: perf's metric-only rows (as lkml-2023-kanliang-spr-default-topdown.csv.txt) are compared as perf:NAME in every run", async () => {
    const document = JSON.parse((await compare({ ...PLAIN, metrics: [{ name: 'tma_retiring', value: 14.6, unit: '%' }] }, ['--json', '-M', 'TopdownL1'])).stdout) as CompareJson;
    for (const alternative of document.alternatives) for (const run of alternative.runs) expect(run['perf:tma_retiring'], alternative.name).toBeCloseTo(14.6, 6);
  });
});

describe('perfcell compare on a replayed PMU, two alternatives that differ (test/fixtures/spin 0.1 against spin 0.3)', () => {
  // A REPLAY: the scaled rows follow the recorded capture samples/perf/gh-loop-unroll-multiplexed.csv.txt
  // and perf 6.1's interval rows local-perf61-vm-pid-interval-comma.csv.txt; spin.c is a real program,
  // and the replay counts while it runs, so spin 0.3 has three times spin 0.1's counts (5 runs each: at 3 on
  // this loaded VM a counter's Holm-corrected p came out 0.006 once, no verdict to look at).
  interface ScaledJson { readonly alternatives: ReadonlyArray<{ readonly name: string; readonly lowestRunningPct?: Record<string, number> }> }
  const compare = async (scenario: Parameters<typeof perfcellOnReplay>[1]) => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-hw-scaled-'));
    try {
      const exported = join(dir, 'compare.json');
      const result = await perfcellOnReplay(['compare', '--runs', '5', '--warmup', '0', '-e', EVENT_LIST, '--export-json', exported, '--names', 'short', 'long', '--', `${fixture('spin')} 0.1`, `${fixture('spin')} 0.3`], scenario, { timeoutMs: 120_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      return { summary: result.stdout, document: JSON.parse(readFileSync(exported, 'utf8')) as ScaledJson };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('at 50% multiplexing the summary\'s verdict on each counter says its counts were scaled, and the JSON keeps each alternative\'s lowest running share per counter', async () => {
    // Before: the summary said `long has 3.0× ± 0.1 more cache-misses; p < 0.001` with no mark (only
    // --verbose's tables have the `*` and its footnote), and the document held no running share.
    const { summary, document } = await compare(MULTIPLEXED_50);
    for (const event of EVENTS) expect(summary).toMatch(new RegExp(`^  long has [\\d.]+× .*more ${event}; p [<=] [\\d.]+ \\(scaled from 50% of the time\\*\\)$`, 'm'));
    // the ratios of two scaled counts are named too (scaled-ratios.test.ts)
    expect(summary.trimEnd().split('\n').at(-1)).toBe(`* scaled from 50% of the time in some runs (${EVENTS.join(', ')}, miss ratio, IPC, MPKI): perf multiplexed more events than the PMU has counters; a ratio's two counts came from time slices of their own unless grouped`);
    const ratios = ['missRatio', 'ipc', 'missesPerKiloInstruction'];
    for (const alternative of document.alternatives) expect(alternative.lowestRunningPct, alternative.name).toEqual(Object.fromEntries([...EVENTS, ...ratios].map((key) => [key, 50])));
    // the field is the one the schema describes
    const schemaDir = join(import.meta.dirname, '..', '..', 'schema');
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
    for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
    const validate = ajv.getSchema('https://github.com/perfcell/perfcell/schema/perfcell-compare.schema.json')!;
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    const [first] = document.alternatives;
    expect(validate({ ...document, alternatives: [{ ...first, lowestRunningPct: { cycles: '50%' } }] })).toBe(false);
    // counted all of the time: 100 each, and no verdict marked
    const exact = await compare(PLAIN);
    for (const alternative of exact.document.alternatives) expect(alternative.lowestRunningPct, alternative.name).toEqual(Object.fromEntries([...EVENTS, ...ratios].map((key) => [key, 100])));
    expect(exact.summary).toMatch(/^ {2}long has [\d.]+× .*more cycles; p [<=] [\d.]+$/m);
    expect(exact.summary).not.toContain('scaled');
  });
});
