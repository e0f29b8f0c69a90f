import { describe, expect, it } from 'vitest';
import { toolEventProblem, toolEventsIn } from '../../src/perf/tool-events.ts';

describe("perf's tool events, which perfcell cannot count right", () => {
  it('finds them by name, with a modifier and inside a group, and nothing else', () => {
    expect(toolEventsIn(['page-faults', '{duration_time,task-clock}', 'user_time:u', 'system_time'])).toEqual(['duration_time', 'user_time', 'system_time']);
    expect(toolEventsIn(['page-faults', 'cpu/event=0x3c,umask=0/', 'duration_time_x', 'my_duration_time'])).toEqual([]);
  });

  it('says why each cannot be counted and names the figure the report has instead; none for counters', () => {
    expect(toolEventProblem(['page-faults', 'task-clock'])).toBeNull();
    expect(toolEventProblem(['duration_time'])).toMatch(/^duration_time is perf's own wall clock, not a counter: .*drop it from the events \(the report's time is that figure\)$/);
    expect(toolEventProblem(['user_time'])).toMatch(/^user_time is the CPU time .*drop it from the events \(the report's cpu figure is that time\)$/);
    expect(toolEventProblem(['{user_time,system_time}', 'duration_time'])).toMatch(/^user_time and system_time are .*drop them from the events/);
  });
});
