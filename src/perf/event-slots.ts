/**
 * One perf holding several windows' counters at once: each slot has its own copy of the events,
 * named apart (`page-faults/name=pcA0/`), and perf (5.12 and later) switches events on and off by
 * name on its control fd (`enable pcA0`, acknowledged like a plain `enable`, marked `Event pcA0
 * enabled` in its output; an older perf is found out once, ticking-perf.ts). Slot A may then wait
 * for its last tick while slot B counts the next window: what two perfs did, at one perf's start-up.
 *
 * Only events whose `/name=…/` form perf 6.1 accepts and prints as one row: the legacy hardware,
 * software and hardware-cache events. A hardware event is slotted only on a machine with the
 * classic `cpu` PMU: on a hybrid CPU perf splits it into one event per PMU (`cpu_core/cycles/`),
 * and a renamed pair would print two rows of one name.
 *
 * A slot's adjacent software events are one group (software-groups.ts), switched by its leader's
 * name alone: one command and one `Event … enabled` marker for the group.
 */
import { SOFTWARE_EVENTS, softwareGroupsOf, switchedIndices, withSoftwareGroups, type SoftwareGroup } from './software-groups.ts';

const HARDWARE_EVENTS: ReadonlySet<string> = new Set([
  'cpu-cycles', 'cycles', 'instructions', 'cache-references', 'cache-misses', 'branch-instructions', 'branches',
  'branch-misses', 'bus-cycles', 'stalled-cycles-frontend', 'idle-cycles-frontend', 'stalled-cycles-backend',
  'idle-cycles-backend', 'ref-cycles',
]);

/** `L1-dcache-load-misses`, `LLC-loads`, `dTLB-store-misses`, …: perf's hardware-cache events. */
const CACHE_EVENT = /^(L1-dcache|l1-d|l1d|L1-data|L1-icache|l1-i|l1i|L1-instruction|LLC|L2|dTLB|d-tlb|Data-TLB|iTLB|i-tlb|Instruction-TLB|branch|bpu|btb|bpc|node)-(load|loads|read|store|stores|write|prefetch|prefetches|speculative-read|speculative-load)(-(refs|Reference|ops|access|misses|miss))?$/;

/** Whether these events can be slotted on this machine (`classicCpuPmu`: /sys/bus/event_source/devices/cpu is there). */
export function canSlotEvents(events: readonly string[], classicCpuPmu: boolean): boolean {
  return events.length > 0 && events.every((event) => SOFTWARE_EVENTS.has(event) || (classicCpuPmu && (HARDWARE_EVENTS.has(event) || CACHE_EVENT.test(event))));
}

/** Where a row or marker of a slotted perf belongs. */
export interface SlotPlace {
  readonly slot: number;
  /** The event's index in the events asked for. */
  readonly index: number;
}

export interface EventSlots {
  readonly slots: number;
  /** The `-e` list perf is started with. */
  readonly perfEvents: readonly string[];
  /**
   * The slot of a row's event as perf printed it, and the event's name as asked for (with what perf
   * added to the name: `:u` where it counts user space only); null for a name of no slot.
   */
  rowOf(printed: string): (SlotPlace & { readonly event: string }) | null;
  /** `Event pcA0 enabled` → the slot and whether it is the slot's first (enable) or last (disable) event switched; null for other lines. */
  markerOf(line: string): (SlotPlace & { readonly enabled: boolean; readonly first: boolean; readonly last: boolean }) | null;
  /** The control commands that switch a slot on or off, one per group or ungrouped event, by the names perf printed in its rows. */
  commands<Verb extends 'enable' | 'disable'>(slot: number, verb: Verb): Array<`${Verb} ${string}`>;
}

const NAME = /^pc([A-Z])(\d+)(.*)$/;
const MARKER = /^Event (\S+) (enabled|disabled)$/;

function nameOf(slot: number, index: number): string {
  return `pc${String.fromCharCode(65 + slot)}${index}`;
}

/**
 * @example
 * const named = createEventSlots(['page-faults', 'context-switches'], 2);
 * named.perfEvents   // ['{page-faults/name=pcA0/,context-switches/name=pcA1/}', '{page-faults/name=pcB0/,context-switches/name=pcB1/}']
 * named.rowOf('pcB1') // { slot: 1, index: 1, event: 'context-switches' }
 * named.commands(1, 'enable')  // ['enable pcB0']
 */
export function createEventSlots(events: readonly string[], slots: number, groups: readonly SoftwareGroup[] = softwareGroupsOf(events)): EventSlots {
  if (slots < 1 || slots > 26) throw new RangeError(`between 1 and 26 slots, not ${slots}`);
  const perfEvents: string[] = [];
  for (let slot = 0; slot < slots; slot += 1) perfEvents.push(...withSoftwareGroups(events, (event, index) => `${event}/name=${nameOf(slot, index)}/`, groups));
  const switched = switchedIndices(events.length, groups);
  /** The names perf printed (perf renames an event it falls back to counting in user space: `pcA0:u`). */
  const printedNames = new Map<string, string>();
  const placeOf = (name: string): (SlotPlace & { readonly rest: string }) | null => {
    const match = NAME.exec(name);
    if (match === null) return null;
    const slot = (match[1] as string).charCodeAt(0) - 65;
    const index = Number(match[2]);
    if (slot >= slots || index >= events.length) return null;
    return { slot, index, rest: match[3] as string };
  };
  return {
    slots,
    perfEvents,
    rowOf(printed) {
      const place = placeOf(printed);
      if (place === null) return null;
      printedNames.set(nameOf(place.slot, place.index), printed);
      return { slot: place.slot, index: place.index, event: `${events[place.index] as string}${place.rest}` };
    },
    markerOf(line) {
      const match = MARKER.exec(line);
      const place = match === null ? null : placeOf(match[1] as string);
      if (match === null || place === null) return null;
      return { slot: place.slot, index: place.index, enabled: match[2] === 'enabled', first: place.index === switched[0], last: place.index === switched.at(-1) };
    },
    commands(slot, verb) {
      return switched.map((index) => {
        const name = nameOf(slot, index);
        return `${verb} ${printedNames.get(name) ?? name}` as const;
      });
    },
  };
}
