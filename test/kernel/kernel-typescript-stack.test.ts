import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCell, jupyterMissing, runNotebook } from './jupyter.ts';

interface Output {
  readonly output_type: string;
  readonly traceback?: readonly string[];
}

// esbuild drops the interface's line and the `as any`, so the function's throw runs at 2:20 of
// what cell 1 became, where it was typed at 3:29; cell 3's call of it, on its first line as it ran, was typed at 2:40.
// (node:repl cuts a stack at a cell's own top-level frame.)
const cells = [
  'interface Box { inner?: { size: number } }\nfunction sizeOf(box: Box): number {\n  return (box as any).inner.size;\n}',
  'const empty: Box = {};\nsizeOf(empty)',
  'type Unused = number;\nconst viaArrow = (box: Box): number => sizeOf(box);\nviaArrow({})',
];

/**
 * A review: every cell ran under the one file name `cell`, and typed-positions.ts maps a name only
 * while one command has run under it, so once a second cell had run, a TypeScript cell's frames
 * (a function of cell 1 thrown from cell 2) were esbuild's positions: `sizeOf (cell:2:29)`.
 */
describe.skipIf(jupyterMissing !== null)("perfcell kernel: a TypeScript cell's frames", () => {
  let dir = '';
  let tracebacks: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfcell-kernel-ts-stack-'));
    const out = runNotebook(dir, 'perfcell-ts-stack', cells.map(codeCell), { allowErrors: true, cwd: dir });
    tracebacks = (JSON.parse(out) as { cells: { outputs: Output[] }[] }).cells.map((cell) => (cell.outputs.find((output) => output.output_type === 'error')?.traceback ?? []).join('\n'));
  }, 150_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('name the cell each frame is in, at the line and column as typed, for every later cell', () => {
    expect(tracebacks[0]).toBe('');
    const frames = tracebacks.map((traceback) => traceback.split('\n').filter((line) => /^\s+at /.test(line)));
    expect(frames).toEqual([[], ['    at sizeOf (cell[1]:3:29)'], ['    at sizeOf (cell[1]:3:29)', '    at viaArrow (cell[3]:2:40)']]);
  });
});

if (jupyterMissing !== null) console.warn(jupyterMissing);
