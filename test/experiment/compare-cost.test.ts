import { describe, expect, it } from 'vitest';
import { costOf, describeNoiseFloorCost, noiseFloorCostLine } from '../../src/experiment/compare-cost.ts';
import { runInterleavedUntilStopped } from '../../src/experiment/interleave.ts';

describe('what the noise floor cost', () => {
  it('splits the interleaver wall seconds into alternatives and the noise floor (last slot)', () => {
    expect(costOf([0.12, 0.1, 0.03], ['row', 'col'])).toEqual({ totalS: 0.25, alternativesS: { row: 0.12, col: 0.1 }, noiseFloorS: 0.03 });
    expect(costOf([0.2], ['only']).noiseFloorS).toBeNull();
    expect(describeNoiseFloorCost(costOf([0.12, 0.1, 0.03], ['row', 'col']))).toBe('noise floor: cost 30 ms of 250 ms (12%; an alternative\'s runs took 110 ms on average, the cheapest 100 ms)');
  });

  it('is one line under the noise floor in the summary; none for a document without a cost block', () => {
    expect(noiseFloorCostLine(costOf([0.12, 0.1, 0.03], ['row', 'col']))).toBe("  Cost: 30 ms, 12% of the runs' 250 ms");
    expect(noiseFloorCostLine(costOf([1.5, 1.25, 0.5], ['row', 'col']))).toBe("  Cost: 500 ms, 15% of the runs' 3.25 s");
    expect(noiseFloorCostLine(undefined)).toBeNull();
    expect(noiseFloorCostLine(costOf([0.2], ['only']))).toBeNull();
  });

  it('the interleaver times every run of each slot on its clock, warm-up included', async () => {
    let clockS = 0;
    const slot = (name: string, costS: number) => ({ name, run: async () => { clockS += costS; return name; } });
    const outcome = await runInterleavedUntilStopped([slot('A', 0.5), slot('floor', 0.125)], { warmup: 1, runs: 3, minTimeS: null, now: () => clockS });
    expect(outcome.results).toEqual([['A', 'A', 'A'], ['floor', 'floor', 'floor']]);
    expect(outcome.spentS).toEqual([2, 0.5]);
  });
});
