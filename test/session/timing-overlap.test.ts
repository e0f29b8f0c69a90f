import { describe, expect, it } from 'vitest';
import { compareInProcess } from '../../src/session/compare-inprocess.ts';
import { measure } from '../../src/session/measure.ts';
import { timeit } from '../../src/session/timeit.ts';

const REFUSED = (running: string): string => `a ${running} of this process is already running; await it before timing again (two timings at once count each other's calls)`;

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error: unknown) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

/**
 * A QA pass: two timings of this process at once (Promise.all of two timeits) each counted the
 * other's calls, the awaits between a batch's perf enable and its stop letting the other's batch
 * run: a no-op read 14-138 page-faults a call beside a timeit allocating 1 MiB a call (0.07-0.17
 * alone), with no word of it. The second is now refused, as a second measure(fn) is.
 */
describe('one timing of functions at a time in a process', () => {
  it('a timeit or compare while a timeit runs is refused, and the first one stands', async () => {
    const calls = { second: 0 };
    const first = timeit(() => 0, { runs: 2, loops: 1000, warmup: 0, perf: false });
    const second = outcome(timeit(() => calls.second++, { runs: 2, loops: 1000, warmup: 0, perf: false }));
    const third = outcome(compareInProcess({ a: () => calls.second++, b: () => calls.second++ }, { runs: 2, loops: 10, perf: false }));
    expect(await second).toBe(`UsageError: ${REFUSED('timeit')}`);
    expect(await third).toBe(`UsageError: ${REFUSED('timeit')}`);
    expect(calls.second).toBe(0);
    expect((await first).runs).toBe(2);
    // once it has ended, the next runs
    expect((await timeit(() => 0, { runs: 1, loops: 10, warmup: 0, perf: false })).runs).toBe(1);
  });

  it('a timeit while a compare runs is refused; a timing inside a measure(fn) window still runs', async () => {
    const first = compareInProcess({ a: () => 0, b: () => 1 }, { runs: 2, loops: 1000, perf: false });
    expect(await outcome(timeit(() => 0, { runs: 1, loops: 10, perf: false }))).toBe(`UsageError: ${REFUSED('compare')}`);
    expect((await first).runs).toHaveLength(2);
    const window = await measure(() => timeit(() => 0, { runs: 1, loops: 10, warmup: 0, perf: false }), { perf: false });
    expect(window.value.runs).toBe(1);
  });

  it('a timing that threw lets the next one run', async () => {
    expect(await outcome(timeit(() => {
      throw new Error('inner');
    }, { runs: 1, loops: 1, perf: false }))).toBe('Error: inner');
    expect(await outcome(compareInProcess({ a: () => 0, b: () => 1 }, { runs: 1, loops: 10, perf: false }))).toBe('resolved');
  });
});
