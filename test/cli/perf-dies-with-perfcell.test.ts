import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../support/fixtures.ts';
import { livePerfPids } from '../support/perf.ts';

/**
 * The perf that counts perfcell's own process (cells, the REPL, the kernel) dies with perfcell
 * even where perfcell is killed and nobody reaps it: perf takes a zombie target for alive, so
 * before perfcell spawned it through the gate's --die-with form (PR_SET_PDEATHSIG) it went on
 * ticking for as long as the zombie stayed. (A cells file's group of perfs now comes from one
 * launcher with PR_SET_PDEATHSIG, perfcell-exec --perf-group, whose perfs have it too.) Real perf, a real perfcell, a parent that never reaps
 * (`exec sleep`).
 */
const dir = mkdtempSync(join(tmpdir(), 'perfcell-die-with-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const statOf = (pid: number): { state: string; parent: number } | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state ?? '', parent: Number(parent) };
  } catch {
    return null;
  }
};
const until = async (done: () => boolean, limitMs: number): Promise<boolean> => {
  const startMs = performance.now();
  while (!done()) {
    if (performance.now() - startMs > limitMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
};

describe('a perf that counts perfcell itself', () => {
  it.each([
    ["a file's group of perfs (from one launcher)", ''],
    ['one perf per window, spawned by perfcell as the REPL\'s are (PERFCELL_SHARED_PERF=0)', 'PERFCELL_SHARED_PERF=0 '],
  ])('dies when perfcell is killed, though perfcell stays an unreaped zombie: %s', async (_name, environment) => {
    const file = join(dir, 'wait.js');
    writeFileSync(file, '// %% wait\nawait new Promise((resolve) => setTimeout(resolve, 30000));\n');
    // sh starts perfcell in the background, prints its pid, and becomes sleep, which never reaps it
    const parent = spawn('sh', ['-c', `${environment}"${process.execPath}" "${cliPath}" cells "${file}" >/dev/null 2>&1 & echo $!; exec sleep 60`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim()))));
      let perfs: number[] = [];
      // perfcell's perfs: its children, or its launcher's (perfcell-exec --perf-group)
      const isPerfcells = (perf: number): boolean => statOf(perf)?.parent === pid || statOf(statOf(perf)?.parent ?? 0)?.parent === pid;
      const started = await until(() => (perfs = livePerfPids().filter(isPerfcells)).length > 0, 15_000);
      expect(started, 'perfcell started no perf within 15 s').toBe(true);

      process.kill(pid, 'SIGKILL');
      expect(await until(() => statOf(pid)?.state === 'Z', 5_000), 'perfcell is a zombie: killed, not reaped').toBe(true);
      // perf is killed by the kernel at its parent's death (2 s: a loaded machine; it takes milliseconds)
      const gone = await until(() => perfs.every((perf) => statOf(perf) === null || statOf(perf)?.state === 'Z'), 2_000);
      expect(statOf(pid)?.state, 'still unreaped while perf was watched').toBe('Z');
      expect(gone, `perf ${perfs.join(', ')} outlived perfcell ${pid}`).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
