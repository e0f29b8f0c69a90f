import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';
import { slowedPerf } from '../support/slowed-perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasStrace, runsWith } from '../support/tools.ts';
import { jupyterMissing, PYTHON } from './jupyter.ts';

const tempFolder = temporaryFolders('all');
const PAGES = 8192;
const REPORT_MIME = 'application/vnd.perfcell.report+json';

interface CellSummary {
  readonly status: string;
  readonly outputs: readonly { readonly type: string; readonly content: Record<string, unknown> }[];
}

/**
 * The kernel's one perf, stopped between cells, cuts each cell's counts out of its ticks by perf's
 * interval clock, as the REPL's does (test/session/held-perf-in-process.test.ts): a perf held after
 * each write (strace holds every write's return 30 ms, a perf preempted as it prints) reads its
 * zero late. Each cell's page-faults must still be its own 8,192 fresh pages: at once, 0.99-1.05×;
 * touched over 100 ms, whose busy wait fills V8's young generation, up to 1.2×. Real perf, real
 * strace, a real Jupyter client (jupyter_client's KernelManager, test/kernel/drive_kernel.py).
 */
describe.runIf(perfUsable && jupyterMissing === null && runsWith('strace', hasStrace, "the kernel's test with a perf held as it prints"))('perfcell kernel over a perf held after every write', () => {
  it("counts each cell's fresh pages, all at once or touched over 100 ms", async () => {
    const dir = tempFolder('perfcell-kernel-held-');
    const install = spawnSync(process.execPath, [cliPath, 'kernel', 'install', '--prefix', dir, '--name', 'perfcell-held'], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    const perfPath = slowedPerf(dir, 'perf', { syscalls: 'write', delayMs: 30 });
    const result = await execa(PYTHON, [join(import.meta.dirname, 'drive_kernel.py'), 'perfcell-held', 'held'], {
      env: { JUPYTER_PATH: join(dir, 'share', 'jupyter'), PERFCELL_PERF: perfPath },
      reject: false,
      timeout: 90_000,
      forceKillAfterDelay: 1_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const held = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { scenario: string; cells?: CellSummary[] }).find((line) => line.scenario === 'held');
    const reports = (held?.cells ?? []).map((cell) => (cell.outputs.find((output) => output.type === 'display_data')?.content['data'] as Record<string, CommandReport> | undefined)?.[REPORT_MIME]);
    const faults = reports.map((report) => report?.counters.events.find((event) => event.event.startsWith('page-faults'))?.total ?? null);
    const seen = `${JSON.stringify(faults)} ${JSON.stringify(reports.map((report) => report?.warnings))}`;
    expect(held?.cells?.map((cell) => cell.status), result.stdout).toEqual(['ok', 'ok']);
    const [atOnce, overTime] = faults;
    expect(atOnce, seen).toBeGreaterThanOrEqual(PAGES * 0.99);
    expect(atOnce, seen).toBeLessThan(PAGES * 1.05);
    expect(overTime, seen).toBeGreaterThanOrEqual(PAGES * 0.99);
    expect(overTime, seen).toBeLessThan(PAGES * 1.2);
    expect(reports.flatMap((report) => report?.warnings ?? []).filter((warning) => warning.startsWith('perf ended without')), seen).toEqual([]);
  }, 100_000);
});
