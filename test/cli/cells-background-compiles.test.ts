import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { runsWithPerf } from '../support/perf.ts';

/**
 * V8 optimizes perfcell's own code (perf's lines parsed, reports built) on a background thread of
 * perfcell's process, which perf counts: left alone, that compile landed in the next cell's window.
 * In files of twelve cells that each await 500 ms and so do nothing themselves, two or three
 * cells (the fifth to the tenth) read 14-42 ms of task-clock and 281-766 page-faults in each of five
 * runs of the build before the fix; with V8's background compiles awaited before each window (or
 * with `node --no-concurrent-recompilation`), every cell after the first read 0.5-2.5 ms and at most
 * 9. Real perf, real cells.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-compiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(runsWithPerf("cells' counts without perfcell's compiles"))("a cell's counts hold none of V8's compiling of perfcell's own code", () => {
  it('reads about nothing in each of twelve cells that only await', { timeout: 60_000 }, async () => {
    const file = join(dir, 'awaits.js');
    writeFileSync(file, Array.from({ length: 12 }, (_, index) => `// %% wait ${index + 1}\nawait new Promise((resolve) => setTimeout(resolve, 500));\n`).join(''));
    const result = await execa(process.execPath, [cliPath, 'cells', '-e', 'task-clock,page-faults', '--json', file], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const cells = (JSON.parse(result.stdout) as { cells: Array<{ title: string; report: { counters: { events: Array<{ event: string; total: number }> } } }> }).cells;
    expect(cells).toHaveLength(12);
    const rows = cells.map((cell) => Object.fromEntries(cell.report.counters.events.map((event) => [event.event, event.total])));
    const shown = JSON.stringify(rows);
    // the first cell compiles the machinery of its own await (some 150 page-faults with a perf per cell too)
    for (const row of rows.slice(1)) {
      expect(row['task-clock'], shown).toBeLessThan(8);
      expect(row['page-faults'], shown).toBeLessThan(60);
    }
  });
});
