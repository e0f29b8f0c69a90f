import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { noCompiler } from '../../src/session/exec-helper.ts';
import { runUngated } from '../../src/session/run-ungated.ts';
import type { CommandReport, MemoryReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';

const perfcell = (args: readonly string[]) =>
  execa(process.execPath, [cliPath, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 30_000, forceKillAfterDelay: 1_000 });

/**
 * What `run` does not measure is null, never 0: no RSS is read at the program's start (it is held
 * before exec) nor at its end. Before, rssBeforeBytes was 0 beside rssAfterBytes null.
 */
function expectUnmeasuredNull(memory: MemoryReport): void {
  expect(memory).toMatchObject({ rssBeforeBytes: null, rssAfterBytes: null, usedBytes: null, peakAboveFinalBytes: null });
  // what it did measure is a real figure: a process holds some memory
  expect(memory.peakRssBytes).toBeGreaterThan(0);
  expect(Object.entries(memory).filter(([, value]) => value === 0), 'a 0 that stands for "not measured"').toEqual([]);
}

describe('run --json: a figure not measured is null, not 0', () => {
  for (const command of [['true'], ['sh', '-c', 'exit 0']]) {
    it(`${command.join(' ')} (exits at once), with perf and without`, async () => {
      for (const flags of [[], ['--no-perf']]) {
        const result = await perfcell(['run', '--json', ...flags, '--', ...command]);
        expect(result.exitCode, result.stderr).toBe(0);
        expectUnmeasuredNull((JSON.parse(result.stdout) as CommandReport).memory);
      }
    });
  }

  it('without the exec gate (runUngated) too, where a program gone before the first 10 ms sample has no peak (null, not 0)', async () => {
    const { memory } = await runUngated(['true'], { perf: false }, noCompiler('cc: ENOENT'));
    expect(memory).toMatchObject({ rssBeforeBytes: null, rssAfterBytes: null, usedBytes: null, peakAboveFinalBytes: null });
    expect(Object.entries(memory).filter(([, value]) => value === 0), 'a 0 that stands for "not measured"').toEqual([]);
    // one that lives past a sample has its sampled peak
    const slept = await runUngated(['sleep', '0.2'], { perf: false }, noCompiler('cc: ENOENT'));
    expect(slept.memory.peakRssBytes).toBeGreaterThan(0);
  });
});
