import { execa } from 'execa';
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cliPath, fixture } from '../support/fixtures.ts';
import { cgroupPrefix, cgroupsOf, cpuacctMount } from '../support/cgroups.ts';

/**
 * perfcell doctor's cgroups check makes a run's memory and CPU cgroups and removes them at once
 * (src/session/cgroup-probe.ts). A signal sent while they exist ended doctor by its default action,
 * without a word, and left both behind. Real cgroups (as root here), real signals, sent by a
 * watcher (test/fixtures/signal-on-cgroup.c) to the doctor this test started, as its CPU cgroup is made.
 */
describe('perfcell doctor: a signal during the cgroups check', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} says so and leaves no cgroup behind`, async () => {
      if (cpuacctMount === null) {
        console.log('no cgroup v1 cpuacct hierarchy here: the check makes no CPU cgroup to watch for');
        return;
      }
      // doctor (a shell that execs it, its pid the same) starts once the watcher watches: the probe now
      // starts first among doctor's checks, and under a loaded CI the watcher, started after it, once
      // began to watch after the cgroups had come and gone ('watching' and nothing more)
      const doctor = execa('sh', ['-c', 'read _ && exec "$0" "$@"', process.execPath, cliPath, 'doctor'], { reject: false, timeout: 30_000 });
      const pid = doctor.pid!;
      const watcher = execa(fixture('signal-on-cgroup'), [String(pid), String(constants.signals[signal]), cpuacctMount], { reject: false });
      await new Promise<void>((resolve) => {
        let said = '';
        watcher.stdout?.on('data', (chunk: Buffer) => {
          said += chunk.toString();
          if (said.includes('watching')) resolve();
        });
        void watcher.then(() => resolve());
      });
      doctor.stdin?.end('go\n');
      const [result, watched] = await Promise.all([doctor, watcher]);
      expect(watched.stdout, 'the watcher saw the cgroup').toContain(cgroupPrefix(pid));
      expect(result.signal).toBe(signal);
      expect(result.stderr.trim().split('\n').at(-1)).toBe(`error: interrupted by ${signal}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cgroupsOf(pid)).toEqual([]);
    });
  }
});
