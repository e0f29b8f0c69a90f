import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath } from '../support/fixtures.ts';
import { perfUsable } from '../support/perf.ts';

if (!perfUsable) console.warn('perf cannot count here: the test of a perf killed mid-run is skipped');

/**
 * perf killed while the program runs (real perf: the program kills the perf attached to it, found
 * by its `--pid` argument). A QA pass had done this by hand: the report read its rate over the
 * whole run, and nothing said perf had gone.
 */
describe.runIf(perfUsable)('perfcell run when its perf dies mid-run (real perf)', () => {
  it('says perf exited before the program ended, and how much of the run it counted; a run whose perf lives says nothing of the kind', { timeout: 30_000 }, async () => {
    const program = ['sh', '-c', 'sleep 0.4; pkill -KILL -f -- "--pid $$ "; sleep 0.8'];
    const killed = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults', '--', ...program], { reject: false, env: { NO_COLOR: '1' }, timeout: 20_000 });
    expect(killed.exitCode, killed.stderr).toBe(0);
    const report = JSON.parse(killed.stdout) as CommandReport;
    const said = report.warnings.find((warning) => warning.startsWith('perf exited '));
    expect(said, report.warnings.join('\n')).toMatch(/^perf exited 0\.[3-6]\d s after counting began, 0\.[6-9]\d s before the command ended \(was it killed\?\): the counts cover only that first 0\.[3-6]\d s$/);

    const whole = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults', '--', 'sh', '-c', 'sleep 0.4'], { reject: false, env: { NO_COLOR: '1' }, timeout: 20_000 });
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect((JSON.parse(whole.stdout) as CommandReport).warnings.filter((warning) => warning.startsWith('perf exited '))).toEqual([]);
  });
});
