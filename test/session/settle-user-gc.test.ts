import { afterAll, describe, expect, it } from 'vitest';

/**
 * A script's own global `gc` (the benchmark habit `globalThis.gc ??= () => {}` where node runs
 * without --expose-gc) is not V8's collection: settling must not take it for one. It had been used
 * whatever it was: measure(fn) called the script's no-op twice a window and called its final
 * memory `settled` with nothing collected (a dropped 128 MiB temporary read 14.9 MiB used in one
 * run, 0.4 in the next, as V8 happened to collect on its own).
 */
const MIB = 1024 * 1024;
const global = globalThis as { gc?: unknown };
const original = global.gc;
let userGcCalls = 0;
// Set before perfcell's modules load, as a script's polyfill at its top is.
const userGc = (): void => {
  userGcCalls += 1;
};
global.gc = userGc;

afterAll(() => {
  global.gc = original;
});

describe("settling beside a script's own global gc", () => {
  it("collects with V8's gc, never the script's function", async () => {
    const { v8Collect } = await import('../../src/session/settle.ts');
    const collect = v8Collect();
    expect(collect).not.toBeNull();
    expect(collect).not.toBe(userGc);
    const { measure } = await import('../../src/index.ts');
    const report = await measure(() => {
      const temporary = new Float64Array(16 * MIB).fill(1);
      return temporary[3];
    }, { perf: false });
    expect(userGcCalls).toBe(0);
    expect(report.memory.settle?.status).toBe('settled');
    // the 128 MiB temporary is collected by the settling, not left to read as kept
    expect(report.memory.usedBytes).toBeLessThan(8 * MIB);
    expect(report.memory.peakAboveFinalBytes).toBeGreaterThan(120 * MIB);
    expect(global.gc).toBe(userGc);
  });
});
