import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { cgroupsOf, cpuacctMount, processesInCgroupsOf } from '../support/cgroups.ts';

/**
 * `perfcell run` makes its cgroups as it starts (src/session/early-gate.ts), before the run holds
 * the signals: a SIGTERM or SIGHUP sent then, as soon as the cgroups are there, ended perfcell by
 * the signal's default action, without a word, and left its cgroups behind. Real processes, real
 * cgroups (as root here), real signals, sent to the perfcell this test started only.
 */
describe('perfcell run: a signal while perfcell starts', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} as the cgroups are made says so and leaves no cgroup behind`, async () => {
      if (cpuacctMount === null) {
        console.log('no cgroup v1 cpuacct hierarchy here: no cgroup is made as perfcell starts');
        return;
      }
      const child = execa(process.execPath, [cliPath, 'run', '--', fixture('sleep-ms'), '300'], { reject: false, timeout: 30_000 });
      const pid = child.pid!;
      // as soon as the first cgroup is there, while the rest of perfcell still loads
      for (let tries = 0; tries < 5000 && cgroupsOf(pid).length === 0 && child.exitCode === null; tries++) await new Promise((resolve) => setTimeout(resolve, 0.5));
      process.kill(pid, signal);
      const result = await child;
      expect(result.signal ?? result.exitCode).toBe(signal);
      expect(result.stderr.trim().split('\n').at(-1)).toBe(`error: interrupted by ${signal}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(processesInCgroupsOf(pid)).toEqual([]);
      expect(cgroupsOf(pid)).toEqual([]);
    });
  }
});
