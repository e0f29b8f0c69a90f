import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareInProcess } from '../../src/session/compare-inprocess.ts';
import { timeit } from '../../src/session/timeit.ts';
import { renderInProcessCompare } from '../../src/render/compare-inprocess-text.ts';
import { renderTimeit } from '../../src/render/timeit-text.ts';

/** Stops this process for 0.4 s (SIGSTOP, then SIGCONT from a shell it waits for). */
function stopFor400Ms(): void {
  const shell = spawnSync('sh', ['-c', `kill -STOP ${process.pid}; sleep 0.4; kill -CONT ${process.pid}`]);
  expect(shell.status).toBe(0);
}

const spin = (): void => {
  const end = performance.now() + 5;
  while (performance.now() < end);
};

/**
 * A job-control stop that falls into a run of compare or timeit in a cell or the REPL: its time
 * would hold the stop. A real stop of this very process: a shell sends it SIGSTOP, sleeps and sends
 * SIGCONT, while this process waits for the shell in spawnSync (and is stopped in that wait). No
 * perf: the runs, not the counters, are what is checked.
 */
describe('compare and timeit in this process through a Ctrl-Z stop (real SIGSTOP and SIGCONT)', () => {
  it('compare leaves out the round the stop fell into and runs it again, and says so', async () => {
    let callsOfA = 0;
    const stopOnce = (): void => {
      callsOfA += 1;
      // the first measured run (call 1 sees that a is not async): a stop there was missed, its
      // SIGCONT's listener not yet given a turn of the event loop (a QA pass)
      if (callsOfA === 2) stopFor400Ms();
    };
    const result = await compareInProcess({ a: () => { stopOnce(); spin(); }, b: spin }, { runs: 3, warmup: 0, loops: 1, perf: false });
    // once to see it is not async, 3 rounds, and the round the stop fell into again
    expect(callsOfA).toBe(5);
    for (const alternative of result.runs) {
      expect(alternative.runs).toHaveLength(3);
      // each run took its 5 ms, none the 400 ms stop
      for (const run of alternative.runs) expect(run['durationS']).toBeLessThan(0.2);
    }
    expect(result.roundsRerun).toBe(1);
    expect(result.warnings).toContain('a measured round held a job-control stop (Ctrl-Z): its runs were left out, and the round ran again');
    // what the REPL and a cell print for it
    expect(renderInProcessCompare(result)).toMatch(/\nwarning: a measured round held a job-control stop \(Ctrl-Z\): its runs were left out, and the round ran again$/);
  });

  it('timeit leaves out the run the stop fell into and runs it again, and says so', async () => {
    let calls = 0;
    // call 1 is timeit's check that fn is synchronous; calls 2-4 are the runs (loops: 1), the stop in the second
    const result = await timeit(() => {
      calls += 1;
      if (calls === 3) stopFor400Ms();
      spin();
    }, { runs: 3, warmup: 0, loops: 1, perf: false });
    expect(calls).toBe(5);
    expect(result.batchPerCallS).toHaveLength(3);
    for (const seconds of result.batchPerCallS) expect(seconds).toBeLessThan(0.2);
    expect(result.runsRerun).toBe(1);
    expect(result.warnings).toContain('a run held a job-control stop (Ctrl-Z): left out of the statistics, and run again');
    expect(renderTimeit(result)).toMatch(/\nwarning: a run held a job-control stop \(Ctrl-Z\): left out of the statistics, and run again$/);
  });
});
