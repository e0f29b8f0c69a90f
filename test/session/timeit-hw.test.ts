import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { timeit } from '../../src/session/timeit.ts';
import { renderTimeit } from '../../src/render/timeit-text.ts';
import { buildReplayPerf, replayPerfPath, scenarioText } from '../support/replay-perf/replay-perf.ts';

// This VM has no hardware PMU, so per-call instructions and cache-misses come from the replaying
// perf (test/support/replay-perf): it speaks perf's control protocol and prints hardware rows at
// the scenario's rates for exactly the time it was enabled. What is tested is timeit's part:
// counts per batch divided by the calls in it.
const INSTRUCTIONS_PER_S = 3e9;
const CACHE_MISSES_PER_S = 2e6;

describe('timeit gives hardware counters per call where perf counts them (replaying perf)', () => {
  beforeAll(() => buildReplayPerf(), 120_000);
  afterEach(() => {
    delete process.env['PERFCELL_REPLAY_SCENARIO'];
  });

  it('instructions/call and cache-misses/call are the batch counts over the calls; <not supported> events are named', { timeout: 60_000 }, async () => {
    process.env['PERFCELL_REPLAY_SCENARIO'] = scenarioText({ events: { instructions: INSTRUCTIONS_PER_S, 'cache-misses': CACHE_MISSES_PER_S, cycles: '<not supported>' } });
    const values = Float64Array.from({ length: 1024 }, (_, index) => index);
    let at = 0;
    const result = await timeit(() => Math.sqrt(values[(at = (at + 1) & 1023)]!), {
      runs: 3,
      minTime: 0.05,
      warmup: 0,
      perfPath: replayPerfPath,
      events: ['instructions', 'cache-misses', 'cycles'],
    });
    const perCall = (event: string): number => result.counters.find((counter) => counter.event === event)?.perCall ?? Number.NaN;
    const meanS = result.perCallS.mean ?? 0;
    // The replay's counts follow its own clock over the enabled span; ours is the loop's: near, not equal.
    expect(perCall('instructions') / (INSTRUCTIONS_PER_S * meanS)).toBeGreaterThan(0.5);
    expect(perCall('instructions') / (INSTRUCTIONS_PER_S * meanS)).toBeLessThan(2);
    expect(perCall('cache-misses') / (CACHE_MISSES_PER_S * meanS)).toBeGreaterThan(0.5);
    expect(perCall('cache-misses') / (CACHE_MISSES_PER_S * meanS)).toBeLessThan(2);
    expect(result.unsupported).toEqual(['cycles']);
    expect(renderTimeit(result)).toMatch(/\ninstructions [\d.e+-]+\/call {3}cache-misses [\d.e+-]+\/call {3}cycles <not supported>/);
  });
});
