import { describe, expect, it } from 'vitest';
import { estimateRemainingS, formatEta, renderProgressBar } from '../../src/render/progress-bar.ts';

const estimate = { elapsedS: 4, runsDone: 4, slots: 3, means: [{ name: 'row', meanS: 0.0121 }, { name: 'col', meanS: 0.0279 }] };

describe('progress line', () => {
  it('estimates the time left at the pace so far', () => {
    // 10 rounds × 3 slots = 30 runs; 4 done in 4 s → 26 s left.
    expect(estimateRemainingS({ rounds: 10 }, estimate)).toBe(26);
    expect(estimateRemainingS({ rounds: 10 }, { ...estimate, elapsedS: null })).toBeNull();
    expect(formatEta(26)).toBe('0:26');
    expect(formatEta(3723)).toBe('1:02:03');
  });

  it('counts each slot at its own mean, and a slot with no finished run at what its run in progress has taken (not as the pace of every run)', () => {
    // 'sleep 0.2' vs 'sleep 3' and the noise floor, 3 rounds, 10 ms between runs: 'sleep 0.2' has
    // run once, 'sleep 3' has run 2 s of its first; 7.48 s are truly left (1 + 2 × 3 + 2 × 0.2 +
    // 3 × 0.001 + 8 × 0.01); a slot's later runs can only be guessed from what has run
    const duringSlow = {
      elapsedS: 0.2 + 0.01 + 2,
      runsDone: 1,
      slots: 3,
      means: [],
      slotRuns: [{ done: 1, totalS: 0.2 }, { done: 0, totalS: 0 }, { done: 0, totalS: 0, runsNothing: true }],
      running: { slot: 1, elapsedS: 2 },
    };
    // 'sleep 0.2' twice more (0.4), 'sleep 3' three times at 2 s at least less its 2 s done (4),
    // the noise floor at 0 until it has run, and 8 hand-overs of 10 ms: 4.48 s
    expect(estimateRemainingS({ rounds: 3 }, duringSlow)).toBeCloseTo(4.48, 6);
    // an alternative that has not run yet goes at the others' mean: a third, 'sleep 0.2' alike, 3 × 0.2 more
    const third = { ...duringSlow, slots: 4, slotRuns: [duringSlow.slotRuns[0]!, duringSlow.slotRuns[1]!, { done: 0, totalS: 0 }, duringSlow.slotRuns[2]!] };
    expect(estimateRemainingS({ rounds: 3 }, third)).toBeCloseTo(4.48 + 0.6 + 3 * 0.01, 6);
    // at the pace of all runs (elapsed ÷ runs done) it read 17.7 s, and climbed as the run went on
    const { slotRuns: _slotRuns, running: _running, ...paceOnly } = duringSlow;
    expect(estimateRemainingS({ rounds: 3 }, paceOnly)).toBeCloseTo(17.68, 6);
    // once every slot has a finished run the two agree: round 1 done, 3.231 s in
    const afterRound = { elapsedS: 3.231, runsDone: 3, slots: 3, means: [], slotRuns: [{ done: 1, totalS: 0.2 }, { done: 1, totalS: 3 }, { done: 1, totalS: 0.001, runsNothing: true }], running: null };
    expect(estimateRemainingS({ rounds: 3 }, afterRound)).toBeCloseTo(2 * 3.231, 6);
  });

  it('shows the bar, the slot, the ETA and the current estimate of each alternative, fitted to the width', () => {
    const progress = { phase: 'measure', round: 3, rounds: 10, slot: 'noise floor' } as const;
    expect(renderProgressBar(progress, estimate, 120)).toMatchInlineSnapshot(`"[████░░░░░░░░░░░░░░░░] 3/10  noise floor  ETA 0:26  row 12.1 ms, col 27.9 ms"`);
    expect(renderProgressBar(progress, estimate, 60)).toMatchInlineSnapshot(`"[████░░░░░░░░░░░░░░░░] 3/10  noise floor  ETA 0:26"`);
    expect(renderProgressBar(progress, estimate, 30)).toMatchInlineSnapshot(`"[██░░░░░░░░] 3/10  ETA 0:26"`);
    for (const width of [20, 30, 45, 60, 80]) expect([...renderProgressBar(progress, estimate, width)].length).toBeLessThanOrEqual(width);
    expect(renderProgressBar({ phase: 'warmup', round: 1, rounds: 1, slot: 'row' })).toBe('warm-up 1/1  row');
  });

  it("keeps a long run's elapsed time and RSS where its counters' rates do not fit (an 80-column terminal showed none of it)", () => {
    const live = 'run 1.2s  RSS 3.1 MiB  page-faults 730/s  context-switches 10/s';
    const running = { phase: 'measure', round: 1, rounds: 1, slot: 'sleep 2.5' } as const;
    expect(renderProgressBar(running, undefined, 79, live)).toBe('[░░░░░░░░░░░░░░░░░░░░] 1/1  sleep 2.5  run 1.2s  RSS 3.1 MiB  page-faults 730/s');
    expect(renderProgressBar(running, undefined, 55, live)).toBe('[░░░░░░░░░░] 1/1  sleep 2.5  run 1.2s  RSS 3.1 MiB');
    expect(renderProgressBar(running, undefined, 120, live)).toBe(`[░░░░░░░░░░░░░░░░░░░░] 1/1  sleep 2.5  ${live}`);
    expect(renderProgressBar({ phase: 'warmup', round: 1, rounds: 2, slot: 'sleep 2.5' }, undefined, 60, live)).toBe('warm-up 1/2  sleep 2.5  run 1.2s  RSS 3.1 MiB');
  });
});
