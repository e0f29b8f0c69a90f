import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/repl/evaluator.ts';

describe('createEvaluator: the REPL evaluation, one scope for many sources', () => {
  const evaluator = createEvaluator();
  afterAll(() => evaluator.close());

  it('keeps const, let, class and function declarations across sources', async () => {
    await evaluator.evaluate('const base = 40; let step = 1');
    await evaluator.evaluate('class Counter { constructor(n) { this.n = n } next() { return this.n + step } }');
    await evaluator.evaluate('function make() { return new Counter(base + 1) }');
    expect(await evaluator.evaluate('make().next()')).toBe(42);
  });

  it("loads a local TypeScript module as the REPL does, by import, import() or require() (node:repl's refused it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-evaluator-ts-'));
    try {
      writeFileSync(join(dir, 'matrix.ts'), 'export interface Shape { n: number }\nexport const twice = (n: number): number => n * 2;\n');
      const file = JSON.stringify(join(dir, 'matrix.ts'));
      await evaluator.evaluate(`import { twice } from ${file}`);
      expect(await evaluator.evaluate('twice(21)')).toBe(42);
      expect(await evaluator.evaluate(`(await import(${file})).twice === twice && require(${file}).twice === twice`)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a TypeScript module's own line in a stack through it, as the REPL does (the compiled one's had been named)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfcell-evaluator-ts-'));
    try {
      const file = join(dir, 'thrower.ts');
      writeFileSync(file, 'export function fail(n: number): number {\n  const x: number = n;\n  if (x > 1) throw new Error(`boom ${x}`);\n  return x;\n}\n');
      const thrown = await evaluator.evaluate(`(await import(${JSON.stringify(file)})).fail(2)`).catch((error: unknown) => error);
      expect(String((thrown as Error).stack)).toContain(`${file}:3:20`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A review: createEvaluator ran esbuild's strip without its source map, so a TypeScript
  // source's frames were the stripped code's positions (`fail (cell:2:9)` for a throw typed at
  // 2:32, `cell:4:1` for its call at 3:1), and every source ran under the one name `cell`, which no
  // map could tell apart.
  it("names each source's frames by its own name, at the lines and columns as typed, an earlier TypeScript source's too", async () => {
    const typed = createEvaluator();
    const framesOf = (error: unknown): string[] => String((error as Error).stack).split('\n').filter((line) => /^\s+at .*cell/.test(line));
    try {
      const first = await typed.evaluate("interface Shape { side: number }\nfunction fail(): never { throw new Error('typed') }\nfail()").catch((error: unknown) => error);
      expect(framesOf(first)).toEqual(['    at fail (cell[1]:2:32)', '    at cell[1]:3:1']);
      await typed.evaluate('interface Box { inner?: { size: number } }\nfunction sizeOf(box: Box): number {\n  return (box as any).inner.size;\n}');
      const later = await typed.evaluate('type Unused = number;\nconst viaArrow = (box: Box): number => sizeOf(box);\nviaArrow({})').catch((error: unknown) => error);
      expect(framesOf(later)).toEqual(['    at sizeOf (cell[2]:3:29)', '    at viaArrow (cell[3]:2:40)', '    at cell[3]:3:1']);
    } finally {
      typed.close();
    }
  });

  it('refuses an evaluate() after close(), naming the fix (it had run on in the closed REPL)', async () => {
    const closed = createEvaluator();
    expect(await closed.evaluate('1 + 1')).toBe(2);
    closed.close();
    await expect(closed.evaluate('1 + 1')).rejects.toThrow('evaluate() after close(): create another evaluator (createEvaluator)');
  });

  it('reads TypeScript where the source needs it', async () => {
    await evaluator.evaluate('const typed: number = 20; interface Shape { side: number }');
    expect(await evaluator.evaluate('const square = (s: Shape): number => s.side * typed; square({ side: 2 })')).toBe(40);
  });

  it('settles with the awaited value only when a top-level await settles', async () => {
    const startMs = performance.now();
    expect(await evaluator.evaluate('const late = await new Promise((r) => setTimeout(() => r(7), 150)); late * 6')).toBe(42);
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(145);
    expect(await evaluator.evaluate('late')).toBe(7);
  });

  it('rejects with exactly what the source threw, and goes on', async () => {
    // declared here, not by an earlier test: the scope goes on after the throws whatever the order
    await evaluator.evaluate('const before = 40');
    const thrown = await evaluator.evaluate('throw new RangeError("too far")').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(RangeError);
    expect((thrown as Error).message).toBe('too far');
    await expect(evaluator.evaluate('throw 42')).rejects.toBe(42);
    await expect(evaluator.evaluate('await Promise.reject(new TypeError("later"))')).rejects.toThrow(TypeError);
    expect(await evaluator.evaluate('before + 2')).toBe(42);
  });

  it('rejects source that does not parse with a SyntaxError', async () => {
    await expect(evaluator.evaluate('function broken( {')).rejects.toThrow(SyntaxError);
    await expect(evaluator.evaluate('let = = 1')).rejects.toThrow(SyntaxError);
  });

  it('runs queued sources one after another', async () => {
    await evaluator.evaluate('globalThis.order = []');
    await Promise.all([
      evaluator.evaluate('await new Promise((r) => setTimeout(r, 50)); order.push(1)'),
      evaluator.evaluate('order.push(2)'),
    ]);
    expect(await evaluator.evaluate('order.join()')).toBe('1,2');
  });

  it('has gc() in scope', async () => {
    expect(await evaluator.evaluate('typeof gc')).toBe('function');
  });
});
