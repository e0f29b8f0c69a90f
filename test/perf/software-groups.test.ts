import { describe, expect, it } from 'vitest';
import { softwareGroupsOf, softwareGroupsWanted, switchedIndices, withSoftwareGroups } from '../../src/perf/software-groups.ts';
import { perfArguments } from '../../src/perf/controller.ts';

// Pure: which events perf is asked for as one group. That real perf counts a group as it counts the
// events alone is tested in test/perf/software-groups-perf.test.ts.

describe('software groups', () => {
  it('groups each run of two or more adjacent software events, and nothing else', () => {
    expect(softwareGroupsOf(['page-faults', 'context-switches'], true)).toEqual([{ first: 0, count: 2 }]);
    expect(softwareGroupsOf(['cache-misses', 'task-clock', 'page-faults', 'cycles', 'minor-faults', 'major-faults', 'cs'], true)).toEqual([
      { first: 1, count: 2 },
      { first: 4, count: 3 },
    ]);
    // one software event, hardware events side by side, software events apart, modifiers, groups asked for
    for (const events of [['page-faults'], ['cycles', 'instructions'], ['page-faults', 'cycles', 'context-switches'], ['page-faults:u', 'context-switches'], ['{page-faults,cs}', 'task-clock'], []]) {
      expect(softwareGroupsOf(events, true), events.join(',')).toEqual([]);
    }
    expect(softwareGroupsOf(['page-faults', 'context-switches'], false)).toEqual([]);
  });

  it("writes perf's -e items, keeping the order asked for", () => {
    expect(withSoftwareGroups(['cycles', 'page-faults', 'context-switches', 'instructions'])).toEqual(['cycles', '{page-faults,context-switches}', 'instructions']);
    expect(withSoftwareGroups(['page-faults', 'cs'], (event, index) => `${event}/name=x${index}/`)).toEqual(['{page-faults/name=x0/,cs/name=x1/}']);
    expect(withSoftwareGroups(['page-faults', 'cs'], undefined, [])).toEqual(['page-faults', 'cs']);
  });

  it('switches a group by its leader: the indices perf is sent commands for', () => {
    expect(switchedIndices(4, [{ first: 1, count: 2 }])).toEqual([0, 1, 3]);
    expect(switchedIndices(3, [])).toEqual([0, 1, 2]);
  });

  it('is turned off by PERFCELL_SOFTWARE_GROUPS=0', () => {
    expect(softwareGroupsWanted({})).toBe(true);
    expect(softwareGroupsWanted({ PERFCELL_SOFTWARE_GROUPS: '0' })).toBe(false);
  });

  it("is how perfcell's perf is started", () => {
    const args = perfArguments(42, { events: ['cache-misses', 'page-faults', 'context-switches'], intervalMs: 100 });
    expect(args[args.indexOf('-e') + 1]).toBe(softwareGroupsWanted() ? 'cache-misses,{page-faults,context-switches}' : 'cache-misses,page-faults,context-switches');
  });
});
