import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { createCellEngine, type CellEngine } from '../../src/kernel/cell-engine.ts';
import { errorContent } from '../../src/kernel/display.ts';

let engine: CellEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

// A review: every cell runs under the one file name `cell`, and the columns of a cell's first line
// were moved back by the start mark's length as the last cell ran it (node:repl's top-level await
// rewrite made it three characters longer), so a function of a plain cell thrown from a later
// `await` cell read `thrower (cell:1:25)` where node's REPL reads 28.
describe("the kernel's tracebacks, for a function of one cell called from later cells", () => {
  it("name the columns node's REPL names, whether the calling cell awaits or not", { timeout: 60_000 }, async () => {
    const cells = ['function thrower() { throw new Error("thrown") }', 'thrower()', 'await 1; thrower()', 'thrower()'];
    engine = createCellEngine({ measure: { perf: false }, onProblem: (message) => console.warn(message) });
    const frames: string[] = [];
    for (const code of cells) {
      const run = await engine.run(code);
      if (run.outcome.kind === 'thrown') frames.push(...(errorContent(run.outcome.value).traceback.join('\n').match(/cell:\d+:\d+/g) ?? []));
    }
    expect(frames).toEqual(['cell:1:28', 'cell:1:28', 'cell:1:42', 'cell:1:28']);
    // node -i, piped the same lines, each its own REPLn: its columns are the truth
    const node = await execa(process.execPath, ['-i'], { input: `${cells.join('\n')}\n`, reject: false, timeout: 30_000, env: { NO_COLOR: '1', NODE_REPL_HISTORY: '' } });
    expect(frames.sort()).toEqual((node.stdout.match(/REPL\d+:\d+:\d+/g) ?? []).map((frame) => frame.replace(/^REPL\d+/, 'cell')).sort());
  });
});
