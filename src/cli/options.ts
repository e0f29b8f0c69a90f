import { InvalidArgumentError } from 'commander';

/** `-e a,b -e c` → ['a', 'b', 'c']; commas inside `cpu/event=0x3c,umask=0/` stay inside the event. */
export function parseEventList(value: string, previous: readonly string[] = []): string[] {
  const events: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '/' ) depth = depth === 0 ? 1 : 0;
    if (char === ',' && depth === 0) {
      if (current.trim() !== '') events.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') events.push(current.trim());
  if (events.length === 0) throw new InvalidArgumentError('give at least one event, e.g. -e page-faults');
  return [...previous, ...events];
}

/** perf's -I takes whole milliseconds and refuses under 10 (perf stat: "interval too small"). */
export function parseIntervalMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 10) throw new InvalidArgumentError('give a whole number of milliseconds ≥ 10, e.g. -I 100');
  return ms;
}
