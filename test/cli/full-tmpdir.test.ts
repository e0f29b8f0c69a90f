import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { runWithFullTmpdir, runsWithFullTmpdir } from '../support/full-tmpdir.ts';
import { runsWithPerf } from '../support/perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasValgrind, runsWith } from '../support/tools.ts';

/**
 * A full TMPDIR (a QA pass): perf's output file opened there, but perf could not write it, so the
 * cells' shared perf never became ready and each cell fell back to a perf of its own, whose
 * launcher was then named as the user's stray process ("cell 'b' left a process running");
 * compare's perfs waited out their 5 s acknowledgement; doctor said all was well. Real perfcell,
 * real perf, a real 64 KiB tmpfs mounted full (in a mount namespace of the command's own).
 */
const tempFolder = temporaryFolders('each');
const PC = [process.execPath, cliPath];
const CELLS = '// %% a\nlet x = 0; for (let i=0;i<1e6;i++) x+=i;\n// %% b\nconst y = [1,2,3].map(v=>v*2);\n';
const NO_ROOM = (folder: string): string =>
  `warning: no room for perf's counts: TMPDIR (${folder}) is full (ENOSPC), and so is /dev/shm (free space there, or point TMPDIR at a folder with room); measuring RAM, time and CPU only`;

/** A folder with cells1.ts, and an empty folder to mount as TMPDIR. */
function setUp(): { work: string; tmp: string } {
  const work = tempFolder('perfcell-full-tmpdir-work-');
  writeFileSync(join(work, 'cells1.ts'), CELLS);
  return { work, tmp: tempFolder('perfcell-full-tmpdir-') };
}

interface CellsDocument {
  cells: Array<{ title: string; report: { warnings: string[]; counters: { backend: string } } }>;
}

describe.runIf(runsWithFullTmpdir('perfcell with a full TMPDIR') && runsWithPerf('perfcell with a full TMPDIR'))('a full TMPDIR', () => {
  it('with room in /dev/shm: cells count in every cell, and no perfcell process is named as a cell\'s', async () => {
    const { work, tmp } = setUp();
    const result = await runWithFullTmpdir(tmp, [...PC, 'cells', '-e', 'page-faults', '--json', 'cells1.ts'], { cwd: work });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/left a process running|did not acknowledge/);
    const cells = (JSON.parse(result.stdout) as CellsDocument).cells;
    expect(cells.map((cell) => [cell.title, cell.report.counters.backend, cell.report.warnings])).toEqual([
      ['a', 'perf', []],
      ['b', 'perf', []],
    ]);
  }, 60_000);

  it('with room in /dev/shm: compare of commands counts without waiting for perf', async () => {
    const { work, tmp } = setUp();
    const startedMs = Date.now();
    const result = await runWithFullTmpdir(tmp, [...PC, 'compare', '-e', 'page-faults', '-r', '2', '--json', '--', 'true', 'sleep 0.01'], { cwd: work });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/did not acknowledge|warning/);
    // a perf that waits out its acknowledgement takes 5 s
    expect(Date.now() - startedMs).toBeLessThan(4000);
    const document = JSON.parse(result.stdout) as { alternatives: Array<{ runs: Array<Record<string, unknown>> }> };
    expect(Object.keys(document.alternatives[0]?.runs[0] ?? {})).toContain('page-faults');
  }, 60_000);

  it('and /dev/shm full too: cells say why once and go on without counters, with no stray process', async () => {
    const { work, tmp } = setUp();
    const result = await runWithFullTmpdir(tmp, [...PC, 'cells', '-e', 'page-faults', 'cells1.ts'], { cwd: work, shmFull: true });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('warning: '))).toEqual([NO_ROOM(tmp)]);
    expect(result.stdout).toMatch(/^a used .* MiB RAM/m);
    expect(result.stdout).toMatch(/^b used /m);
  }, 60_000);

  it('and /dev/shm full too: compare says why once, for cells and for commands', async () => {
    const { work, tmp } = setUp();
    // -e: with no room perf is given up on even for events asked for by name
    for (const argv of [['compare', '-e', 'page-faults', 'cells1.ts', '--cells', 'a', 'b', '-r', '2'], ['compare', '-e', 'page-faults', '-r', '2', '--', 'true', 'sleep 0.01']]) {
      const startedMs = Date.now();
      const result = await runWithFullTmpdir(tmp, [...PC, ...argv], { cwd: work, shmFull: true });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr.split('\n').filter((line) => line.startsWith('warning: ')), argv.join(' ')).toEqual([NO_ROOM(tmp)]);
      expect(result.stdout).toMatch(/^Summary/m);
      expect(Date.now() - startedMs).toBeLessThan(4000);
    }
  }, 60_000);

  it('doctor says where perf\'s output goes, and names the fix', async () => {
    const { work, tmp } = setUp();
    const verdictOf = async (shmFull: boolean): Promise<unknown> => {
      const result = await runWithFullTmpdir(tmp, [...PC, 'doctor', '--json'], { cwd: work, shmFull });
      const verdicts = (JSON.parse(result.stdout) as { verdicts: Array<{ check: string }> }).verdicts;
      return verdicts.find((verdict) => verdict.check === 'perf-output');
    };
    const fix = 'free space there, or point TMPDIR at a folder with room';
    expect(await verdictOf(false)).toMatchObject({ status: 'warn', summary: `TMPDIR (${tmp}) is full (ENOSPC): perf's output goes to /dev/shm instead`, fix });
    expect(await verdictOf(true)).toMatchObject({ status: 'fail', summary: `no room for perf's counts: TMPDIR (${tmp}) is full (ENOSPC), and so is /dev/shm`, fix });
  }, 60_000);
});

describe.runIf(runsWithFullTmpdir('cachegrind with a full TMPDIR') && runsWith('valgrind', hasValgrind, 'cachegrind with a full TMPDIR'))('cachegrind with a full TMPDIR', () => {
  it('fails naming the fix, not valgrind', async () => {
    const { work, tmp } = setUp();
    const result = await runWithFullTmpdir(tmp, [...PC, 'run', '--backend', 'cachegrind', '--', 'true'], { cwd: work });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`error: no room for cachegrind's output: TMPDIR (${tmp}) is full (ENOSPC) (free space there, or point TMPDIR at a folder with room)`);
  }, 60_000);
});
