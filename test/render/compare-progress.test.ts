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
