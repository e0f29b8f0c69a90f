import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createCellContext } from '../../src/experiment/cell-context.ts';

// A contextified global (vm.createContext({})) answers every lookup of a global through an
// interceptor V8 cannot cache: a cell's `Math.sqrt` loop ran 22× slower than in plain Node. How
// much slower a cell runs is a benchmark (scripts/bench-cell-speed.mjs); this checks the cause is gone.
describe('the cells context', () => {
  it('is a plain global of its own, not a contextified object: the context is its own globalThis', () => {
    const context = createCellContext('cell-context test');
    expect(vm.runInContext('globalThis', context)).toBe(context);
    expect(vm.runInContext('Math', context)).not.toBe(Math);
    // what is defined on it is what code in it sees
    Object.defineProperty(context, 'probe', { value: 7, writable: true, configurable: true });
    expect(vm.runInContext('probe * 6', context)).toBe(42);
    expect(vm.runInContext('var declared = 1; Object.getOwnPropertyDescriptor(globalThis, "declared").value', context)).toBe(1);
    expect((context as { declared?: number }).declared).toBe(1);
  });
});
