import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { cgroupsOf, memoryMount, processesInCgroupsOf } from '../support/cgroups.ts';

/**
 * `perfcell compare` starts its program server, with the runs' cgroups, as it starts
 * (session/serve-process.ts, startEarlyWarmups), before compare holds the signals: a SIGTERM or
 * SIGHUP sent then ended perfcell by the default action, without a word, and left the memory
 * cgroup behind. Real processes, real cgroups (as root here), real signals, sent to the perfcell
 * this test started only.
 */
describe('perfcell compare: a signal while perfcell starts', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} as the server's cgroups are made says so and leaves no cgroup behind`, async () => {
      if (memoryMount === null) {
        console.log('no cgroup v1 memory hierarchy here: the server makes no cgroup as perfcell starts');
        return;
      }
      const sleepMs = fixture('sleep-ms');
      const child = execa(process.execPath, [cliPath, 'compare', '-r', '3', '--', `${sleepMs} 50`, `${sleepMs} 60`], { reject: false, timeout: 30_000 });
      const pid = child.pid!;
      // as soon as the first cgroup is there, while the rest of perfcell still loads
      for (let tries = 0; tries < 5000 && cgroupsOf(pid).length === 0 && child.exitCode === null; tries++) await new Promise((resolve) => setTimeout(resolve, 0.5));
      process.kill(pid, signal);
      const result = await child;
      expect(result.signal, result.stderr).toBe(signal);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`interrupted by ${signal}`));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(processesInCgroupsOf(pid)).toEqual([]);
      expect(cgroupsOf(pid)).toEqual([]);
    });
  }
});
