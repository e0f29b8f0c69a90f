/**
 * `-e` lists as people write them: perf events, event groups `{a,b}` (counted together, so their
 * ratios come from the same time slices) and perfcell's named presets, mixed freely.
 */
import { isGenericEvent } from './fold-hybrid.ts';

/** Named sets of events `-e` accepts besides raw perf events. */
export const EVENT_PRESETS: Readonly<Record<string, readonly string[]>> = {
  cache: ['cache-references', 'cache-misses', 'L1-dcache-loads', 'L1-dcache-load-misses', 'LLC-loads', 'LLC-load-misses'],
  ipc: ['instructions', 'cycles'],
  tlb: ['dTLB-loads', 'dTLB-load-misses', 'iTLB-load-misses'],
  branch: ['branches', 'branch-misses'],
};

/**
 * Why an `-e` list cannot be what was meant, or null: a `{` or `}` without its other half would
 * leave perf a name it does not know (`page-faults}`) or run a group on to the list's end.
 * @example
 * eventListProblem('{cycles,instructions') // → "unbalanced { } in '{cycles,instructions': a group is written {a,b}"
 */
export function eventListProblem(text: string): string | null {
  let insideSlashes = false;
  let depth = 0;
  for (const char of text) {
    if (char === '/') insideSlashes = !insideSlashes;
    else if (insideSlashes) continue;
    else if (char === '{') depth += 1;
    else if (char === '}' && --depth < 0) break;
  }
  return depth === 0 ? null : `unbalanced { } in '${text}': a group is written {a,b}`;
}

/**
 * Splits an `-e` list on the commas between events: commas inside `cpu/event=0x3c,umask=0/`
 * and inside a group `{cache-misses,cache-references}` stay where they are, so perf gets both intact.
 * @example
 * splitEventList("{cache-misses,cache-references},cpu/event=0x3c,umask=0/, cycles")
 * // → ['{cache-misses,cache-references}', 'cpu/event=0x3c,umask=0/', 'cycles']
 */
export function splitEventList(text: string): string[] {
  const events: string[] = [];
  let insideSlashes = false;
  let braceDepth = 0;
  let current = '';
  for (const char of text) {
    if (char === '/') insideSlashes = !insideSlashes;
    else if (char === '{') braceDepth += 1;
    else if (char === '}') braceDepth = Math.max(0, braceDepth - 1);
    if (char === ',' && !insideSlashes && braceDepth === 0) {
      events.push(current.trim());
      current = '';
    } else current += char;
  }
  events.push(current.trim());
  return events.filter((event) => event !== '');
}

/**
 * Replaces preset names by their events, keeps raw events and groups as written, and drops
 * repeats (a preset and a raw event may name the same one).
 * @example expandEventPresets(['ipc', 'page-faults', 'cycles']) // → ['instructions', 'cycles', 'page-faults']
 */
export function expandEventPresets(events: readonly string[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    for (const member of EVENT_PRESETS[event] ?? [event]) if (!out.includes(member)) out.push(member);
  }
  return out;
}

/**
 * How many rows perf prints per interval for a list: a group counts its members,
 * `cpu/event=0x3c,umask=0/` is one, and on a hybrid CPU (`corePmus` 2: cpu_core and cpu_atom) each
 * generic hardware event is printed once per core PMU.
 * @example countPerfEvents(['{cache-misses,cache-references}', 'page-faults'], 2) // → 5
 */
export function countPerfEvents(events: readonly string[], corePmus = 1): number {
  let count = 0;
  for (const event of events) {
    for (const member of groupMembers(event)) count += isGenericEvent(member.replace(/:[a-zA-Z]+$/, '')) ? Math.max(1, corePmus) : 1;
  }
  return count;
}

/** The events of a group `{a,b}:S` (its modifiers dropped), or the event itself. */
export function groupMembers(event: string): string[] {
  const match = /^\{(.*)\}(?::[\w]+)?$/.exec(event.trim());
  return match === null ? [event] : splitEventList(match[1] ?? '');
}
