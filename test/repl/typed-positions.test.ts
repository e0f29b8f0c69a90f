import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { columnBeforeRewrite } from '../../src/repl/line-rewrite-columns.ts';
import { createTypedPositions, type PositionStep } from '../../src/repl/typed-positions.ts';

/** esbuild's strip of `typed` with its source map, as typescript.ts asks for it. */
function stripped(typed: string): PositionStep {
  const { map } = transformSync(typed, { loader: 'ts', sourcefile: 'REPL', sourcemap: 'external' });
  return { kind: 'map', map };
}

// esbuild's code for them: 'function sizeOf(box) {\n  return box.inner.size;\n}\n' and
// 'const viaArrow = (box) => sizeOf(box);\nviaArrow({});\n'
const DEFINES = 'interface Box { inner?: { size: number } }\nfunction sizeOf(box: Box): number {\n  return (box as any).inner.size;\n}';
const CALLS = 'type Unused = number;\nconst viaArrow = (box: Box): number => sizeOf(box);\nviaArrow({})';
const RAN_STACK = "TypeError: Cannot read properties of undefined (reading 'size')\n    at sizeOf (cell[1]:2:20)\n    at viaArrow (cell[2]:1:27)\n    at cell[2]:2:1\n    at node:internal/process/task_queues:95:5";

describe('createTypedPositions: frames at the positions as typed, by the file each command ran under', () => {
  it("maps each frame by its own command's steps, a function of one command called from another", () => {
    const positions = createTypedPositions();
    positions.ran('cell[1]', [stripped(DEFINES)]);
    positions.ran('cell[2]', [stripped(CALLS)]);
    expect(positions.typedStack(RAN_STACK)).toBe("TypeError: Cannot read properties of undefined (reading 'size')\n    at sizeOf (cell[1]:3:29)\n    at viaArrow (cell[2]:2:40)\n    at cell[2]:3:1\n    at node:internal/process/task_queues:95:5");
  });

  it('leaves the frames of a name that ran two commands as they ran: which command a frame is in cannot be told', () => {
    const positions = createTypedPositions();
    positions.ran('cell', [stripped(DEFINES)]);
    positions.ran('cell', [stripped(CALLS)]);
    const stack = '    at sizeOf (cell:2:20)\n    at viaArrow (cell:1:27)';
    expect(positions.typedStack(stack)).toBe(stack);
  });

  it('takes the steps back in the order they were taken: a rewrite of the imports, then the strip', () => {
    const typed = 'import { f } from "m"; const n: number = f(); g(n)';
    const rewritten = 'const { f } = await import("m"); const n: number = f(); g(n)';
    const positions = createTypedPositions();
    positions.ran('REPL1', [{ kind: 'rewrite', before: typed, after: rewritten }, stripped(rewritten)]);
    // esbuild's 'const { f } = await import("m");\nconst n = f();\ng(n);\n': g at 3:1, typed at 1:46
    expect(positions.typedStack('    at REPL1:3:1')).toBe(`    at REPL1:1:${typed.indexOf('g(n)') + 1}`);
  });

  it('leaves a command that ran as typed, and a position inside a rewrite, as they ran', () => {
    const positions = createTypedPositions();
    positions.ran('REPL1', [{ kind: 'rewrite', before: 'f()', after: 'f()' }]);
    positions.ran('REPL2', [{ kind: 'rewrite', before: 'import { f } from "m"; g()', after: 'const { f } = await import("m"); g()' }]);
    expect(positions.typedStack('    at REPL1:1:1\n    at REPL2:1:20\n    at REPL2:1:34')).toBe('    at REPL1:1:1\n    at REPL2:1:20\n    at REPL2:1:24');
  });
});

describe('columnBeforeRewrite', () => {
  it("moves a column of the line's unchanged end back by the change's length, keeps one of its unchanged start, and has none inside the change", () => {
    const before = 'import { f } from "m"; g()';
    const after = 'const { f } = await import("m"); g()';
    expect(columnBeforeRewrite(before, after, 34)).toBe(24);
    expect(columnBeforeRewrite(before, after, 1)).toBeNull();
    expect(columnBeforeRewrite('x; import("./m.ts")', 'x; import("/abs/m.ts")', 1)).toBe(1);
    expect(columnBeforeRewrite('f()', 'f()', 2)).toBe(2);
  });
});
