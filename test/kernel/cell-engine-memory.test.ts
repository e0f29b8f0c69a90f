import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

/** Runs a cell and keeps nothing of it but how it ended, so this test's own frames hold no value of a cell. */
async function runCell(code: string): Promise<string> {
  return (await engine!.run(code)).outcome.kind;
}

// The notebook kernel's engine in this process, perf off (memory needs no perf). A cell's value and
// a cell's throw are the notebook's to show; once later cells have run, nothing of the kernel holds
// them, as the REPL lets go of a value once `_` holds the next one, and of a throw once the next
// one is its `_error`.
describe("the notebook kernel lets go of a cell's value and of its throw", () => {
  it('after later cells, a gc() collects what an earlier cell returned, and a throw once another cell threw', { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    // referenced by the outcome alone: the cell's own scope keeps no name for them
    expect(await runCell('(() => { const value = { cell: 1 }; globalThis.valueRef = new WeakRef(value); return value; })()')).toBe('value');
    expect(await runCell('(() => { const error = new Error("cell 2"); globalThis.errorRef = new WeakRef(error); throw error; })()')).toBe('thrown');
    // node:repl keeps the last throw (its `_error`), as the REPL does: a second one takes its place
    expect(await runCell('throw new Error("cell 3")')).toBe('thrown');
    expect(await runCell('1')).toBe('value');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const released = await engine.run('gc(); gc(); [valueRef.deref() === undefined, errorRef.deref() === undefined]');
    expect(released.outcome.value).toEqual([true, true]);
  });
});
