import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { attachToProcess } from '../../src/attach/attach.ts';
import { leakedPerfPidsSettled, perfPidsNow } from '../support/leaked-perf.ts';
import { perfUsable } from '../support/perf.ts';

/**
 * The caller's onStart and onRow throwing: the watch ends, its perf stopped, and attachToProcess
 * rejects with what they threw. Before, onStart's error rejected with perf left watching (its
 * timers and perf's pipe held a script open for good), and onRow's was an uncaught exception from
 * perf's output, the promise never settling.
 */
const targets: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const target of targets.splice(0)) target.kill('SIGKILL');
});

function sleeper(): number {
  const target = spawn('sleep', ['60'], { stdio: 'ignore' });
  targets.push(target);
  return target.pid ?? 0;
}

/** How the watch settled, within `limitMs`: 'pending' where it had not. */
async function settled(watch: Promise<unknown>, limitMs = 5_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve('pending'), limitMs);
  });
  try {
    return await Promise.race([watch.then(() => 'resolved', (error: unknown) => error), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.runIf(perfUsable)('attachToProcess when its caller\'s callback throws', () => {
  it('onStart: rejects with its error, and no perf is left watching', async () => {
    const before = perfPidsNow();
    const bug = new Error('onStart bug');
    const outcome = await settled(attachToProcess(sleeper(), {
      events: ['task-clock'],
      durationS: 30,
      onStart: () => {
        throw bug;
      },
    }));
    expect(outcome).toBe(bug);
    expect(await leakedPerfPidsSettled(before)).toEqual([]);
  }, 15_000);

  it('onRow: rejects with its error at the first row, and no perf is left watching', async () => {
    const before = perfPidsNow();
    const bug = new Error('onRow bug');
    let rows = 0;
    const outcome = await settled(attachToProcess(sleeper(), {
      events: ['task-clock'],
      intervalMs: 50,
      durationS: 30,
      onRow: () => {
        rows++;
        throw bug;
      },
    }));
    expect(outcome).toBe(bug);
    expect(rows).toBe(1);
    expect(await leakedPerfPidsSettled(before)).toEqual([]);
  }, 15_000);
});
