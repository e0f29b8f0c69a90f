import { describe, expect, it } from 'vitest';
import { HYPERFINE_MIN_TIME_S, runSchedule } from '../../src/cli/run-schedule.ts';

describe("compare's rounds: --runs, --min-time, and hyperfine's --min-runs and --max-runs", () => {
  it('takes --runs exactly, or at least with --min-time; the default without either', () => {
    expect(runSchedule({}, 10)).toEqual({ runs: 10, minTimeS: null, maxRuns: null });
    expect(runSchedule({ runs: 20 }, 10)).toEqual({ runs: 20, minTimeS: null, maxRuns: null });
    expect(runSchedule({ runs: 20, minTime: 5 }, 10)).toEqual({ runs: 20, minTimeS: 5, maxRuns: null });
  });

  it("runs a range as hyperfine does: until 3 s (or --min-time) within it, the default minimum lowered to a smaller maximum", () => {
    expect(HYPERFINE_MIN_TIME_S).toBe(3);
    expect(runSchedule({ minRuns: 5 }, 10)).toEqual({ runs: 5, minTimeS: 3, maxRuns: null });
    expect(runSchedule({ maxRuns: 50 }, 10)).toEqual({ runs: 10, minTimeS: 3, maxRuns: 50 });
    expect(runSchedule({ maxRuns: 4 }, 10)).toEqual({ runs: 4, minTimeS: 3, maxRuns: 4 });
    expect(runSchedule({ minRuns: 2, maxRuns: 8, minTime: 0.5 }, 10)).toEqual({ runs: 2, minTimeS: 0.5, maxRuns: 8 });
    expect(runSchedule({ minRuns: 3, maxRuns: 3 }, 10)).toEqual({ runs: 3, minTimeS: 3, maxRuns: 3 });
  });

  it('refuses --runs beside a range, and a range whose least is above its most', () => {
    expect(runSchedule({ runs: 5, minRuns: 3 }, 10)).toEqual({ problem: '--runs is an exact count: give it alone, or a range with --min-runs (as hyperfine, which refuses both)' });
    expect(runSchedule({ runs: 5, maxRuns: 30 }, 10)).toEqual({ problem: '--runs is an exact count: give it alone, or a range with --max-runs (as hyperfine, which refuses both)' });
    expect(runSchedule({ minRuns: 5, maxRuns: 3 }, 10)).toEqual({ problem: '--min-runs 5 is above --max-runs 3 (give a range with the least first)' });
  });
});
