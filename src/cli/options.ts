import { InvalidArgumentError } from 'commander';
import { expandEventPresets, splitEventList } from '../../parsers/event-list.ts';

/**
 * `-e a,b -e c` → ['a', 'b', 'c']; commas inside `cpu/event=0x3c,umask=0/` and inside a group
 * `{cache-misses,cache-references}` stay inside it; presets (`cache`, `ipc`, `tlb`, `branch`)
 * become their events.
 */
export function parseEventList(value: string, previous: readonly string[] = []): string[] {
  const events = splitEventList(value);
  if (events.length === 0) throw new InvalidArgumentError('give at least one event, e.g. -e page-faults');
  return expandEventPresets([...previous, ...events]);
}

/** perf's -I takes whole milliseconds and refuses under 10 (perf stat: "interval too small"). */
export function parseIntervalMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 10) throw new InvalidArgumentError('give a whole number of milliseconds ≥ 10, e.g. -I 100');
  return ms;
}
