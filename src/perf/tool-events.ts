/**
 * perf's tool events are not counters: `duration_time` is perf's own wall clock, `user_time` and
 * `system_time` the CPU time perf reads from a program it forked itself. perfcell attaches perf to
 * a pid and switches it on and off, and there perf 6.1 gets them wrong:
 * - `duration_time` runs from perf's own start and from tick to tick, not while perf is enabled,
 *   and is added up over the attached pid's threads: a cell of 0.30 s read 3.35 s (11 threads),
 *   compare's `true` 12 ms in 2.8 ms, and `run`'s `true` 6.2 ms in 2.0 ms.
 * - `user_time` and `system_time` are `<not counted>` on any attached pid.
 * So they are refused, with the figure the report already has in their place.
 */

/** A tool event's name, with a modifier (`user_time:u`); its first group is the name without it. */
export const TOOL_EVENT = /^(duration_time|user_time|system_time)(?::[a-zA-Z]+)?$/;

/** The tool events among `events` (inside `{…}` groups too), by name. */
export function toolEventsIn(events: readonly string[]): string[] {
  const found: string[] = [];
  for (const event of events) {
    for (const member of event.replace(/[{}]/g, '').split(',')) {
      const name = TOOL_EVENT.exec(member.trim())?.[1];
      if (name !== undefined && !found.includes(name)) found.push(name);
    }
  }
  return found;
}

/**
 * Why perfcell cannot count these events, naming the fix; null when it can.
 * @example
 * toolEventProblem(['duration_time', 'task-clock'])
 * // → "duration_time is perf's own wall clock, not a counter: … drop it from the events (the report's time is that figure)"
 */
export function toolEventProblem(events: readonly string[]): string | null {
  const tools = toolEventsIn(events);
  const cpu = tools.filter((name) => name !== 'duration_time');
  if (cpu.length > 0) {
    const [them, are] = cpu.length === 1 ? ['it', 'is'] : ['them', 'are'];
    return `${cpu.join(' and ')} ${are} the CPU time perf reads from a program it forks, and perfcell attaches perf to the program instead, so perf never counts ${them}: drop ${them} from the events (the report's cpu figure is that time)`;
  }
  if (tools.includes('duration_time')) {
    return "duration_time is perf's own wall clock, not a counter: it runs from perf's start and from tick to tick, not while the command is counted, and over a process with threads perf adds it up for each one, so it would not be the command's time: drop it from the events (the report's time is that figure)";
  }
  return null;
}
