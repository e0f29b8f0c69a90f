import { describe, expect, it } from 'vitest';
import { canSlotEvents, createEventSlots } from '../../src/perf/event-slots.ts';

// Pure: the names one perf gives each slot's copy of the events, and how its rows, markers and
// commands map back. That perf 6.1 takes them so is tested with real perf in
// test/session/program-server.test.ts (compare's served runs) and test/cli/compare-slotted.test.ts.

describe('event slots', () => {
  it("names each slot's copy of the events apart, in perf's -e form, a slot's adjacent software events one group", () => {
    expect(createEventSlots(['page-faults', 'context-switches'], 2).perfEvents).toEqual([
      '{page-faults/name=pcA0/,context-switches/name=pcA1/}', '{page-faults/name=pcB0/,context-switches/name=pcB1/}',
    ]);
    expect(createEventSlots(['cache-misses', 'cycles', 'page-faults', 'context-switches'], 2).perfEvents).toEqual([
      'cache-misses/name=pcA0/', 'cycles/name=pcA1/', '{page-faults/name=pcA2/,context-switches/name=pcA3/}',
      'cache-misses/name=pcB0/', 'cycles/name=pcB1/', '{page-faults/name=pcB2/,context-switches/name=pcB3/}',
    ]);
    // no groups (PERFCELL_SOFTWARE_GROUPS=0): every event on its own
    expect(createEventSlots(['page-faults', 'context-switches'], 2, []).perfEvents).toEqual([
      'page-faults/name=pcA0/', 'context-switches/name=pcA1/', 'page-faults/name=pcB0/', 'context-switches/name=pcB1/',
    ]);
  });

  it("maps a row back to its slot and the event's own name, keeping what perf added (:u)", () => {
    const named = createEventSlots(['page-faults', 'cache-misses'], 2);
    expect(named.rowOf('pcA0')).toEqual({ slot: 0, index: 0, event: 'page-faults' });
    expect(named.rowOf('pcB1:u')).toEqual({ slot: 1, index: 1, event: 'cache-misses:u' });
    // not a slot's: another name, a slot or an index out of range
    for (const printed of ['page-faults', 'pcC0', 'pcA2', 'xpcA0']) expect(named.rowOf(printed), printed).toBeNull();
  });

  it('switches a slot by the names perf printed: pcA0:u once perf renamed it so', () => {
    const named = createEventSlots(['page-faults', 'context-switches'], 2, []);
    expect(named.commands(1, 'enable')).toEqual(['enable pcB0', 'enable pcB1']);
    named.rowOf('pcB0:u');
    named.rowOf('pcB1:u');
    expect(named.commands(1, 'disable')).toEqual(['disable pcB0:u', 'disable pcB1:u']);
    expect(named.commands(0, 'enable')).toEqual(['enable pcA0', 'enable pcA1']);
  });

  it("switches a group by its leader alone, and each event outside a group by its own name", () => {
    const grouped = createEventSlots(['page-faults', 'context-switches'], 2);
    expect(grouped.commands(1, 'enable')).toEqual(['enable pcB0']);
    grouped.rowOf('pcB0:u');
    expect(grouped.commands(1, 'disable')).toEqual(['disable pcB0:u']);
    const mixed = createEventSlots(['cache-misses', 'page-faults', 'context-switches', 'cycles'], 2);
    expect(mixed.commands(0, 'disable')).toEqual(['disable pcA0', 'disable pcA1', 'disable pcA3']);
  });

  it("reads perf's markers: a slot's window opens with its first event switched and closes with its last", () => {
    const named = createEventSlots(['page-faults', 'context-switches', 'task-clock'], 2, []);
    expect(named.markerOf('Event pcB0 enabled')).toEqual({ slot: 1, index: 0, enabled: true, first: true, last: false });
    expect(named.markerOf('Event pcA2:u disabled')).toEqual({ slot: 0, index: 2, enabled: false, first: false, last: true });
    // one group: its leader's marker opens and closes the slot
    const grouped = createEventSlots(['page-faults', 'context-switches', 'task-clock'], 2);
    expect(grouped.markerOf('Event pcB0 disabled')).toEqual({ slot: 1, index: 0, enabled: false, first: true, last: true });
    const mixed = createEventSlots(['page-faults', 'context-switches', 'cycles'], 2);
    expect(mixed.markerOf('Event pcA0 enabled')).toMatchObject({ first: true, last: false });
    expect(mixed.markerOf('Event pcA2 disabled')).toMatchObject({ first: false, last: true });
    for (const line of ['Events enabled', 'Events disabled', "failed: can't find 'pcA0' event", 'Event page-faults enabled']) expect(named.markerOf(line), line).toBeNull();
  });

  it('slots only events perf renames one to one: legacy software events anywhere, hardware ones with the classic cpu PMU', () => {
    expect(canSlotEvents(['page-faults', 'context-switches', 'task-clock'], false)).toBe(true);
    expect(canSlotEvents(['cache-misses', 'cycles', 'L1-dcache-load-misses', 'LLC-loads', 'page-faults'], true)).toBe(true);
    // a hybrid CPU (no `cpu` PMU) splits a hardware event per PMU
    expect(canSlotEvents(['cache-misses', 'page-faults'], false)).toBe(false);
    // modifiers, PMU events, tracepoints, raw codes, groups
    for (const event of ['page-faults:u', 'cpu/cycles/', 'sched:sched_switch', 'r01c2', '{cycles,instructions}', 'mem_load_retired.l3_miss']) {
      expect(canSlotEvents(['page-faults', event], true), event).toBe(false);
    }
    expect(canSlotEvents([], true)).toBe(false);
  });

  it('holds 1 to 26 slots', () => {
    expect(() => createEventSlots(['page-faults'], 0)).toThrow(RangeError);
    expect(() => createEventSlots(['page-faults'], 27)).toThrow(RangeError);
    expect(createEventSlots(['page-faults'], 26).rowOf('pcZ0')).toEqual({ slot: 25, index: 0, event: 'page-faults' });
  });
});
