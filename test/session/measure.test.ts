import { describe, expect, it } from 'vitest';
import { measure } from '../../src/session/measure.ts';

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('measure(fn) in this process (RAM, time and CPU; no perf needed)', () => {
  it('settles the final memory: a dropped 256 MiB temporary is a peak above final, not RAM used', async () => {
    const report = await measure(() => {
      const temporary = new Float64Array(32 * MIB).fill(1);
      return temporary[5];
    }, { perf: false });
    expect(report.memory.settle?.status).toBe('settled');
    expect(report.memory.peakAboveFinalBytes ?? 0).toBeGreaterThanOrEqual(240 * MIB);
    expect(report.memory.usedBytes ?? Infinity).toBeLessThanOrEqual(20 * MIB);
  });

  it('never reads a final RSS above the peak: settling\'s own pages are not the command\'s (a QA pass: peak 76.03 under final 76.31 MB)', async () => {
    const kept: Uint8Array[] = [];
    const rows: [number | null, number | null][] = [];
    for (let round = 0; round < 8; round++) {
      const report = await measure(() => {
        kept.push(new Uint8Array(1000 * 4096).fill(1));
        return { big: new Float64Array(MIB).fill(round) };
      }, { perf: false });
      rows.push([report.memory.peakRssBytes, report.memory.rssAfterBytes]);
    }
    for (const [peak, final] of rows) expect(peak!, JSON.stringify(rows)).toBeGreaterThanOrEqual(final!);
  });

  it('pays no collection for a command that moved nothing', async () => {
    // The first may settle what the test before it let go; the next has nothing to settle.
    await measure(() => 1 + 1, { perf: false });
    const report = await measure(() => 1 + 1, { perf: false });
    expect(report.memory.settle).toEqual({ status: 'not-needed', durationMs: 0 });
  });

  it('settle: false reads final memory at the window\'s end, as it is', async () => {
    const kept: Float64Array[] = [];
    const report = await measure(() => {
      kept.push(new Float64Array(8 * MIB).fill(1));
    }, { perf: false, settle: false });
    expect(report.memory.settle?.status).toBe('off');
    expect(report.memory.usedBytes ?? 0).toBeGreaterThanOrEqual(60 * MIB);
    kept.length = 0;
  });

  // 7b983b0 let a window inside which V8 collected, and that moved nothing, skip settling. After
  // windows with settling off, each 64 MiB temporary's allocation set off the collection of the one
  // before and left its own: nothing moved, and the garbage stayed in the final RSS run after run.
  it('after windows that left their garbage (settling off), the next one settles though it moved nothing', async () => {
    const temporary = () => {
      const array = new Float64Array(8 * MIB).fill(1);
      return array[5];
    };
    for (let run = 0; run < 3; run += 1) await measure(temporary, { perf: false, settle: false });
    const first = await measure(temporary, { perf: false });
    expect(first.memory.settle?.status).toBe('settled');
    const next = await measure(temporary, { perf: false });
    expect(next.memory.settle?.status).toBe('settled');
    expect(next.memory.peakAboveFinalBytes ?? 0).toBeGreaterThanOrEqual(60 * MIB);
    // and once settled, a command that moved nothing pays nothing again
    await measure(() => 1 + 1, { perf: false });
    expect((await measure(() => 1 + 1, { perf: false })).memory.settle?.status).toBe('not-needed');
  });

  it('refuses a second measurement while one is open, naming the open one, and measures again once it is done', async () => {
    const first = measure(async function slow() {
      await sleep(100);
    }, { perf: false });
    await expect(measure(() => 1, { perf: false })).rejects.toThrow(
      "a measurement of this process is already open (slow); await it before measuring again (overlapping in-process windows would swap each other's RAM)",
    );
    const report = await first;
    expect(report.durationS).toBeGreaterThanOrEqual(0.09);
    expect((await measure(() => 1, { perf: false })).exitCode).toBe(0);
  });

  it('releases the window of a function that throws', async () => {
    await expect(measure(() => {
      throw new Error('boom');
    }, { perf: false })).rejects.toThrow('boom');
    expect((await measure(() => 1, { perf: false })).exitCode).toBe(0);
  });
});
