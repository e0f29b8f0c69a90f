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
  readonly frames: number;
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

// A child with --expose-gc runs the built code, so heapUsed after a full gc is exact and vitest's
// own heap is not in the numbers.
describe('attach soak: a million intervals', () => {
  it('keeps memory flat and the summary exact', async () => {
    expect(existsSync(join(root, 'dist', 'src', 'attach', 'watch-state.js')), 'dist/ is missing: run npm run build first').toBe(true);
    const child = await execa(process.execPath, ['--expose-gc', '--max-old-space-size=64', script, '1000000'], {
      timeout: 170_000,
      forceKillAfterDelay: 1_000,
      reject: false,
    });
    expect(child.exitCode, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout) as SoakResult;
    const heaps = result.checkpoints.map((checkpoint) => checkpoint.heapUsedBytes);
    console.log(
      `soak: ${result.rows} intervals × 3 events in ${result.elapsedS.toFixed(1)} s; heapUsed after gc at each 100k: ` +
        `${heaps.map((bytes) => (bytes / MIB).toFixed(2)).join(' ')} MiB; at the end ${(result.finalHeapUsedBytes / MIB).toFixed(2)} MiB`,
    );
    expect(result.rows).toBe(1_000_000);
    expect(result.summedFaults).toBe(result.expectedFaults);
    expect(result.keptSamples).toBe(600);
    expect(result.seriesPoints).toBeLessThanOrEqual(1000);
    expect(result.rssSeriesPoints).toBeLessThanOrEqual(1000);
    expect(result.unsupported).toEqual(['cache-misses']);
    expect(result.frames).toBe(1000);
    // Flat: from 100k to 1M intervals the live heap may wobble but not grow. A leak of even
    // 8 bytes per interval would add 7 MiB here.
    expect(heaps).toHaveLength(10);
    expect(Math.max(...heaps) - Math.min(...heaps)).toBeLessThan(2 * MIB);
    expect(result.finalHeapUsedBytes - (heaps[0] ?? 0)).toBeLessThan(2 * MIB);
  }, 180_000);
});
