import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CompareDocument } from '../../src/experiment/compare-document.ts';
import { cliPath } from '../support/fixtures.ts';

const perfcell = (args: readonly string[]) => execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });

// hyperfine's -m/--min-runs and --max-runs (its -M, which is perf's metric groups in perfcell), with real programs.
describe('perfcell compare --min-runs and --max-runs', () => {
  it('runs at least --min-runs, and more until --min-time has passed', async () => {
    const result = await perfcell(['compare', '--no-perf', '--json', '-w', '0', '-m', '2', '--min-time', '0.4', '--', 'sleep 0.05']);
    expect(result.exitCode, result.stderr).toBe(0);
    const { settings, alternatives } = JSON.parse(result.stdout) as CompareDocument;
    // a round (the command and the noise floor) takes over 50 ms: 0.4 s needs more than 2
    expect(settings.rounds).toBeGreaterThan(2);
    expect(settings.rounds).toBeLessThan(9);
    expect(alternatives[0]?.runs).toHaveLength(settings.rounds);
    expect(settings.minTimeS).toBe(0.4);
  });

  it('stops at --max-runs before its 3 s (hyperfine\'s least time) have passed, and says so in the document', async () => {
    const startMs = Date.now();
    const result = await perfcell(['compare', '--no-perf', '--json', '-w', '0', '--max-runs', '3', '--', 'true']);
    expect(result.exitCode, result.stderr).toBe(0);
    const { settings } = JSON.parse(result.stdout) as CompareDocument;
    expect([settings.rounds, settings.minTimeS, settings.maxRuns]).toEqual([3, 3, 3]);
    expect(Date.now() - startMs).toBeLessThan(3_000);
  });

  it("refuses --runs beside a range, a range upside down, and a count given to -M, naming hyperfine's flag", async () => {
    const cases: Array<[readonly string[], string]> = [
      [['-r', '5', '-m', '3', '--', 'true'], 'error: --runs is an exact count: give it alone, or a range with --min-runs (as hyperfine, which refuses both)'],
      [['-m', '5', '--max-runs', '3', '--', 'true'], 'error: --min-runs 5 is above --max-runs 3 (give a range with the least first)'],
      [['-M', '50', '--', 'true'], "error: option '-M, --metrics <list>' argument '50' is invalid. -M is perf's metric groups here (e.g. -M TopdownL1); for hyperfine's -M 50, write --max-runs 50"],
      [['--max-runs', '0', '--', 'true'], "error: option '--max-runs <n>' argument '0' is invalid. give a whole number ≥ 1, e.g. --max-runs 100"],
    ];
    for (const [args, message] of cases) {
      const result = await perfcell(['compare', '--no-perf', ...args]);
      expect([result.exitCode, result.stderr.trim()], args.join(' ')).toEqual([2, message]);
    }
  });
});
