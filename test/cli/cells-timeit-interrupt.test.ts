import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';

/**
 * A cell that awaits perfcell.timeit when perfcell gets a SIGINT (a Ctrl-C): the cell ends
 * interrupted, and the timing stops after the batch the signal falls into, as it does in the REPL
 * and the kernel. It went on behind the interrupted cell, batch after batch, until perfcell
 * exited (a function of 1 s a call held the exit some 3 s; a QA pass). The function counts its
 * calls, and sends the SIGINT itself in its fifth (each batch one call); what it had been called
 * is written as perfcell exits. Real perfcell, real signal.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-cells-timeit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cells: a Ctrl-C while a cell awaits perfcell.timeit', () => {
  it('stops the timing after the batch it falls into, not at perfcell\'s exit', { timeout: 30_000 }, async () => {
    const file = join(dir, 'timed.js');
    writeFileSync(file, [
      '// %% setup',
      'let calls = 0;',
      "process.on('exit', () => require('node:fs').writeSync(2, `timeit calls at exit: ${calls}\\n`));",
      '// %% timed',
      "await perfcell.timeit(() => { const end = Date.now() + 50; while (Date.now() < end); if (++calls === 5) process.kill(process.pid, 'SIGINT'); }, { runs: 1000, loops: 1, warmup: 0 });",
      '// %% after',
      '1;',
      '',
    ].join('\n'));
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-perf', file], { reject: false, env: { NO_COLOR: '1' }, timeout: 20_000 });
    expect(result.signal, result.stderr).toBe('SIGINT');
    const lines = result.stderr.split('\n');
    expect(lines, result.stderr).toContain(`error: cell 'timed' failed in ${file}: interrupted by SIGINT while the cell ran`);
    // the first call (timeit's check for a promise) and four batches, the last the signal's
    expect(lines, result.stderr).toContain('timeit calls at exit: 5');
  });
});

describe.runIf(perfUsable)('cells: a Ctrl-C while a cell awaits perfcell.timeit, with perf', () => {
  /**
   * The batches timed so far are timeit's figures, shown as it ends: the interrupted cell's report
   * waits for them. It had come first (2 of 4 runs with --no-settle), timeit's line after it.
   */
  it("shows timeit's figures before the cell's report", { timeout: 30_000 }, async () => {
    const file = join(dir, 'timed-perf.js');
    writeFileSync(file, [
      '// %% setup',
      'let calls = 0;',
      '// %% timed',
      "await perfcell.timeit(() => { const end = Date.now() + 50; while (Date.now() < end); if (++calls === 5) process.kill(process.pid, 'SIGINT'); }, { runs: 1000, loops: 1, warmup: 0 });",
      '',
    ].join('\n'));
    const result = await execa(process.execPath, [cliPath, 'cells', '--no-settle', file], { reject: false, env: { NO_COLOR: '1' }, timeout: 20_000 });
    expect(result.signal, result.stderr).toBe('SIGINT');
    const lines = result.stdout.split('\n');
    // 4 runs where the signal is seen in the batch it came in; a loaded machine (the whole suite, two files at a time) has seen it a batch later
    const stopped = lines.findIndex((line) => /^warning: interrupted after [45] of 1000 runs: the figures are of those$/.test(line));
    expect(stopped, result.stdout).toBeGreaterThan(-1);
    expect(lines.findIndex((line) => line.startsWith('timed used ')), result.stdout).toBeGreaterThan(stopped);
  });
});
