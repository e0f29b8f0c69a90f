import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'test', 'fixtures', 'attach-soak.mjs');
const MIB = 1024 * 1024;

interface SoakResult {
  readonly total: number;
  readonly rows: number;
  readonly checkpoints: readonly { intervals: number; heapUsedBytes: number }[];
  readonly finalHeapUsedBytes: number;
  readonly elapsedS: number;
  readonly expectedFaults: number;
  readonly summedFaults: number | null;
  readonly keptSamples: number | null;
  readonly seriesPoints: number;
  readonly rssSeriesPoints: number;
  readonly unsupported: readonly string[];
}

// A child with --expose-gc calls attachToProcess from the built package ('perfcell', as a user
// imports it), so heapUsed after a full gc is exact and vitest's own heap is not in the numbers.
// perf is replaced by test/fixtures/fake-perf-intervals.mjs through perfPath: real perf gives one
// interval per 10 ms at best, and the soak needs 200,000 of them in under a minute.
const INTERVALS = 200_000;
describe('attach soak: attachToProcess over 200,000 intervals', () => {
  it('keeps memory flat and the summary exact', async () => {
    expect(existsSync(join(root, 'dist', 'src', 'index.js')), 'dist/ is missing: run npm run build first').toBe(true);
    const child = await execa(process.execPath, ['--expose-gc', '--max-old-space-size=64', script, String(INTERVALS)], {
      timeout: 170_000,
      forceKillAfterDelay: 1_000,
      reject: false,
    });
    expect(child.exitCode, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout) as SoakResult;
    const heaps = result.checkpoints.map((checkpoint) => checkpoint.heapUsedBytes);
    console.log(
      `soak: ${result.rows} intervals × 3 events through attachToProcess in ${result.elapsedS.toFixed(1)} s; heapUsed after gc at each 20k: ` +
        `${heaps.map((bytes) => (bytes / MIB).toFixed(2)).join(' ')} MiB; at the end ${(result.finalHeapUsedBytes / MIB).toFixed(2)} MiB`,
    );
    expect(result.rows).toBe(INTERVALS);
    expect(result.summedFaults).toBe(result.expectedFaults);
    expect(result.keptSamples).toBe(600);
    expect(result.seriesPoints).toBeLessThanOrEqual(1000);
    expect(result.rssSeriesPoints).toBeLessThanOrEqual(1000);
    expect(result.unsupported).toEqual(['cache-misses']);
    // Flat: from 20k to 200k intervals the live heap may wobble (~0.2 MiB) but not grow. A leak of
    // 8 bytes per interval would add 1.4 MiB here.
    expect(heaps).toHaveLength(10);
    expect(Math.max(...heaps) - Math.min(...heaps)).toBeLessThan(1 * MIB);
    expect(result.finalHeapUsedBytes - (heaps[0] ?? 0)).toBeLessThan(1 * MIB);
  }, 180_000);
});
