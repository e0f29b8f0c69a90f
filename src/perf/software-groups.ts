/**
 * perf's software events counted as one group where two or more are asked for side by side
 * (`{page-faults,context-switches}`). perf switches a group by its leader alone: one ioctl per
 * thread at an enable or a disable instead of one per event, one read per thread at each tick, and,
 * for a slotted perf (event-slots.ts), one named command a slot instead of one per event. On the
 * development VM a file's 200 trivial cells took 13-18 ms less with the default two software
 * events (BENCHMARKS.md, Pace notes, 2026-12-06 05:05). Counts do not change: the kernel's
 * software events always count, grouped or not, and a group member counts exactly while its leader
 * does. Hardware events are never grouped: a group is scheduled on the PMU's counters all or none,
 * so a group larger than the PMU has counters would never count, where perf multiplexes the same
 * events ungrouped. Only adjacent events, so that perf prints its rows in the order asked.
 * PERFCELL_SOFTWARE_GROUPS=0 asks perf for every event on its own, as before.
 */

/** The kernel's software events, by perf's legacy names: always counted, on any machine. */
export const SOFTWARE_EVENTS: ReadonlySet<string> = new Set([
  'cpu-clock', 'task-clock', 'page-faults', 'faults', 'context-switches', 'cs', 'cpu-migrations', 'migrations',
  'minor-faults', 'major-faults', 'alignment-faults', 'emulation-faults',
]);

/** A run of adjacent software events counted as one group: `first`, its leader, and `count` events from it. */
export interface SoftwareGroup {
  readonly first: number;
  readonly count: number;
}

export function softwareGroupsWanted(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment['PERFCELL_SOFTWARE_GROUPS'] !== '0';
}

/**
 * The groups among `events` (plain event names): each run of two or more adjacent software events.
 * @example
 * softwareGroupsOf(['cache-misses', 'page-faults', 'context-switches'])  // [{ first: 1, count: 2 }]
 * softwareGroupsOf(['page-faults', 'cycles', 'context-switches'])        // []
 */
export function softwareGroupsOf(events: readonly string[], wanted: boolean = softwareGroupsWanted()): SoftwareGroup[] {
  const groups: SoftwareGroup[] = [];
  if (!wanted) return groups;
  let first = 0;
  for (let index = 0; index <= events.length; index += 1) {
    if (index < events.length && SOFTWARE_EVENTS.has(events[index] as string)) continue;
    if (index - first >= 2) groups.push({ first, count: index - first });
    first = index + 1;
  }
  return groups;
}

/**
 * perf's `-e` items for `events`, each group's members written as `{a,b}` in one item. `named`
 * gives the form of each event as perf is to be asked for it (a slot's `page-faults/name=pcA0/`).
 * @example
 * withSoftwareGroups(['cycles', 'page-faults', 'context-switches'])  // ['cycles', '{page-faults,context-switches}']
 */
export function withSoftwareGroups(
  events: readonly string[],
  named: (event: string, index: number) => string = (event) => event,
  groups: readonly SoftwareGroup[] = softwareGroupsOf(events),
): string[] {
  const items: string[] = [];
  for (let index = 0; index < events.length; ) {
    const group = groups.find((candidate) => candidate.first === index);
    const count = group?.count ?? 1;
    const members = events.slice(index, index + count).map((event, offset) => named(event, index + offset));
    items.push(group === undefined ? (members[0] as string) : `{${members.join(',')}}`);
    index += count;
  }
  return items;
}

/** The indices of the events perf switches by name: every event but a group's members after its leader. */
export function switchedIndices(eventCount: number, groups: readonly SoftwareGroup[]): number[] {
  const indices: number[] = [];
  for (let index = 0; index < eventCount; index += 1) {
    if (!groups.some((group) => index > group.first && index < group.first + group.count)) indices.push(index);
  }
  return indices;
}
