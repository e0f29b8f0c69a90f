import { afterEach, describe, expect, it } from 'vitest';
import { createCellEvaluator, type CellEvaluator, type CellFailure } from '../../src/experiment/cell-evaluator.ts';

let evaluator: CellEvaluator | null = null;
afterEach(() => {
  evaluator?.close();
  evaluator = null;
});

const cell = (code: string, title = 'c', startLine = 2) => ({ title, code, startLine });

describe('guarded cells own their failures', () => {
  it('turns process.exit(3) in a cell into that cell\'s failure with exitCode 3; perfcell goes on', async () => {
    evaluator = createCellEvaluator('/tmp/guard.js');
    const outcome = await evaluator.run(evaluator.prepare(cell('const before = 1;\nprocess.exit(3);')));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.exitCode).toBe(3);
    expect(outcome.failure.message).toBe('the cell called process.exit(3)');
    expect(outcome.failure.line).toBe(3);
    const next = await evaluator.run(evaluator.prepare(cell('if (before !== 1) throw new Error("lost scope");')));
    expect(next.ok).toBe(true);
  });

  it('gives a throw inside a timer to the cell that is awaiting', async () => {
    evaluator = createCellEvaluator('/tmp/guard.js');
    const outcome = await evaluator.run(evaluator.prepare(cell('setTimeout(() => { throw new Error("late boom"); }, 5);\nawait new Promise((r) => setTimeout(r, 200));')));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.failure.message).toBe('Error: late boom');
  });

  it('hands an unhandled rejection between cells to the last cell', async () => {
    const strays: Array<{ failure: CellFailure; title: string | null }> = [];
    evaluator = createCellEvaluator('/tmp/guard.js', { onStrayFailure: (failure, title) => strays.push({ failure, title }) });
    const outcome = await evaluator.run(evaluator.prepare(cell('setTimeout(() => Promise.reject(new Error("nobody awaits me")), 1);', 'fire and forget')));
    expect(outcome.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(strays).toHaveLength(1);
    expect(strays[0]?.title).toBe('fire and forget');
    expect(strays[0]?.failure.message).toBe('Error: nobody awaits me');
    evaluator.close();
    evaluator = null;
    process.removeAllListeners('uncaughtException');
    process.removeAllListeners('unhandledRejection');
  });

  it('ends an await that never settles after the cell timeout', async () => {
    evaluator = createCellEvaluator('/tmp/guard.js', { timeoutS: 0.2 });
    const started = performance.now();
    const outcome = await evaluator.run(evaluator.prepare(cell('await new Promise(() => {});')));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.failure.message).toBe('the cell did not finish within 0.2 s (--cell-timeout 0.2)');
    const next = await evaluator.run(evaluator.prepare(cell('1 + 1')));
    expect(next.ok).toBe(true);
  });
});

describe('--cell-timeout and a synchronous endless loop', () => {
  it('ends the loop (V8 terminates the evaluation) and the scope goes on', async () => {
    evaluator = createCellEvaluator('/tmp/guard.js', { timeoutS: 0.3 });
    const outcome = await evaluator.run(evaluator.prepare(cell('const kept = 5;\nwhile (true) {}')));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.failure.message).toBe('the cell did not finish within 0.3 s (--cell-timeout 0.3)');
    const next = await evaluator.run(evaluator.prepare(cell('if (typeof kept !== "undefined" && kept !== 5) throw new Error("scope");')));
    expect(next.ok).toBe(true);
  });
});
