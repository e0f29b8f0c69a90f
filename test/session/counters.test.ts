import { describe, expect, it } from 'vitest';
import { baseEventName, deriveMetrics, describeUserOnly } from '../../src/session/counters.ts';
import type { EventAggregate } from '../../parsers/aggregate.ts';

const counted = (event: string, total: number): EventAggregate => ({
  event, unit: '', status: 'counted', total, countedSeconds: 1, perSecond: total, samples: [], min: total, max: total, lowestRunningPct: 100,
});

describe('counters', () => {
  it('matches printed names with modifiers to the requested event', () => {
    expect(baseEventName('cache-misses:u')).toBe('cache-misses');
    expect(baseEventName('cycles:uk')).toBe('cycles');
    expect(baseEventName('cpu_core/cycles/')).toBe('cpu_core/cycles/');
    expect(baseEventName('power/energy-pkg/')).toBe('power/energy-pkg/');
  });

  it('derives miss ratio, IPC and MPKI only from counted inputs', () => {
    const derived = deriveMetrics([counted('cache-misses:u', 50), counted('cache-references:u', 200), counted('instructions:u', 10_000), counted('cycles:u', 5_000)]);
    expect(derived).toEqual({ missRatio: 0.25, ipc: 2, missesPerKiloInstruction: 5 });
    const missing = deriveMetrics([counted('cache-misses', 50), { ...counted('cache-references', 0), status: 'not supported', total: null }]);
    expect(missing).toEqual({ missRatio: null, ipc: null, missesPerKiloInstruction: null });
  });

  it('explains :u once, naming the events that can only read 0 in user space', () => {
    expect(describeUserOnly(['page-faults', 'cycles'])).toBeNull();
    expect(describeUserOnly(['page-faults:u', 'context-switches:u'])).toBe(
      "page-faults:u, context-switches:u: ':u' means user space only: perf excluded the kernel because kernel.perf_event_paranoid ≥ 2 for this user; context-switches:u always read 0 that way (they happen in the kernel) (run as root, or: sudo sysctl kernel.perf_event_paranoid=1)",
    );
  });

  it('says nothing of perf_event_paranoid for a :u the user wrote (as root too); only that a kernel-only one reads 0', () => {
    expect(describeUserOnly(['page-faults:u'], ['page-faults:u'])).toBeNull();
    expect(describeUserOnly(['page-faults:u', 'cycles:u'], ['{page-faults:u,cycles}'])).toBe(
      "cycles:u: ':u' means user space only: perf excluded the kernel because kernel.perf_event_paranoid ≥ 2 for this user (run as root, or: sudo sysctl kernel.perf_event_paranoid=1)",
    );
    expect(describeUserOnly(['page-faults:u', 'context-switches:u'], ['page-faults:u', 'context-switches:uk', 'context-switches:u'])).toBe(
      "context-switches:u: always read 0 with ':u' (user space only; they happen in the kernel: drop the ':u' to count them)",
    );
  });
});
