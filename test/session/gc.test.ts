import { describe, expect, it } from 'vitest';
import { addGc, gcKindOf, startGcWindow, summarizeGc, type GcStatistic } from '../../src/session/gc.ts';
import { measure } from '../../src/session/measure.ts';
import { exposeGc } from '../../src/repl/expose-gc.ts';
import { renderGcLine } from '../../src/render/gc-line.ts';
import { prepareWindow } from '../../src/session/window.ts';
import { recordMark, type CommandMarks } from '../../src/repl/command-marks.ts';

const statistic = (gcType: string, costUs: number, beforeBytes: number, afterBytes: number): GcStatistic => ({
  gcType,
  cost: costUs,
  beforeGC: { heapStatistics: { usedHeapSize: beforeBytes } },
  afterGC: { heapStatistics: { usedHeapSize: afterBytes } },
});

/** Three million small objects, none kept: the young generation fills and is scavenged many times. */
function makeGarbage(): number {
  // Each object escapes into a small ring, so the JIT cannot elide the allocation.
  const ring: Array<{ index: number }> = new Array(1024);
  for (let index = 0; index < 3_000_000; index++) ring[index & 1023] = { index };
  return ring.length;
}

describe('summarizeGc (pure)', () => {
  it('counts by kind, sums and maxes the pauses, and adds what each collection freed', () => {
    const report = summarizeGc([
      statistic('Scavenge', 1200, 10_000_000, 2_000_000),
      statistic('Scavenge', 800, 9_000_000, 1_000_000),
      statistic('MarkSweepCompact', 3100, 90_000_000, 4_000_000),
      statistic('IncrementalMarking', 100, 5_000_000, 5_000_000),
      statistic('ProcessWeakCallbacks', 100, 5_000_000, 5_100_000),
    ]);
    expect(report.counts).toEqual({ minor: 2, major: 1, incremental: 1, weak: 1 });
    expect(report.collections).toBe(5);
    expect(report.pauseTotalMs).toBeCloseTo(5.3, 9);
    expect(report.pauseLongestMs).toBeCloseTo(3.1, 9);
    expect(report.reclaimedBytes).toBe(8_000_000 + 8_000_000 + 86_000_000);
    expect(renderGcLine(report)).toBe('gc  2 minor, 1 major, 1 incremental, 1 weak callbacks  pause 5.3 ms total, longest 3.1 ms  reclaimed 97.3 MiB');
    expect(renderGcLine(summarizeGc([]))).toBeNull();
    expect(addGc([report, report]).collections).toBe(10);
    expect(addGc([report, report]).pauseLongestMs).toBeCloseTo(3.1, 9);
  });

  it('groups its counts as every other count in a report is grouped (6,055 minor)', () => {
    const report = summarizeGc([...Array.from({ length: 6055 }, () => statistic('Scavenge', 100, 2048, 1024)), statistic('MarkSweepCompact', 1000, 2048, 1024)]);
    expect(renderGcLine(report)).toBe('gc  6,055 minor, 1 major  pause 606.5 ms total, longest 1.0 ms  reclaimed 5.9 MiB');
  });

  it('names the young-generation collectors minor, whatever V8 calls them', () => {
    expect(['Scavenge', 'MinorMarkCompact', 'MinorMarkSweep', 'SomeFutureMinorThing'].map(gcKindOf)).toEqual(['minor', 'minor', 'minor', 'minor']);
    expect(gcKindOf('MarkSweepCompact')).toBe('major');
  });
});

describe('GC per command in this process (V8 GC callbacks, real collections)', () => {
  it('measure(fn) of 3 million small objects reports collections and their pause; a command that makes none reports none', async () => {
    expect(exposeGc()).toBe(true);
    const garbage = await measure(makeGarbage, { perf: false });
    expect(garbage.gc?.collections).toBeGreaterThanOrEqual(1);
    expect(garbage.gc?.counts.minor).toBeGreaterThanOrEqual(1);
    expect(garbage.gc?.pauseTotalMs).toBeGreaterThan(0);
    expect(garbage.gc?.pauseLongestMs).toBeLessThanOrEqual(garbage.gc?.pauseTotalMs ?? 0);

    (globalThis as { gc?: () => void }).gc?.(); // an empty young generation: nothing left to trigger a scavenge
    const none = await measure(() => 1 + 1, { perf: false });
    expect(none.gc).toEqual(summarizeGc([]));
  });

  it("counts a marked command's collections over its own span, as its time: not one before its start mark (V8 compiling it)", async () => {
    expect(exposeGc()).toBe(true);
    const forceGc = (globalThis as { gc?: () => void }).gc as () => void;
    const marked = prepareWindow(process.pid, { perf: false, settle: false });
    await marked.begin();
    // between the window's start and the command's first statement: where a REPL line or a cell is compiled
    forceGc();
    const marks: CommandMarks = {};
    recordMark(0, marks, null);
    const inside = makeGarbage();
    recordMark(1, marks, null);
    forceGc(); // after the end mark, before the window's end: perfcell's own reads
    const report = await marked.end({}, marks);
    expect(inside).toBe(1024);
    expect(report.durationS).toBeLessThan(1);
    // the command's own: its garbage's scavenges, none of the forced (major) ones
    expect(report.gc?.counts.major).toBe(0);
    expect(report.gc?.counts.minor).toBeGreaterThanOrEqual(1);

    // without marks (run's windows, a REPL line perfcell could not mark), the window's span
    const unmarked = prepareWindow(process.pid, { perf: false, settle: false });
    await unmarked.begin();
    forceGc();
    const whole = await unmarked.end({});
    expect(whole.gc?.counts.major).toBeGreaterThanOrEqual(1);
  });

  it('does not count a collection forced after the window closed', () => {
    const window = startGcWindow();
    const report = window.stop();
    (globalThis as { gc?: () => void }).gc?.();
    expect(report.collections).toBe(0);
    expect(window.stop().collections).toBe(0);
  });
});
