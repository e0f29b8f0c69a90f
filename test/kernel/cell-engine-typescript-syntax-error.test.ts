import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';
import { errorContent } from '../../src/kernel/display.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

// A QA pass: a notebook cell of TypeScript with a syntax error read "Unexpected token ':'" under
// its first type annotation, the error V8 gave it as JavaScript.
describe("the kernel's traceback of a TypeScript cell that does not compile", () => {
  it('names the cell line and points at the error as typed', { timeout: 60_000 }, async () => {
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const run = await engine.run('interface I { a: number }\nconst o: I = { a: 1 };\nlet s: string = o.a +;');
    expect(run.outcome.kind).toBe('thrown');
    if (run.outcome.kind !== 'thrown') return;
    const content = errorContent(run.outcome.value);
    expect(content.ename).toBe('SyntaxError');
    expect(content.traceback.join('\n')).toBe('cell[1]:3\nlet s: string = o.a +;\n                     ^\n\nSyntaxError: Unexpected ";"');
  });
});
