import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';

/**
 * A cell that awaits perfcell.compare when perfcell gets a SIGINT (a Ctrl-C): the runs measured so
 * far are shown, with how many each alternative got and what stopped them, before the cell's report,
 * and the cell ends interrupted. They had been thrown away with the signal's reason (timeit showed
 * its batches; compare printed nothing of its rounds). `a` counts its calls and sends the SIGINT
 * itself in its fourth (the first is compare's check for a promise, then one call a run); what it
 * had been called is written as perfcell exits. --no-settle: the cell's report came quick enough
 * then that perfcell had exited before the comparison stopped. Real perfcell, real perf, real signal.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-cells-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(perfUsable)('cells: a Ctrl-C while a cell awaits perfcell.compare', () => {
  it('shows the runs measured so far, marked interrupted, before the cell\'s report', { timeout: 40_000 }, async () => {
    const file = join(dir, 'compared.js');
    writeFileSync(file, [
      '// %% setup',
      'let calls = 0;',
      "process.on('exit', () => require('node:fs').writeSync(2, `a calls at exit: ${calls}\\n`));",
      '// %% compared',
      'await perfcell.compare({',
      "  a: () => { const end = Date.now() + 300; while (Date.now() < end); if (++calls === 4) process.kill(process.pid, 'SIGINT'); },",
      '  b: () => { const end = Date.now() + 10; while (Date.now() < end); },',
      '}, { runs: 1000, loops: 1, warmup: 0 });',
      '// %% after',
      '1;',
      '',
    ].join('\n'));
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-settle', file], { reject: false, env: { NO_COLOR: '1' }, timeout: 30_000 });
    const both = `${result.stdout}\n${result.stderr}`;
    expect(result.signal, both).toBe('SIGINT');
    expect(result.stderr.split('\n'), both).toContain(`error: cell 'compared' failed in ${file}: interrupted by SIGINT while the cell ran`);
    const lines = result.stdout.split('\n');
    // a's runs are its calls but the first; b ran in each round a ran in, or in one fewer
    const calls = Number(/^a calls at exit: (\d+)$/m.exec(result.stderr)?.[1]);
    expect(calls, both).toBe(4);
    const runsOf = (name: string): number => Number(new RegExp(`^${name}  .* per call \\(median .*; (\\d+) runs? × 1 call\\)$`).exec(lines.find((line) => line.startsWith(`${name}  `)) ?? '')?.[1]);
    expect(runsOf('a'), result.stdout).toBe(calls - 1);
    expect([calls - 2, calls - 1], result.stdout).toContain(runsOf('b'));
    const stopped = lines.findIndex((line) => /^interrupted by SIGINT after \d complete rounds?; the results above hold the runs that finished$/.test(line));
    expect(stopped, result.stdout).toBeGreaterThan(-1);
    // the comparison's lines, then the cell's report: perfcell had exited before them
    expect(lines.findIndex((line) => line.startsWith('a  ')), result.stdout).toBeLessThan(stopped);
    expect(lines.findIndex((line) => line.startsWith('compared used ')), result.stdout).toBeGreaterThan(stopped);
    expect(result.stdout).toMatch(/^compared +\d+ .* interrupted$/m);
  });
});
