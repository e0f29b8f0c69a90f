import { describe, expect, it } from 'vitest';
import { countPerfEvents, EVENT_PRESETS, eventListProblem, expandEventPresets, groupMembers, splitEventList } from '../../parsers/event-list.ts';
import { parseEventList } from '../../src/cli/options.ts';

describe('-e lists', () => {
  it('never splits inside a group or a raw PMU event', () => {
    expect(splitEventList('{cache-misses,cache-references},cpu/event=0x3c,umask=0/, cycles')).toEqual([
      '{cache-misses,cache-references}', 'cpu/event=0x3c,umask=0/', 'cycles',
    ]);
    expect(splitEventList('{cycles,instructions}:S,page-faults')).toEqual(['{cycles,instructions}:S', 'page-faults']);
    expect(splitEventList(' , ')).toEqual([]);
  });

  // A QA pass: `-e 'page-faults}'` drew "unknown perf event 'page-faults'", and `-e '{page-faults,task-clock'` ran.
  it('refuses a { or } without its other half, naming how a group is written; braces inside a raw event are not a group', () => {
    expect(eventListProblem('page-faults}')).toBe("unbalanced { } in 'page-faults}': a group is written {a,b}");
    expect(eventListProblem('{page-faults,task-clock')).toBe("unbalanced { } in '{page-faults,task-clock': a group is written {a,b}");
    expect(eventListProblem('}page-faults{')).not.toBeNull();
    expect(eventListProblem('{cycles,instructions}:S,page-faults')).toBeNull();
    expect(eventListProblem('cpu/config={1},name=x/,cycles')).toBeNull();
    expect(() => parseEventList('page-faults}')).toThrow(/unbalanced \{ \}/);
  });

  it('expands presets, mixed with raw events and groups, without repeats', () => {
    expect(expandEventPresets(['ipc', 'page-faults', 'cycles'])).toEqual(['instructions', 'cycles', 'page-faults']);
    expect(expandEventPresets(['cache'])).toEqual(['cache-references', 'cache-misses', 'L1-dcache-loads', 'L1-dcache-load-misses', 'LLC-loads', 'LLC-load-misses']);
    expect(expandEventPresets(['tlb', 'branch'])).toEqual(['dTLB-loads', 'dTLB-load-misses', 'iTLB-load-misses', 'branches', 'branch-misses']);
    expect(Object.keys(EVENT_PRESETS)).toEqual(['cache', 'ipc', 'tlb', 'branch']);
    expect(parseEventList('ipc,{cache-misses,cache-references}', ['page-faults'])).toEqual([
      'page-faults', 'instructions', 'cycles', '{cache-misses,cache-references}',
    ]);
  });

  it('counts a group as its members', () => {
    expect(countPerfEvents(['{cache-misses,cache-references}', 'cycles', 'cpu/event=0x3c,umask=0/'])).toBe(4);
    expect(groupMembers('{a,b}:S')).toEqual(['a', 'b']);
    // a hybrid CPU prints each generic hardware event on cpu_core and cpu_atom
    expect(countPerfEvents(['{cache-misses,cache-references}', 'page-faults', 'cycles:u', 'cpu_core/cycles/'], 2)).toBe(8);
  });
});
