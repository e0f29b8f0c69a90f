/**
 * `perfcell attach` and the library's measure() on hardware counters. A REPLAY: perf here is the
 * replaying perf of test/support/replay-perf (this VM has no PMU), printing rows in the layouts of
 * gh-loop-unroll-multiplexed.csv.txt (multiplexing), lkml-2023-kanliang-adl-hybrid-default.human.txt
 * (hybrid rows), lkml-2024-jclark-hybrid-not-counted-before.json.txt (the idle PMU) and
 * local-perf61-vm-pid-interval-comma.csv.txt (perf 6.1's interval rows). The programs are real:
 * test/fixtures/spin.c, and a JavaScript busy loop for measure(fn).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pty from 'node-pty';
import { cliPath, fixture } from '../support/fixtures.ts';
import { perfPidsNow } from '../support/leaked-perf.ts';
import { buildReplayPerf, replayEnv } from '../support/replay-perf/replay-perf.ts';
import {
  EVENT_LIST, EVENTS, HYBRID_75_25, HYBRID_CORE_ONLY, IN_PROCESS_BAND, MULTIPLEXED_50, ONE_NOT_COUNTED, PLAIN, RATES,
  eventLine, expectNear, expectNominalRates, expectTrueCounts, expectTrueDerived, perfcellOnReplay, type CountersJson,
  leftRunningPerf,
} from './hw-scenarios.ts';
import { busyHalfSecond, measureOnReplay } from './in-process.ts';

const targets: ChildProcess[] = [];
afterEach(() => {
  for (const target of targets.splice(0)) target.kill('SIGKILL');
});
const perfBefore = perfPidsNow();
beforeAll(() => buildReplayPerf());
afterAll(async () => expect(await leftRunningPerf(perfBefore)).toEqual([]));

interface AttachJson {
  readonly durationS: number;
  readonly counters: CountersJson & { readonly events: ReadonlyArray<CountersJson['events'][number] & { readonly countedSeconds: number | null }> };
  readonly warnings: readonly string[];
}

/** `perfcell attach -d 0.5 -I 100` of a spin program that outlives the watch. */
async function attachHalfSecond(scenario: Parameters<typeof perfcellOnReplay>[1]) {
  const target = spawn(fixture('spin'), ['10'], { stdio: 'ignore' });
  targets.push(target);
  const result = await perfcellOnReplay(['attach', '-d', '0.5', '-I', '100', '-e', EVENT_LIST, '--json', String(target.pid)], scenario);
  expect(result.exitCode, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as AttachJson;
  // -d of whole intervals ends with perf's fifth, as perf stat -I 100 --interval-count 5 does: what
  // the replay counted after it (perf is stopped once that interval is in) is past the watch. The
  // replay counts from its first look that sees the target run, the rows' times from its start: a
  // whole-suite run read rows of 0.6711 s against 0.6700 counted (1.1 ms of looks under load)
  const rowsS = Math.min(...report.counters.events.map((event) => event.countedSeconds ?? Number.POSITIVE_INFINITY));
  expect(rowsS).toBeLessThanOrEqual(result.countedS + 0.005);
  return { report, countedS: rowsS };
}

/** The built CLI in a pseudo-terminal with the replay as perf; everything it printed, once it exits. */
async function inPty(args: readonly string[], scenario: Parameters<typeof perfcellOnReplay>[1]): Promise<string> {
  const child = pty.spawn(process.execPath, [cliPath, ...args], {
    cols: 250,
    rows: 50,
    env: { ...process.env, NO_COLOR: '1', ...replayEnv(scenario) } as Record<string, string>,
  });
  let text = '';
  child.onData((data) => { text += data; });
  const exit = await new Promise<{ exitCode: number }>((resolve) => child.onExit(resolve));
  expect(exit.exitCode, text).toBe(0);
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n?/g, '\n');
}

