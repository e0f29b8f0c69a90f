import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { livePerfPids } from '../support/perf.ts';

/**
 * A file's cells share a long-lived perf on perfcell's own process, and perf counts with inherit:
 * a perf that perfcell forked after another had opened its counters carried copies of them, and
 * its ticks counted in that one's windows (a cell that slept 50 ms read 8-12 context-switches
 * instead of 1-3, in 3 of 5 files of 40 such cells, when a file had a group of up to four perfs).
 * perfcell's perfs are started by a launcher (perfcell-exec --perf-group, or --perf-group-early for
 * a file's one perf) that perfcell forks before any of them starts, never by perfcell itself. Real
 * perf, real perfcell runs. (A group of several perfs over one process, as startSharedPerf still
 * starts one by default: test/perf/shared-perf.test.ts.)
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-perf-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const statOf = (pid: number): { name: string; parent: number } | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) };
  } catch {
    return null;
  }
};

describe("cells' perf", () => {
  it('is started by a launcher that perfcell forks, not by perfcell itself, one for the file\'s 150 cells', async () => {
    // 150 empty cells before the wait (a group of four before 2026-12-05)
    const file = join(dir, 'many.js');
    writeFileSync(file, Array.from({ length: 150 }, (_, index) => `// %% c${index}\n1;\n`).join('') + '// %% wait\nawait new Promise((resolve) => setTimeout(resolve, 3000));\n');
    const perfcell = spawn(process.execPath, [cliPath, 'cells', file], { stdio: 'ignore' });
    const pid = perfcell.pid!;
    const ended = new Promise((resolve) => perfcell.once('exit', resolve));
    try {
      let perfs: number[] = [];
      const startMs = performance.now();
      // the file's perf: a perf process whose parent's parent is perfcell, once the cells run (the wait)
      while ((perfs = livePerfPids().filter((perf) => statOf(statOf(perf)?.parent ?? 0)?.parent === pid)).length < 1 && performance.now() - startMs < 15_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // a second would have started with the first (one launcher starts a group at once)
      await new Promise((resolve) => setTimeout(resolve, 200));
      perfs = livePerfPids().filter((perf) => statOf(statOf(perf)?.parent ?? 0)?.parent === pid);
      expect(perfs).toHaveLength(1);
      const launcher = statOf(perfs[0]!)?.parent;
      expect(statOf(launcher!)?.name).toBe('perfcell-exec');
      expect(livePerfPids().filter((perf) => statOf(perf)?.parent === pid)).toEqual([]);
    } finally {
      perfcell.kill('SIGKILL');
      await ended;
    }
  });

  it("counts in a window only the cell's own context switches, none of perf's ticks", async () => {
    const file = join(dir, 'sleeps.js');
    // 120 empty cells first, then 40 that sleep (160 in all made a group of four perfs before 2026-12-05)
    const empty = Array.from({ length: 120 }, (_, index) => `// %% empty ${index}\n1;\n`).join('');
    writeFileSync(file, empty + Array.from({ length: 40 }, (_, index) => `// %% sleep ${index}\nawait new Promise((resolve) => setTimeout(resolve, 50));\n`).join(''));
    const result = await execa(process.execPath, [cliPath, 'cells', '-e', 'context-switches', '--json', file], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const counts = (JSON.parse(result.stdout) as { cells: Array<{ title: string; report: { counters: { events: Array<{ event: string; total: number }> } } }> }).cells.filter((cell) => cell.title.startsWith('sleep')).map(
      (cell) => cell.report.counters.events.find((event) => event.event === 'context-switches')?.total ?? Number.NaN,
    );
    expect(counts).toHaveLength(40);
    const sorted = [...counts].sort((a, b) => a - b);
    // a sleeping cell switches 1-3 times; a perf's ticks counted in a window added 8-12 (the race above)
    expect(sorted[20], counts.join(' ')).toBeLessThanOrEqual(4);
    expect(counts.filter((count) => count >= 6).length, counts.join(' ')).toBeLessThanOrEqual(5);
  });
});

describe("a cell's samples", () => {
  // A QA pass: the tick that carries a window's last counts is stamped when perf prints it, after
  // counting stopped: a 0.2995 s cell's last sample read 0.3042 s, a 5 µs cell's 6.7 ms.
  it('end where its counting did: none is stamped after the cell', async () => {
    const file = join(dir, 'samples.js');
    writeFileSync(file, '// %% busy\n{ const t = performance.now(); while (performance.now() - t < 150) {} }\n// %% tiny\n1;\n'.repeat(3));
    const result = await execa(process.execPath, [cliPath, 'cells', '-e', 'task-clock', '--json', file], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const cells = (JSON.parse(result.stdout) as { cells: Array<{ title: string; report: { durationS: number; counters: { events: Array<{ countedSeconds: number; samples: Array<{ timeS: number }> }> } } }> }).cells;
    for (const cell of cells) {
      const event = cell.report.counters.events[0]!;
      const last = event.samples.at(-1)?.timeS ?? 0;
      expect(last, `${cell.title}: ${JSON.stringify(event.samples)}`).toBeLessThanOrEqual(event.countedSeconds + 1e-9);
    }
  });
});
