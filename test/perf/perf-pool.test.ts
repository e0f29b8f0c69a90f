import { describe, expect, it } from 'vitest';
import type { PerfOptions, PerfSession } from '../../src/perf/controller.ts';
import { createPerfPool, prearmDepth } from '../../src/perf/perf-pool.ts';

// A stand-in for startPerf: the pool's bookkeeping (which armed session a window gets) needs no perf.
function fakeStart() {
  const started: Array<{ pid: number; events: readonly string[]; killed: boolean }> = [];
  const start = (pid: number, options: PerfOptions): PerfSession => {
    const entry = { pid, events: options.events, killed: false };
    started.push(entry);
    return {
      perfPid: started.length,
      enable: async () => undefined,
      disable: async () => undefined,
      stop: async () => { throw new Error('not used'); },
      kill: () => { entry.killed = true; },
    };
  };
  return { start, started };
}

const faults: PerfOptions = { events: ['page-faults'], intervalMs: 100 };
const clock: PerfOptions = { events: ['task-clock'], intervalMs: 100 };

describe('perf pool (sessions armed ahead of their window)', () => {
  it('hands out the session armed for the same pid and set-up, else starts one', () => {
    const { start, started } = fakeStart();
    const pool = createPerfPool(start, null);
    pool.arm(7, faults);
    expect(pool.armedCount(7, faults)).toBe(1);
    expect(pool.take(7, faults).perfPid).toBe(1);
    expect(pool.armedCount(7, faults)).toBe(0);
    pool.arm(7, faults);
    expect(pool.take(7, clock).perfPid).toBe(3); // another set-up: a fresh one
    expect(pool.take(8, faults).perfPid).toBe(4); // another pid: a fresh one
    pool.close();
    expect(started.map((entry) => entry.killed)).toEqual([false, true, false, false]);
  });

  it('reads PERFCELL_PREARM_DEPTH, 1 when unset or not a small whole number', () => {
    expect(prearmDepth({})).toBe(1);
    expect(prearmDepth({ PERFCELL_PREARM_DEPTH: '0' })).toBe(0);
    expect(prearmDepth({ PERFCELL_PREARM_DEPTH: '2' })).toBe(2);
    expect(prearmDepth({ PERFCELL_PREARM_DEPTH: 'x' })).toBe(1);
  });
});

describe('perf pool with a shared perf', () => {
  it('gives every window of a shareable set-up a session of one shared perf, and the rest one perf each', () => {
    const { start, started } = fakeStart();
    const shares: number[] = [];
    const closed: number[] = [];
    const share = (pid: number) => {
      shares.push(pid);
      const id = shares.length;
      return {
        session: () => ({ perfPid: 100 + id, enable: async () => undefined, disable: async () => undefined, stop: async () => { throw new Error('not used'); }, kill: () => undefined }),
        exited: false,
        busy: false,
        broken: false,
        ready: async () => undefined,
        spawned: Promise.resolve(),
        close: () => { closed.push(id); },
        closeAndWait: async () => { closed.push(id); },
        pause: () => undefined,
        resume: () => undefined,
      };
    };
    const pool = createPerfPool(start, share);
    pool.arm(7, faults);
    expect(pool.armedCount(7, faults)).toBe(Number.POSITIVE_INFINITY);
    expect(pool.take(7, faults).perfPid).toBe(101);
    expect(pool.take(7, faults).perfPid).toBe(101);
    expect(shares).toEqual([7]);
    // the live view shares a group of its own (its relay follows the group's files)
    expect(pool.take(7, { ...faults, live: true }).perfPid).toBe(102);
    expect(shares).toEqual([7, 7]);
    // -M rows cannot be regrouped: one perf each
    expect(pool.take(7, { ...faults, metricGroups: ['TopdownL1'] }).perfPid).toBe(1);
    expect(pool.take(7, { ...faults, metricGroups: ['TopdownL1'] }).perfPid).toBe(2);
    expect(started).toHaveLength(2);
    pool.close();
    expect(closed).toEqual([1, 2]);
  });
});