describe('perfcell attach on a replayed PMU (a 0.5 s watch of a busy program; cache-misses 1e6/s, cache-references 4e6/s, instructions 2e9/s, cycles 1e9/s)', () => {
  it('--json: per-second averages within 2%, totals within 2% of the rate over the counted time, and the derived metrics', async () => {
    const { report, countedS } = await attachHalfSecond(PLAIN);
    for (const event of report.counters.events) {
      expect(event.countedSeconds, event.event).toBeGreaterThan(0.4);
      expect(event.countedSeconds, event.event).toBeLessThanOrEqual(report.durationS);
    }
    // The watch counts from perf's start: per second is over its counted span (perf's own timestamps).
    expectTrueCounts(report.counters, report.durationS, countedS);
    expectTrueDerived(report.counters.derived);
  });

  it('at 50% multiplexing: the true rates, the percentage on each event line of the summary, and the warning', async () => {
    const { report, countedS } = await attachHalfSecond(MULTIPLEXED_50);
    expectTrueCounts(report.counters, report.durationS, countedS);
    for (const event of report.counters.events) expect(event.lowestRunningPct, event.event).toBe(50);
    expect(report.warnings.join('\n')).toMatch(/50% of the time/);
    // The human summary is for a terminal (off one, attach prints NDJSON): run it in a pty.
    const target = spawn(fixture('spin'), ['10'], { stdio: 'ignore' });
    targets.push(target);
    const text = await inPty(['attach', '-d', '0.5', '-I', '100', '-e', EVENT_LIST, String(target.pid)], MULTIPLEXED_50);
    const summary = text.slice(text.lastIndexOf(' used '));
    for (const event of EVENTS) expect(eventLine(summary, event)).toMatch(/scaled from 50% of the time/);
  });

  it('hybrid 75/25: folded to the true rates with derived metrics; core-only names cpu_atom as never run on', async () => {
    const hybrid = await attachHalfSecond(HYBRID_75_25);
    expectTrueCounts(hybrid.report.counters, hybrid.report.durationS, hybrid.countedS);
    expectTrueDerived(hybrid.report.counters.derived);
    const { report: coreOnly, countedS } = await attachHalfSecond(HYBRID_CORE_ONLY);
    expectTrueCounts(coreOnly.counters, coreOnly.durationS, countedS);
    expect(coreOnly.warnings.join('\n')).toMatch(/never ran on cpu_atom/);
  });

  it('an event perf could not schedule beside counted ones: the warning does not say the busy target never ran', async () => {
    // The replay prints cache-references as <not counted> in every interval while the other three
    // count, as perf does for an event it could not put on the PMU: spin ran the whole watch, so
    // "did not run on a CPU" (read before from the event alone) was false.
    const { report } = await attachHalfSecond(ONE_NOT_COUNTED);
    expect(report.counters.events.find((event) => event.event === 'cache-references')?.status).toBe('not counted');
    const warning = report.warnings.find((line) => line.startsWith('cache-references never counted'));
    expect(warning, report.warnings.join('\n')).toMatch(/^cache-references never counted while pid \d+ ran \(perf could not schedule it/);
  });
});

describe('measure() from the library on a replayed PMU (perfPath: the replay)', () => {
  it('measure([program]): a 0.5 s program\'s rates and totals within 2%, miss ratio 0.25, IPC 2.00, MPKI 0.5', async () => {
    const report = await measureOnReplay([fixture('spin'), '0.5'], PLAIN);
    expectTrueCounts(report.counters, report.durationS, report.countedS);
    expectTrueDerived(report.counters.derived);
  });

  it('measure([program]) hybrid 75/25: folded to the true totals within 2%', async () => {
    const report = await measureOnReplay([fixture('spin'), '0.5'], HYBRID_75_25);
    expectTrueCounts(report.counters, report.durationS, report.countedS);
    expectTrueDerived(report.counters.derived);
  });

  it('measure(fn), a 0.5 s busy loop in this process: the counters and derived metrics (counts within IN_PROCESS_BAND, why: hw-scenarios.ts)', async () => {
    const report = await measureOnReplay(busyHalfSecond, MULTIPLEXED_50);
    expectNominalRates(report.counters, report.durationS, IN_PROCESS_BAND);
    expectTrueDerived(report.counters.derived);
    for (const event of report.counters.events) expect(event.lowestRunningPct, event.event).toBe(50);
    expectNear(report.counters.events.find((event) => event.event === 'cycles')?.perSecond, RATES.cycles, 'cycles per second', IN_PROCESS_BAND);
  });
});

describe('perfcell attach --html and -M on a replayed PMU', () => {
  it("marks a multiplexed event's chart title as run's charts do, and carries -M's metrics in its summary", async () => {
    // A REPLAY: multiplexing as gh-loop-unroll-multiplexed.csv.txt, -M's metric-only rows as lkml-2023-kanliang-spr-default-topdown.csv.txt.
    const target = spawn(fixture('spin'), ['10'], { stdio: 'ignore' });
    targets.push(target);
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-attach-html-'));
    try {
      const html = join(dir, 'attach.html');
      const scenario = { ...MULTIPLEXED_50, metrics: [{ name: 'tma_retiring', value: 14.6, unit: '%' }] };
      const result = await perfcellOnReplay(['attach', '-d', '0.5', '-I', '100', '-e', EVENT_LIST, '-M', 'TopdownL1', '--json', '--html', html, String(target.pid)], scenario);
      expect(result.exitCode, result.stderr).toBe(0);
      const page = readFileSync(html, 'utf8');
      for (const event of EVENTS) expect(page, event).toContain(`${event} per second, scaled from 50% of the time`);
      const report = JSON.parse(result.stdout) as { counters: { metrics?: { name: string; value: number; unit: string }[] } };
      expect(report.counters.metrics?.map(({ name, value, unit }) => ({ name, value: Number(value.toFixed(9)), unit }))).toEqual([{ name: 'tma_retiring', value: 14.6, unit: '%' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
