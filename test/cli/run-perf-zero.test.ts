import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CommandReport } from '../../src/session/report.ts';
import { cliPath, fixture } from '../support/fixtures.ts';
import { perfStatPageFaults, perfUsable } from '../support/perf.ts';
import { slowedPerf } from '../support/slowed-perf.ts';
import { temporaryFolders } from '../support/temp-folders.ts';
import { hasStrace, runsWith } from '../support/tools.ts';

if (!perfUsable) console.warn('perf cannot count here: the tests of perf\'s clock zero in run are skipped');

const dir = temporaryFolders('all')('perfcell-perf-zero-');

const program = (): string[] => [fixture('touch-pages'), '2560', '100'];

describe.runIf(perfUsable && runsWith('strace', hasStrace, "the tests of perf's clock zero in run"))('perfcell run: perf held between its "Events disabled" and its clock\'s zero (real perf, its first write held by strace)', () => {
  // perf -D -1 prints "Events disabled" and only then reads the clock its -I stamps count from;
  // perfcell takes the line's arrival for that zero. A perf preempted in between (a loaded machine:
  // 5 of 100 runs of `run -I 10 -r 5` beside four busy loops, 4-14 ms) stamps everything later than
  // perfcell expects. Here strace holds perf 300 ms on the return of its first write, that line.
  it('the last interval ends where the program did, and the report does not say it was lost', { timeout: 60_000 }, async () => {
    const perf = slowedPerf(dir, 'perf', { syscalls: 'write', delayMs: 300, when: '1' });
    const reference = perfStatPageFaults(program());
    for (let runs = 0; runs < 2; runs += 1) {
      const result = await execa(process.execPath, [cliPath, 'run', '--json', '-e', 'page-faults', '--', ...program()], {
        reject: false,
        env: { NO_COLOR: '1', PERFCELL_PERF: perf },
        timeout: 30_000,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as CommandReport;
      const pageFaults = report.counters.events.find((event) => event.event === 'page-faults');
      const context = JSON.stringify({ durationS: report.durationS, pageFaults, reference, warnings: report.warnings });
      // before: `perf ended without its last interval … may miss up to the command's last 300 ms`
      // with every page counted, and every sample at 0 s (the program's intervals put before its start)
      expect(report.warnings.filter((warning) => warning.startsWith('perf ended without')), context).toEqual([]);
      expect(Math.abs(pageFaults!.total! - reference) / reference, context).toBeLessThan(0.01);
      const lastS = Math.max(...pageFaults!.samples.map((sample) => sample.timeS));
      expect(lastS, context).toBeCloseTo(report.durationS, 6);
    }
  });
});
