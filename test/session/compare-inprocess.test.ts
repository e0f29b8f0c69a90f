import { describe, expect, it } from 'vitest';
import { compareInProcess, runValuesOfBatch } from '../../src/session/compare-inprocess.ts';
import { noCounters } from '../../src/session/counters.ts';
import { noGc } from '../../src/session/gc.ts';
import { perfUsable } from '../support/perf.ts';

function batchCounting(durationS: number, pageFaults: number) {
  return {
    durationS,
    gc: noGc(),
    counters: {
      ...noCounters(),
      backend: 'perf' as const,
      events: [{ event: 'page-faults', unit: '', status: 'counted' as const, total: pageFaults, perSecond: null, countedSeconds: null, samples: [], min: null, max: null, lowestRunningPct: null }],
    },
  };
}

describe('in-process compare, per call', () => {
  it("takes the empty batch's counts off a batch's before dividing by its calls; time is per call as measured", () => {
    // 2,000 calls whose batch counted 10 page-faults where an empty batch of the same round counted 8
    const values = runValuesOfBatch(batchCounting(0.02, 10), 2000, batchCounting(0.000001, 8));
    expect(values['page-faults']).toBeCloseTo(2 / 2000, 12);
    expect(values['page-faults/s']).toBeCloseTo(2 / 0.02, 9);
    expect(values['durationS']).toBeCloseTo(0.02 / 2000, 15);
    // no empty batch (perf off, or the round's failed): the counts as they are
    expect(runValuesOfBatch(batchCounting(0.02, 10), 2000)['page-faults']).toBeCloseTo(10 / 2000, 12);
  });

  // A QA pass: `loops: 1` of () => 1 made batches of 2.4 µs, whose rates read 3.5M page-faults/s
  // and 1.2M context-switches/s, where compare and the reports leave out a rate under 1 ms
  it('gives no rate for a batch under a millisecond, as compare and the reports give none; its count per call stays', () => {
    const short = runValuesOfBatch(batchCounting(0.0000024, 3), 1);
    expect(short['page-faults']).toBe(3);
    expect(Object.keys(short)).not.toContain('page-faults/s');
    expect(runValuesOfBatch(batchCounting(0.001, 3), 1)['page-faults/s']).toBeCloseTo(3000, 9);
  });

  describe.runIf(perfUsable)('with real perf (software events)', () => {
    // Neither touches memory; slow takes ~500× as long per call, so calibration gives it ~500× fewer calls a run.
    const fast = (): number => {
      let sum = 0;
      for (let index = 0; index < 10; index++) sum += index;
      return sum;
    };
    const slow = (): number => {
      let sum = 0;
      for (let index = 0; index < 2000; index++) sum += (index * index) % 7;
      return sum;
    };

    it('finds no page-faults per call in a slow function that touches no memory, against a fast one run at many more calls a run', { timeout: 60_000 }, async () => {
      // With no true difference a 5% test still calls one in about 20 tries (p = 0.012 once, in the
      // whole suite beside a QA pass's programs): a second try is taken then, where the window's own
      // counts had read p < 0.001 at every try
      let result = await compareInProcess({ fast, slow }, { runs: 10, events: ['page-faults'] });
      const meaningful = (compared: typeof result): boolean | undefined => compared.metrics.find((metric) => metric.metric.key === 'page-faults')?.comparisons[0]?.isMeaningful;
      if (meaningful(result) === true) result = await compareInProcess({ fast, slow }, { runs: 10, events: ['page-faults'] });
      const [fastLoops, slowLoops] = result.alternatives.map((alternative) => alternative.loops);
      // ~500× on a quiet machine; 20× once with the two vCPUs loaded 7-fold (a calibration batch of
      // fast's stretched): still calls enough apart for the window's own counts to read as a difference
      expect(fastLoops! / slowLoops!).toBeGreaterThanOrEqual(10);
      const faults = result.metrics.find((metric) => metric.metric.key === 'page-faults')?.comparisons[0];
      // the window's own 2-20 page-faults a batch, spread over 500× fewer calls, read as "slow has
      // 416× (97.5% CI 239–726) more page-faults; p < 0.001" at every try; with the empty batch's
      // counts taken off, p stayed 0.13-0.99 in 15 tries (Welch on these counts is conservative)
      expect(faults?.isMeaningful, faults?.verdict).toBe(false);
      expect(faults?.welch?.pValue ?? 0, faults?.verdict).toBeGreaterThan(0.001);
    });

    it('keeps no rate from batches of a few µs (loops: 1)', { timeout: 60_000 }, async () => {
      const result = await compareInProcess({ one: () => 1, two: () => 2 }, { runs: 3, loops: 1, events: ['page-faults', 'context-switches'] });
      expect(result.runs.flatMap((alternative) => alternative.runs.map((run) => run['durationS']! < 0.001))).not.toContain(false);
      expect(result.metrics.map((metric) => metric.metric.key)).toContain('page-faults');
      expect(result.metrics.filter((metric) => metric.metric.role === 'rate').map((metric) => metric.metric.key)).toEqual([]);
    });

    it('finds 2× the page-faults per call in a function that touches twice the fresh pages, one a page', { timeout: 60_000 }, async () => {
      // Over 32 MiB, glibc's largest mmap threshold: each array is fresh mmap'd memory, faulted in
      // page by page as fill() writes it. Smaller ones came from memory malloc had kept, so that the
      // 2 MiB array read 1.55× fewer page-faults a call than the 1 MiB one in a run of this test.
      const pages = 9000;
      const result = await compareInProcess(
        { [`${pages} pages`]: () => new Uint8Array(4096 * pages).fill(1), [`${2 * pages} pages`]: () => new Uint8Array(4096 * 2 * pages).fill(1) },
        { runs: 10, events: ['page-faults'] },
      );
      const faults = result.metrics.find((metric) => metric.metric.key === 'page-faults');
      const [fewer, more] = faults?.summaries.map((entry) => entry.summary.mean ?? 0) ?? [];
      // the window's own page-faults taken off: 8,992-9,012 and 18,096-18,129 a call in four runs
      expect(fewer).toBeGreaterThan(pages * 0.97);
      expect(fewer).toBeLessThan(pages * 1.03);
      expect(more).toBeGreaterThan(2 * pages * 0.97);
      expect(more).toBeLessThan(2 * pages * 1.03);
      const comparison = faults?.comparisons[0];
      expect(comparison?.isMeaningful, comparison?.verdict).toBe(true);
      expect(comparison?.verdict).toMatch(/^18000 pages has (?:1\.9|2\.0)\d*× .*more page-faults; p < 0\.001$/);
    });
  });
});
