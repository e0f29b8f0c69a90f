/**
 * The REPL's printed counters line on hardware counters, typed through a pseudo-terminal as a
 * person would. A REPLAY: perf here is the replaying perf of test/support/replay-perf (this VM has
 * no PMU), printing rows in the layouts of gh-loop-unroll-multiplexed.csv.txt (multiplexing),
 * lkml-2023-kanliang-adl-hybrid-default.human.txt (hybrid rows) and
 * local-perf61-vm-pid-interval-comma.csv.txt (perf 6.1's interval rows). The command is real: a
 * JavaScript busy loop of 0.5 s in the REPL's own process, which the REPL's perf watches.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPtyRepl, type PtyRepl } from '../support/pty-repl.ts';
import { buildReplayPerf, replayEnv, type Scenario } from '../support/replay-perf/replay-perf.ts';
import { EVENT_LIST, EVENTS, HYBRID_75_25, MULTIPLEXED_50, PLAIN, RATES, expectNear, printedNumber } from './hw-scenarios.ts';

const BUSY_HALF_SECOND = '{ const end = performance.now() + 500; while (performance.now() < end); }';

let repl: PtyRepl | undefined;
afterEach(() => {
  repl?.kill();
  repl = undefined;
});
beforeAll(() => buildReplayPerf());

/** Types the 0.5 s loop and returns its report and the command's duration as perfcell.last holds it. */
async function busyReport(scenario: Scenario): Promise<{ report: string; durationS: number }> {
  repl = await startPtyRepl(['repl', '-e', EVENT_LIST], replayEnv(scenario));
  const report = await repl.send(BUSY_HALF_SECOND, 20_000);
  const durationText = await repl.send('perfcell.history[0].durationS', 20_000);
  const durationS = Number(/(\d+\.\d+)/.exec(durationText)?.[1]);
  expect(durationS).toBeGreaterThanOrEqual(0.5);
  return { report, durationS };
}

/** `cache-misses 513,391 (1,004,839/s, scaled from 50% of the time)` → total, rate and the notes. */
function counterOnLine(report: string, event: string): { total: number; perSecond: number; notes: string } {
  const match = new RegExp(`${event} ([\\d,]+) \\(([\\d,]+)/s([^)]*)\\)`).exec(report);
  expect(match, `${event} on the counters line of:\n${report}`).not.toBeNull();
  return { total: printedNumber(match?.[1] ?? ''), perSecond: printedNumber(match?.[2] ?? ''), notes: match?.[3] ?? '' };
}

function expectTrueLine(report: string, durationS: number): void {
  for (const event of EVENTS) {
    const { total, perSecond } = counterOnLine(report, event);
    expectNear(perSecond, RATES[event], `${event} per second`);
    expectNear(total, RATES[event] * durationS, `${event} total`);
  }
  expect(report).toMatch(/miss ratio 25\.0%\s+IPC 2\.00\s+MPKI 0\.50/);
}

describe('the REPL\'s printed line on a replayed PMU (0.5 s busy loop; cache-misses 1e6/s, cache-references 4e6/s, instructions 2e9/s, cycles 1e9/s)', () => {
  it('prints each counter\'s total and rate within 2% and the derived metrics: miss ratio 25.0%, IPC 2.00, MPKI 0.50', async () => {
    const { report, durationS } = await busyReport(PLAIN);
    expectTrueLine(report, durationS);
    for (const event of EVENTS) expect(counterOnLine(report, event).notes).toBe('');
  });

  it('at 50% multiplexing: the same true values, "scaled from 50% of the time" on each counter, and one warning', async () => {
    const { report, durationS } = await busyReport(MULTIPLEXED_50);
    expectTrueLine(report, durationS);
    for (const event of EVENTS) expect(counterOnLine(report, event).notes).toMatch(/scaled from 50% of the time/);
    expect(report.match(/^warning: .*50% of the time/gm)).toHaveLength(1);
  });

  it('hybrid 75% cpu_core / 25% cpu_atom: folded to the true totals, with the split and the derived metrics', async () => {
    const { report, durationS } = await busyReport(HYBRID_75_25);
    expectTrueLine(report, durationS);
    for (const event of EVENTS) expect(counterOnLine(report, event).notes).toMatch(/cpu_core 75%, cpu_atom 25%/);
    expect(report).not.toMatch(/cpu_core\/|cpu_atom\//);
  });
});
