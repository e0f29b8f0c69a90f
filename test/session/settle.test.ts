import { describe, expect, it } from 'vitest';
import { needsSettling, settleRss, v8Collect, type SettleSource } from '../../src/session/settle.ts';

const MIB = 1024 * 1024;
const usage = (rss: number, heapUsed = 4 * MIB, external = MIB, arrayBuffers = 0, heapTotal = 8 * MIB) => ({ rss, heapUsed, heapTotal, external, arrayBuffers });

/** A fake process whose RSS falls along `readings` (one per read) on a fake clock that moves `stepMs` per read. */
function fakeSource(readings: number[], stepMs = 1): SettleSource & { collected: number } {
  let now = 0;
  let index = 0;
  const source = {
    collected: 0,
    collect: () => {
      source.collected += 1;
    },
    readRssBytes: () => readings[Math.min(index++, readings.length - 1)] ?? 0,
    readAccountedBytes: () => 0,
    nowMs: () => now,
    sleep: async (ms: number) => {
      now += Math.max(ms, stepMs);
    },
    yieldTurn: async () => undefined,
  };
  return source;
}

describe('needsSettling', () => {
  it('skips a command that moved nothing by 1 MiB (1+1 pays no collection)', () => {
    expect(needsSettling(usage(40 * MIB), usage(40.3 * MIB, 4.5 * MIB))).toBe(false);
  });
  // Before: any move of the heap in use settled, so a young-generation collection inside a trivial
  // cell cost it two full collections and RSS reads (11-14 ms) for RSS that moved 0.06-0.32 MiB.
  it('skips a command inside which V8 collected (heap in use fell; committed heap and RSS held)', () => {
    expect(needsSettling(usage(54 * MIB, 7 * MIB), usage(54.1 * MIB, 5.5 * MIB))).toBe(false);
  });
  it('settles heap in use that grew (garbage not collected yet) and a committed heap that shrank (RSS to follow)', () => {
    expect(needsSettling(usage(54 * MIB, 7 * MIB), usage(54.1 * MIB, 8.5 * MIB))).toBe(true);
    expect(needsSettling(usage(154 * MIB, 100 * MIB, MIB, 0, 110 * MIB), usage(154 * MIB, 5 * MIB, MIB, 0, 12 * MIB))).toBe(true);
  });
  it('settles a dropped temporary (RSS up, not collected yet) and a released one (array buffers down, RSS not yet)', () => {
    expect(needsSettling(usage(40 * MIB, 4 * MIB, MIB), usage(552 * MIB, 4 * MIB, 513 * MIB, 512 * MIB))).toBe(true);
    expect(needsSettling(usage(170 * MIB, 4 * MIB, 129 * MIB, 128 * MIB), usage(170 * MIB, 4 * MIB, 129 * MIB, 0))).toBe(true);
  });
});

describe('settleRss', () => {
  it('collects once, then reads until RSS stops falling', async () => {
    const source = fakeSource([300 * MIB, 100 * MIB, 40 * MIB, 40 * MIB]);
    const settled = await settleRss(source);
    expect(source.collected).toBe(2);
    expect(settled.rssBytes).toBe(40 * MIB);
    expect(settled.report.status).toBe('settled');
  });

  it('waits past a flat stretch while RSS holds memory V8 has already let go (a release on a starved thread)', async () => {
    // V8 accounts for nothing; at the start RSS exceeded that by 40 MiB: 300 MiB flat is a release in flight.
    const settled = await settleRss(fakeSource([300 * MIB, 300 * MIB, 300 * MIB, 300 * MIB, 41 * MIB, 41 * MIB]), { unaccountedBytes: 40 * MIB });
    expect(settled.rssBytes).toBe(41 * MIB);
    expect(settled.report.status).toBe('settled');
  });

  it('frees an old-generation array buffer let go before settling at once (two collections: V8 frees what the first finds dead in the background)', async () => {
    const holder: { kept: Float64Array | null } = { kept: new Float64Array(16 * MIB).fill(1) };
    for (let round = 0; round < 3; round += 1) v8Collect()?.(); // promoted to the old generation
    const before = process.memoryUsage.rss();
    holder.kept = null;
    const settled = await settleRss();
    expect(before - settled.rssBytes).toBeGreaterThan(120 * MIB);
  });

  it('says it was cut short when RSS still falls at the time bound', async () => {
    const falling = Array.from({ length: 100 }, (_, index) => (500 - 5 * index) * MIB);
    const settled = await settleRss(fakeSource(falling, 10));
    expect(settled.report.status).toBe('cut-short');
    expect(settled.report.durationMs).toBeLessThanOrEqual(60);
  });

  it('says so where V8 gives no gc()', async () => {
    const settled = await settleRss({ ...fakeSource([MIB]), collect: null });
    expect(settled.report.status).toBe('unavailable');
  });

  it('gives back a dropped 256 MiB temporary in this very process (real V8, real RSS)', async () => {
    expect(v8Collect()).not.toBeNull();
    const before = process.memoryUsage.rss();
    (() => {
      const temporary = new Float64Array(32 * MIB).fill(1);
      return temporary[5];
    })();
    expect(process.memoryUsage.rss() - before).toBeGreaterThan(200 * MIB);
    const settled = await settleRss();
    expect(settled.report.status).toBe('settled');
    expect(settled.rssBytes - before).toBeLessThan(20 * MIB);
  });
});
