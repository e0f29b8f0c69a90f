import { describe, expect, it } from 'vitest';
import { measure } from '../../src/index.ts';
import { renderReportText } from '../../src/render/report-text.ts';
import { v8Collect } from '../../src/session/settle.ts';

/**
 * measure(fn)'s heap view (perfcell's own process: process.memoryUsage() at the window's start and
 * after settling) against allocations of a known size. The garbage of earlier tests is collected
 * first, so the start reading holds none that settling would take off the delta. No perf needed.
 */
const MIB = 1024 * 1024;
// Holds what a command keeps, so it is still referenced when the window reads the heap.
const holder: { kept: unknown } = { kept: null };

function collect(): void {
  const gc = v8Collect();
  if (gc === null) throw new Error('V8 refused --expose-gc: the heap deltas cannot be checked against a clean start');
  gc();
  gc();
}

describe('measure(fn) heap deltas', () => {
  it('reads 2^21 doubles kept in a regular Array as +16 MiB of JS heap, nothing in array buffers', async () => {
    holder.kept = null;
    collect();
    const report = await measure(() => {
      // A FixedDoubleArray of 2^21 × 8 bytes on V8's heap.
      holder.kept = new Array(2 ** 21).fill(0.5);
    }, { perf: false });
    const heap = report.memory.heap;
    expect(heap).toBeDefined();
    expect(heap?.heapUsedDeltaBytes).toBeGreaterThanOrEqual(15.5 * MIB);
    expect(heap?.heapUsedDeltaBytes).toBeLessThanOrEqual(17.5 * MIB);
    expect(Math.abs(heap?.arrayBuffersDeltaBytes ?? Infinity)).toBeLessThan(1 * MIB);
    expect(renderReportText(report)).toMatch(new RegExp(`\\n\\s+heap used \\+${((heap?.heapUsedDeltaBytes ?? NaN) / MIB).toFixed(1)} MiB, external [+-]\\d\\.\\d MiB, array buffers [+-]\\d\\.\\d MiB`));
  });

  it('reads a kept 128 MiB Float64Array as +128 MiB of array buffers and external memory, the JS heap unmoved', async () => {
    holder.kept = null;
    collect();
    const report = await measure(() => {
      holder.kept = new Float64Array(16 * MIB).fill(1);
    }, { perf: false });
    const heap = report.memory.heap;
    expect(heap?.arrayBuffersDeltaBytes).toBeGreaterThanOrEqual(127.5 * MIB);
    expect(heap?.arrayBuffersDeltaBytes).toBeLessThanOrEqual(128.5 * MIB);
    expect(heap?.externalDeltaBytes).toBeGreaterThanOrEqual(127.5 * MIB);
    expect(heap?.externalDeltaBytes).toBeLessThanOrEqual(128.5 * MIB);
    expect(Math.abs(heap?.heapUsedDeltaBytes ?? Infinity)).toBeLessThan(2 * MIB);
    expect(renderReportText(report)).toContain('array buffers +128.0 MiB');
  });

  it('reads the same 128 MiB dropped before the window ends as no array buffers kept (the delta is after settling)', async () => {
    holder.kept = null;
    collect();
    const report = await measure(() => new Float64Array(16 * MIB).fill(1)[3], { perf: false });
    expect(report.memory.settle?.status).toBe('settled');
    expect(Math.abs(report.memory.heap?.arrayBuffersDeltaBytes ?? Infinity)).toBeLessThan(1 * MIB);
    expect(Math.abs(report.memory.heap?.heapUsedDeltaBytes ?? Infinity)).toBeLessThan(2 * MIB);
    holder.kept = null;
  });
});
