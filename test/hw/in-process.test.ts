/**
 * Issue 9's 2% checks for the in-process front ends (REPL, cells, measure(fn)) on the replaying
 * perf: a REPLAY (test/support/replay-perf, rows shaped as in the captures named in
 * hw-scenarios.ts), because this VM has no hardware PMU. They hold a command that blocks the
 * event loop from its first instant, which once made perfcell take a normal tick for perf's final
 * interval (fixed in src/perf/controller.ts: perf's "Events disabled" line is read before the
 * command starts). And compare marks every counter table that perf scaled (`*`) with one footnote
 * naming the percentage.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildReplayPerf } from '../support/replay-perf/replay-perf.ts';
import { fixture } from '../support/fixtures.ts';
import { EVENT_LIST, EVENTS, LOAD_BAND, MULTIPLEXED_50, PLAIN, RATES, ROTATED_2, expectNear, expectTrueCounts, expectTrueDerived, perfcellOnReplay } from './hw-scenarios.ts';
import { busyCell, busyHalfSecond, counterOnReplLine, killRepls, measureOnReplay, replReport } from './in-process.ts';

afterEach(() => killRepls());
beforeAll(() => buildReplayPerf());

describe('in-process windows within 2% (issue 9)', () => {
  // Totals are held to 2% of what the replay counted. Rates are held to the nominal ones within
  // LOAD_BAND, as for external programs: perf counts from the enable to the SIGINT, some ms more
  // than the command's own time on a loaded machine, and the replay counts that wall time.
  it('REPL, a line typed right after the prompt: totals within 2% of what was counted, rates their total over the time', async () => {
    const { report, durationS, countedS } = await replReport(PLAIN, 0);
    for (const event of EVENTS) {
      const { total, perSecond } = counterOnReplLine(report, event);
      expectNear(total, RATES[event] * countedS, `${event} total`);
      expectNear(perSecond, RATES[event], `${event} per second`, LOAD_BAND);
    }
    expect(durationS).toBeGreaterThan(0.5);
  });

  it('cells: the cell\'s totals within 2% of what was counted, rates within 2% of total over time', async () => {
    const cell = await busyCell(PLAIN);
    expectTrueCounts(cell.counters, cell.durationS, cell.countedS);
    expectTrueDerived(cell.counters.derived);
  });

  it('measure(fn): totals within 2% of what was counted, rates within 2% of total over time', async () => {
    const report = await measureOnReplay(busyHalfSecond, PLAIN);
    expectTrueCounts(report.counters, report.durationS, report.countedS);
  });
});

describe('compare shows multiplexing where it prints counters (issue 9)', () => {
  it('each counter table of compare says the counts were scaled from 50% of the time', async () => {
    const result = await perfcellOnReplay(['compare', '--runs', '2', '--warmup', '0', '--verbose', '-e', EVENT_LIST, '--names', 'a', 'b', '--', `${fixture('spin')} 0.3`, `${fixture('spin')} 0.3`], MULTIPLEXED_50, { timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const event of EVENTS) {
      const table = result.stdout.slice(result.stdout.indexOf(`\n${event} `));
      expect(table.split('\n\n')[0], event).toMatch(new RegExp(`^\\n${event} per s\\*|^\\n${event}\\*`));
    }
    // the footnote wraps at the terminal width: read it as one line
    // (the ratios of two scaled counts named too: scaled-ratios.test.ts)
    expect(result.stdout.replace(/\n +/g, ' ')).toMatch(/^\* scaled from 50% of the time in some runs \(cache-misses, cache-references, instructions, cycles, miss ratio, IPC, MPKI\): perf multiplexed more events than the PMU has counters; a ratio's two counts came from time slices of their own unless grouped$/m);
  });
  it("counts of compare's 4 ms ticks in which perf never ran the counter (every other one, ROTATED_2) are scaled and marked, not summed as zeros", async () => {
    // before: cache-misses about 470,000/s of the 1,000,000/s, and no table marked
    const result = await perfcellOnReplay(['compare', '--runs', '3', '--warmup', '0', '--json', '-e', EVENT_LIST, '--names', 'a', 'b', '--', `${fixture('spin')} 0.1`, `${fixture('spin')} 0.1`], ROTATED_2, { timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { alternatives: { name: string; runs: Record<string, number>[]; lowestRunningPct?: Record<string, number> }[] };
    for (const alternative of document.alternatives) {
      // the median run's: under load one run's program can outlast what the replay counted (a 0.1 s
      // spin took 0.188 s beside the parser tests, reading 583,000/s), where unscaled every run read half
      const rates = alternative.runs.map((run) => run['cache-misses/s']!).sort((x, y) => x - y);
      expectNear(rates[Math.floor(rates.length / 2)], RATES['cache-misses'], `${alternative.name}: cache-misses per second, median run`, 0.25);
      for (const event of EVENTS) expect(alternative.lowestRunningPct?.[event], `${alternative.name}: ${event}`).toBeLessThan(100);
    }
  });
});
