import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { attachToProcess, type AttachOptions } from '../../src/attach/attach.ts';
import type { IntervalRow } from '../../src/attach/interval-row.ts';

/**
 * How a watch ends when perfcell stops perf (-d, Ctrl-C): perf prints the interval it is in, from
 * its last tick to the stop. A stop a few ms after a tick made that a last row of 1-10 ms, whose
 * CPU % read 0-304 % for one busy thread, and a sample that read as the summary's minimum; `-d 1
 * -I 500` gave two rows or three, the last 0.986 s or 1.001 s, by the race of perf's tick and
 * perfcell's timer. A stand-in perf (test/fixtures/fake-perf-stop.mjs) puts its ticks where each
 * case needs them; the real one is in test/cli/attach.test.ts.
 */
const fakePerf = fileURLToPath(new URL('../fixtures/fake-perf-stop.mjs', import.meta.url));
const targets: ReturnType<typeof spawn>[] = [];
const variables = ['FAKE_PERF_CLOCK_S', 'FAKE_PERF_SIGINT_AFTER_TICK_S', 'FAKE_PERF_TICK_LATE'];

afterEach(() => {
  for (const target of targets.splice(0)) target.kill('SIGKILL');
  for (const name of variables) delete process.env[name];
});

/** Watches a sleeping process through the stand-in perf; `env` sets its FAKE_PERF_* variables. */
async function watch(env: Record<string, string>, options: AttachOptions & { stopAfterRows?: number }) {
  Object.assign(process.env, env);
  const target = spawn('sleep', ['60'], { stdio: 'ignore' });
  targets.push(target);
  const { stopAfterRows, ...attachOptions } = options;
  const rows: IntervalRow[] = [];
  const abort = new AbortController();
  const result = await attachToProcess(target.pid ?? 0, {
    perfPath: fakePerf,
    events: ['task-clock'],
    checkEvents: async () => null,
    signal: abort.signal,
    onRow: (row) => {
      rows.push(row);
      if (rows.length === stopAfterRows) abort.abort();
    },
    ...attachOptions,
  });
  const taskClock = result.report.counters.events.find((event) => event.event === 'task-clock');
  return { result, rows, taskClock };
}

describe('attach -d a whole number of intervals: it ends with perf\'s interval at the duration, as perf stat -I --interval-count does', () => {
  it.each([
    ["perf's tick comes before perfcell's timer", '0.15'],
    ["perfcell's timer comes before perf's tick", '-0.1'],
  ])('%s: three rows for -d 0.6 -I 200, and nothing of what perf prints after the third', async (_case, clockS) => {
    const { result, rows, taskClock } = await watch({ FAKE_PERF_CLOCK_S: clockS }, { intervalMs: 200, durationS: 0.6 });
    expect(result.endedBy).toBe('duration');
    // each stamped a few ms after its tick was due, as perf's are
    expect(rows.map((row) => Math.round(row.timeS / 0.2))).toEqual([1, 2, 3]);
    for (const row of rows) expect(Math.abs(row.timeS - Math.round(row.timeS / 0.2) * 0.2)).toBeLessThan(0.03);
    expect(rows.every((row) => row.intervalS > 0.17)).toBe(true);
    expect(taskClock?.samples.map((sample) => sample.timeS)).toEqual(rows.map((row) => row.timeS));
    expect(taskClock?.total).toBeCloseTo(1000 * (rows.at(-1)?.timeS ?? 0), 1);
  });

  // A fresh-clone CI run read three rows for `-d 1 -I 500` (test/cli/attach.test.ts): perf's last
  // tick came so late that -d's timer ended the watch while that tick's row waited out its quiet
  // spell, and the interval perf printed at the stop, past the duration, became a row of its own
  it("perf's last tick so late that -d's timer ends the watch before its row: still three rows, nothing after", async () => {
    const { result, rows, taskClock } = await watch({ FAKE_PERF_TICK_LATE: '3:0.06' }, { intervalMs: 200, durationS: 0.6 });
    expect(result.endedBy).toBe('duration');
    expect(rows.map((row) => Math.round(row.timeS / 0.2))).toEqual([1, 2, 3]);
    expect(taskClock?.samples.map((sample) => sample.timeS)).toEqual(rows.map((row) => row.timeS));
  });
});

describe('attach stopped a few ms after a tick: the interval perf prints then is no row', () => {
  it('a Ctrl-C 2 ms after a tick: not a row, nor a sample of the summary', async () => {
    const { result, rows, taskClock } = await watch({ FAKE_PERF_SIGINT_AFTER_TICK_S: '0.002' }, { intervalMs: 100, stopAfterRows: 3 });
    expect(result.endedBy).toBe('signal');
    // three, or four where the stop reached perf after its next tick (a loaded fresh-clone CI): whole intervals only
    expect([3, 4]).toContain(rows.length);
    for (const row of rows) expect(row.intervalS).toBeGreaterThan(0.05);
    expect(result.rowCount).toBe(rows.length);
    expect(taskClock?.samples).toHaveLength(rows.length);
    // one busy thread: some 100 msec each interval; the 2 ms one had been the minimum
    expect(taskClock?.min).toBeGreaterThan(90);
    expect(result.series.timeS).toHaveLength(rows.length);
  });

  it('a Ctrl-C 40 ms after a tick: a last row of 40 ms, with its rates', async () => {
    const { result, rows, taskClock } = await watch({ FAKE_PERF_SIGINT_AFTER_TICK_S: '0.04' }, { intervalMs: 100, stopAfterRows: 3 });
    expect(result.endedBy).toBe('signal');
    expect(rows).toHaveLength(4);
    expect(rows[3]?.intervalS).toBeCloseTo(0.04, 6);
    expect(rows[3]?.events[0]?.perSecond).toBeCloseTo(1000, 3);
    expect(taskClock?.samples).toHaveLength(4);
  });
});
