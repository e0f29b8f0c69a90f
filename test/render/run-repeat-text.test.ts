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

  // A QA pass: `run -r 3 -- sleep 0.05` printed `0.050970s ± 0.000015s  (± 0.0%)`, a σ it showed as a share of none
  it('gives a σ under 0.05% of the mean two significant digits of its share, not 0.0%; a σ of 0 stays 0.0%', () => {
    const text = renderRepeatText('sleep 0.05', 3, { time: stat([0.050955, 0.05097, 0.050985], 's'), 'context-switches': stat([1, 1, 1], '') });
    expect(text.split('\n').slice(1)).toEqual(['  time              0.050970s ± 0.000015s  (± 0.029%)', '  context-switches  1 ± 0  (± 0.0%)']);
  });

  it('writes a share too small for toPrecision\'s plain digits in decimals, not 5.0e-7%', () => {
    // run -r 3 --backend cachegrind of a 200M-iteration loop: 'I refs  1,200,128,092 ± 6  (± 5.0e-7%)'
    const text = renderRepeatText('./busy', 3, { 'I refs': stat([1_200_128_086, 1_200_128_092, 1_200_128_098], ''), time: stat([0.049995, 0.05, 0.050005], 's') });
    expect(text.split('\n').slice(1)).toEqual(['  I refs  1,200,128,092 ± 6  (± 0.00000050%)', '  time    0.050000s ± 0.000005s  (± 0.010%)']);
  });

  it('an -e event perf could not count is named once, as run names it, before any failed runs', () => {
    const reason = 'not supported on this machine (no hardware PMU exposed: a VM or a locked-down CPU; try --backend cachegrind)';
    const text = renderRepeatText('true', 2, { time: stat([0.001, 0.0011], 's') }, {}, ['exit code 1'], [{ event: 'cycles', reason }, { event: 'instructions', reason }]);
    expect(text.split('\n').slice(2)).toEqual([`  cycles, instructions: ${reason}`, '  1 of 2 runs failed (exit code 1): the figures above include them']);
  });

  it('a counter\'s line says its hybrid split and its scaling as run\'s event line does; an idle PMU reads "cpu_core only"; a full-time count says neither', () => {
    const pmu = (name: string, share: number | null): NonNullable<RepeatStat['pmus']>[number] => share === null
      ? { pmu: name, event: `${name}/cycles/`, status: 'not counted', n: 0, mean: null, stddev: null, min: null, max: null, share: null }
      : { pmu: name, event: `${name}/cycles/`, status: 'counted', n: 2, mean: share * 1.5e6, stddev: 0, min: 0, max: 0, share };
    const text = renderRepeatText('prog', 3, {
      cycles: { ...stat([1e6, 2e6], ''), lowestRunningPct: 49, pmus: [pmu('cpu_core', 37 / 49), pmu('cpu_atom', 12 / 49)] },
      instructions: { ...stat([2e6, 2e6, 2e6], ''), lowestRunningPct: 100, pmus: [pmu('cpu_core', 1), pmu('cpu_atom', null)] },
      'page-faults': { ...stat([120, 122, 124], ''), lowestRunningPct: 100 },
    });
    expect(text.split('\n').slice(1)).toEqual([
      '  cycles        1,500,000 ± 707,107  (± 47.1%)  (over 2 of 3 runs)  (cpu_core 76%, cpu_atom 24%; scaled from 49% of the time)',
      '  instructions  2,000,000 ± 0  (± 0.0%)  (cpu_core only)',
      '  page-faults   122 ± 2  (± 1.6%)',
    ]);
  });
  it('ends its counters with the ratios of their means, as run ends its events with the derived line, each PMU\'s after it', () => {
    const counters = { time: stat([0.1, 0.1], 's'), cycles: stat([1e6, 1e6], ''), instructions: stat([2e6, 2e6], '') };
    const text = renderRepeatText('prog', 2, counters, {}, [], [{ event: 'cache-misses', reason: 'not supported' }], {
      missRatio: null, ipc: 2, missesPerKiloInstruction: null, byPmu: { cpu_core: { missRatio: null, ipc: 2.4, missesPerKiloInstruction: null }, cpu_atom: { missRatio: null, ipc: 0.8, missesPerKiloInstruction: null } },
    });
    expect(text.split('\n').slice(4)).toEqual(['  ratios of the means: IPC 2.00  (cpu_core: IPC 2.40; cpu_atom: IPC 0.80)', '  cache-misses: not supported']);
    // none known (software events only): no line
    expect(renderRepeatText('prog', 2, counters, {}, [], [], { missRatio: null, ipc: null, missesPerKiloInstruction: null })).not.toContain('ratios');
  });
});
