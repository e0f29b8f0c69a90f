import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cliPath } from '../support/fixtures.ts';

/**
 * A SIGTERM sent to perfcell alone as its program exits 0 by itself: the program never had it, so
 * perfcell ends by it once the report is out (143, as a later one does), not with the program's 0.
 * perfcell's handler ran once the program had gone (or was a zombie, or had begun its exit, where
 * the signal passed on is not acted on), and the line said 'the program had it too (exit code 0)'
 * or 'passed it on to the program (exit code 0)', exit 0: a supervisor's SIGTERM was lost (a QA
 * pass). The program kills perfcell, then exits: `sh -c 'exec perfcell …'` makes perfcell's pid the
 * outer shell's `$$`, which the inner command line holds.
 */
const env = { NO_COLOR: '1', COLUMNS: '' };

describe('perfcell run: a signal to perfcell as its program exits 0', () => {
  for (const format of ['--json', 'text'] as const) {
    it(`ends perfcell by the signal, the report whole (${format})`, { timeout: 60_000 }, async () => {
      for (let tries = 0; tries < 4; tries += 1) {
        const json = format === '--json' ? ['--json'] : [];
        const result = await execa('sh', ['-c', `exec "$0" "$1" run ${json.join(' ')} --no-perf -- sh -c "kill -TERM $$; exit 0"`, process.execPath, cliPath], { reject: false, env, timeout: 30_000 });
        expect(result.signal, result.stderr).toBe('SIGTERM');
        // where perfcell's handler ran while the program still lived, the program died of it: 143 as well
        expect(result.stderr).toMatch(/^perfcell: interrupted by SIGTERM( after the program had ended: the results are complete|; passed it on to the program \(killed by SIGTERM\))$/m);
        if (format === '--json') {
          const document = JSON.parse(result.stdout) as { exitCode: number | null; signal: string | null; interruption?: { signal: string; message: string } };
          expect(document.interruption?.signal).toBe('SIGTERM');
          expect(result.stderr).toContain(document.interruption?.message);
        } else {
          expect(result.stderr).toMatch(/sh -c 'kill -TERM \d+; exit 0' .*(exit code 0|killed by SIGTERM)/);
        }
      }
    });
  }

  // A QA pass: the group's SIGINT, which the program trapped, then the group's SIGTERM: the gate
  // reports its last signal only, and perfcell looked at the last one it passed on, so the SIGINT
  // that interrupted the program was said to come 'after the program had ended' (4 of 4 tries),
  // perfcell ending by it (130) where it had ended with the program's 0.
  it('takes a signal to the group that the program trapped, then another, for one the program had', { timeout: 60_000 }, async () => {
    for (let tries = 0; tries < 2; tries += 1) {
      // a session of its own: the program's `kill 0` reaches perfcell, its gate and itself, no more
      const program = 'trap : INT TERM; kill -INT 0; sleep 0.2; kill -TERM 0; sleep 0.3; exit 0';
      const result = await execa('setsid', ['sh', '-c', 'exec "$0" "$1" run --no-perf -- sh -c "$2"', process.execPath, cliPath, program], { reject: false, env, timeout: 30_000 });
      expect(result.stderr).toMatch(/^perfcell: interrupted by SIGINT; passed it on to the program \(exit code 0\)$/m);
      expect([result.exitCode, result.signal], result.stderr).toEqual([0, undefined]);
    }
  });

  // run -r: the run whose program exited 0 as the signal came is whole, not 'the run cut short'
  it('run -r 2 keeps that run among the complete ones and ends the series after it', { timeout: 60_000 }, async () => {
    for (let tries = 0; tries < 3; tries += 1) {
      const result = await execa('sh', ['-c', 'exec "$0" "$1" run -r 2 --json --no-perf -- sh -c "kill -TERM $$; exit 0"', process.execPath, cliPath], { reject: false, env, timeout: 30_000 });
      expect(result.signal, result.stderr).toBe('SIGTERM');
      const document = JSON.parse(result.stdout) as { partial: { completedRuns: number; stoppedAt: { run: number | null }; droppedRun?: { exitCode: number | null; signal: string | null } } };
      if (document.partial.completedRuns === 0) {
        // perfcell's handler ran while the program lived: it died of the signal, a run cut short
        expect(document.partial.droppedRun?.signal, result.stderr).toBe('SIGTERM');
      } else {
        expect(document.partial).toMatchObject({ completedRuns: 1, stoppedAt: { run: null } });
        expect(result.stderr).toMatch(/^perfcell: interrupted by SIGTERM after 1 of 2 runs; the statistics hold the 1 complete run$/m);
      }
    }
  });
});
