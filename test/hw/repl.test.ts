/**
 * The REPL's printed counters line on hardware counters, typed through a pseudo-terminal as a
 * person would. A REPLAY: perf here is the replaying perf of test/support/replay-perf (this VM has
 * no PMU), printing rows in the layouts of gh-loop-unroll-multiplexed.csv.txt (multiplexing),
 * lkml-2023-kanliang-adl-hybrid-default.human.txt (hybrid rows) and
 * local-perf61-vm-pid-interval-comma.csv.txt (perf 6.1's interval rows). The command is real: a
 * JavaScript busy loop of 0.5 s in the REPL's own process, which the REPL's perf watches.
 * Counts are held to IN_PROCESS_BAND here (why: hw-scenarios.ts); the derived metrics exactly.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildReplayPerf } from '../support/replay-perf/replay-perf.ts';
import { EVENTS, HYBRID_75_25, IN_PROCESS_BAND, MULTIPLEXED_50, PLAIN } from './hw-scenarios.ts';
import { counterOnReplLine, expectTrueReplLine, killRepls, replReport } from './in-process.ts';

// A person types for longer than this after the prompt; the REPL's next perf ticks meanwhile.
const TYPING_PAUSE_MS = 400;

afterEach(() => killRepls());
beforeAll(() => buildReplayPerf());

describe('the REPL\'s printed line on a replayed PMU (0.5 s busy loop; cache-misses 1e6/s, cache-references 4e6/s, instructions 2e9/s, cycles 1e9/s)', () => {
  it('prints each counter\'s total and rate and the derived metrics: miss ratio 25.0%, IPC 2.00, MPKI 0.50', async () => {
    const { report, durationS } = await replReport(PLAIN, TYPING_PAUSE_MS);
    expectTrueReplLine(report, durationS, IN_PROCESS_BAND);
    // perf's own metric columns, as the replay prints them (gh-loop-unroll-multiplexed.csv.txt's layout), and nothing else
    const perfMetric: Record<(typeof EVENTS)[number], RegExp> = {
      'cache-misses': /^, perf: 25\.00 of all cache refs$/,
      'cache-references': /^$/,
      instructions: /^, perf: 2\.00 insn per cycle$/,
      cycles: /^$/, // the replay prints GHz only beside a task-clock row
    };
    for (const event of EVENTS) expect(counterOnReplLine(report, event).notes, event).toMatch(perfMetric[event]);
  });

  it('-M: perf\'s metric-only rows at the end of the counters line (rows as lkml-2023-kanliang-spr-default-topdown.csv.txt)', async () => {
    const scenario = { ...PLAIN, metrics: [{ name: 'tma_backend_bound', value: 70.1, unit: '%' }, { name: 'IPC', value: 2 }] };
    const { report } = await replReport(scenario, TYPING_PAUSE_MS, ['-M', 'TopdownL1']);
    expect(report).toMatch(/MPKI 0\.50\s+perf metrics: tma_backend_bound 70\.10%, IPC 2\.00/);
  });

  it('at 50% multiplexing: the true values, "scaled from 50% of the time" on each counter, and one warning', async () => {
    const { report, durationS } = await replReport(MULTIPLEXED_50, TYPING_PAUSE_MS);
    expectTrueReplLine(report, durationS, IN_PROCESS_BAND);
    for (const event of EVENTS) expect(counterOnReplLine(report, event).notes).toMatch(/scaled from 50% of the time/);
    expect(report.match(/^warning: .*50% of the time/gm)).toHaveLength(1);
    // the ratios of those counts are estimates too, marked as run's ratio line marks them
    // (before: `miss ratio 25.0%  IPC 2.00  MPKI 0.50` as if exact, beside counters each marked scaled)
    expect(report).toMatch(/MPKI 0\.50\s+\(of counts scaled from 50% of the time\)/);
  });

  it('hybrid 75% cpu_core / 25% cpu_atom: folded to the true totals, with the split and the derived metrics', async () => {
    const { report, durationS } = await replReport(HYBRID_75_25, TYPING_PAUSE_MS);
    expectTrueReplLine(report, durationS, IN_PROCESS_BAND);
    for (const event of EVENTS) expect(counterOnReplLine(report, event).notes).toMatch(/cpu_core 75%, cpu_atom 25%/);
    // cpu_core and cpu_atom together counted all of the time: nothing was scaled, the ratios neither
    expect(report).not.toMatch(/scaled/);
    expect(report).not.toMatch(/cpu_core\/|cpu_atom\//);
  });
});
