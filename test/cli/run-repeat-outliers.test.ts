import { describe, expect, it } from 'vitest';
import { timeOutliers } from '../../src/cli/run-repeat-output.ts';
import type { CommandReport } from '../../src/session/report.ts';

// timeOutliers reads each run's time only
const runsOf = (...times: number[]): CommandReport[] => times.map((durationS) => ({ durationS }) as CommandReport);

describe('run -r outlier warning', () => {
  it('names each outlying run when there are few', () => {
    const times = Array.from({ length: 20 }, (_, index) => 0.01 + (index % 3) * 0.0001);
    times[4] = 0.5;
    times[11] = 0.3;
    expect(timeOutliers(runsOf(...times))).toMatch(/^statistical outliers in the time: run 5 of 20 \(0\.50s\), run 12 of 20 \(0\.30s\), against a median of 0\.010s: /);
  });

  // A QA pass: on a busy machine 62 of 2000 runs of true were stretched, and the warning named every
  // one, a line of 1,838 characters that grows with -r
  it('names the five farthest from the median, in run order, and counts the rest, whatever -r', () => {
    const times = Array.from({ length: 2000 }, (_, index) => 0.001 + (index % 7) * 0.00001);
    for (let index = 10; index < 2000; index += 30) times[index] = 0.1 + index / 1e5;
    times[500] = 0.9;
    const warning = timeOutliers(runsOf(...times)) ?? '';
    expect(warning).toMatch(
      /^statistical outliers in the time: run 501 of 2000 \(0\.90s\), run 1901 of 2000 \(0\.12s\), run 1931 of 2000 \(0\.12s\), run 1961 of 2000 \(0\.12s\), run 1991 of 2000 \(0\.12s\) and 63 more, against a median of 0\.001s: /,
    );
    expect(warning.length).toBeLessThan(400);
  });

  // A QA pass: three runs of sleep 0.2 agreeing to 34 µs, one 30 µs from the median: its modified
  // z-score was 39 against a MAD of 0.5 µs, and the warning said something else had interfered
  it('names no run whose time lies under 1% from the median, however tight the rest', () => {
    expect(timeOutliers(runsOf(0.20003, 0.200001, 0.2000005))).toBeNull();
    expect(timeOutliers(runsOf(0.203, 0.2000001, 0.2000005))).toMatch(/^statistical outliers in the time: run 1 of 3 \(0\.203s\), against a median of 0\.200s: /);
  });

  // A QA pass: `run -r 3 -- sleep 0.2` on a busy machine warned "run 2 of 3 (0.20s), against a
  // median of 0.20s", a run named as far from the median and printed as the median
  it('writes a named run and the median to the decimals that tell them apart', () => {
    expect(timeOutliers(runsOf(0.2, 0.2042, 0.2001))).toMatch(/^statistical outliers in the time: run 2 of 3 \(0\.204s\), against a median of 0\.200s: /);
    // 1.1% and 2% above a median of 10 ms, each "0.010s" to the reports' three decimals
    expect(timeOutliers(runsOf(0.01011, 0.01, 0.0102, 0.010005, 0.009995, 0.01, 0.010005, 0.009995, 0.01))).toMatch(
      /^statistical outliers in the time: run 1 of 9 \(0\.0101s\), run 3 of 9 \(0\.0102s\), against a median of 0\.0100s: /,
    );
  });
});
