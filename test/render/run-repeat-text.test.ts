import { describe, expect, it } from 'vitest';
import { renderRepeatText } from '../../src/render/run-repeat-text.ts';
import type { RepeatStat } from '../../src/session/run-repeat.ts';

const stat = (values: readonly number[], unit: string): RepeatStat => {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const stddev = values.length < 2 ? 0 : Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
  return { mean, stddev, n: values.length, min: Math.min(...values), max: Math.max(...values), unit };
};

describe('run -r text', () => {
  it('one run shows no spread: its σ is not a measured 0', () => {
    const text = renderRepeatText('sleep 0.5', 1, { time: stat([0.51], 's'), 'page-faults': stat([120], '') }, { requested: 5, signal: 'SIGINT' });
    expect(text.split('\n')).toEqual([
      'sleep 0.5: 1 complete run of 5, interrupted by SIGINT (mean ± sample standard deviation)',
      '  time         0.51s  (1 run: no σ)',
      '  page-faults  120  (1 run: no σ)',
    ]);
  });

  it('a metric missing from some runs says over how many it is', () => {
    const text = renderRepeatText('prog', 3, { time: stat([0.1, 0.12, 0.11], 's'), 'cache-misses': stat([1000, 1200], '') });
    expect(text.split('\n').slice(1)).toEqual([
      '  time          0.110s ± 0.010s  (± 9.1%)',
      '  cache-misses  1,100 ± 141  (± 12.9%)  (over 2 of 3 runs)',
    ]);
  });

  it('an -e event perf could not count is named once, as run names it, before any failed runs', () => {
    const reason = 'not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU; try --backend cachegrind)';
    const text = renderRepeatText('true', 2, { time: stat([0.001, 0.0011], 's') }, {}, ['exit code 1'], [{ event: 'cycles', reason }, { event: 'instructions', reason }]);
    expect(text.split('\n').slice(2)).toEqual([`  cycles, instructions: ${reason}`, '  1 of 2 runs failed (exit code 1): the figures above include them']);
  });
});
