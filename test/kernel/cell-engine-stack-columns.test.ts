import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';
import { errorContent } from '../../src/kernel/display.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

/** The `cell[N]:LINE:COLUMN` frames of the tracebacks the kernel's cells end with, run one after another (the Nth under `cell[N]`). */
async function kernelFrames(cells: readonly string[]): Promise<string[]> {
  engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
  const frames: string[] = [];
  for (const code of cells) {
    const run = await engine.run(code);
    if (run.outcome.kind === 'thrown') frames.push(...(errorContent(run.outcome.value).traceback.join('\n').match(/cell\[\d+\]:\d+:\d+/g) ?? []));
  }
  return frames;
}

/** What node -i prints for the same lines, piped (the nth its own REPLn, named `cell[n]` here): the truth. */
async function nodeFrames(cells: readonly string[]): Promise<string[]> {
  const node = await execa(process.execPath, ['-i'], { input: `${cells.join('\n')}\n`, reject: false, timeout: 30_000, env: { NO_COLOR: '1', NODE_REPL_HISTORY: '' } });
  return (node.stdout.match(/REPL\d+:\d+:\d+/g) ?? []).map((frame) => frame.replace(/^REPL(\d+)/, 'cell[$1]'));
}

// A review: every cell ran under the one file name `cell`, and a cell's first-line columns were
// moved back by the start mark's length as the last cell ran it, or had none.
describe("the kernel's tracebacks, for a function of one cell called from later cells", () => {
  // node:repl's top-level await rewrite made the mark three characters longer: a function of a
  // plain cell, thrown from a later `await` cell, read `thrower (cell:1:25)`.
  it("name the columns node's REPL names, whether the calling cell awaits or not", { timeout: 60_000 }, async () => {
    const cells = ['function thrower() { throw new Error("thrown") }', 'thrower()', 'await 1; thrower()', 'thrower()'];
    const frames = await kernelFrames(cells);
    expect(frames).toEqual(['cell[1]:1:28', 'cell[1]:1:28', 'cell[3]:1:42', 'cell[1]:1:28']);
    // node's piped REPL runs the next line before an await settles: its order differs
    expect(frames.sort()).toEqual((await nodeFrames(cells)).sort());
  });

  // A cell that opens with 'use strict' has no start mark (it would make the directive a plain
  // string), yet its frames, of the same file name, were moved back too: `s (cell:1:9)`.
  it("name the columns node's REPL names in a cell that opens with 'use strict', after a marked cell", { timeout: 60_000 }, async () => {
    const cells = ['1', "'use strict'; function s() { throw new Error('s') }; s()", 's()'];
    const frames = await kernelFrames(cells);
    // `new Error` at column 36 as typed
    expect(frames).toEqual(['cell[2]:1:36', 'cell[2]:1:36']);
    expect(frames).toEqual(await nodeFrames(cells));
  });
});
