import { describe, expect, it } from 'vitest';
import { commandAlternatives } from '../../src/experiment/alternatives.ts';
import { clearInterruption, holdInterruptions, settleInterruption } from '../../src/session/interruption.ts';

/**
 * A SIGTERM to perfcell alone that comes as a compared program exits 0 by itself (sent here the
 * once it has exited, before perfcell has read the gate's report of it): the run is whole and kept;
 * the next run is the one it stops. compare took every interruption received by the report's end
 * for one that cut the run, and dropped it: a compare whose first run it was said 'interrupted by
 * SIGTERM before any round finished: no results to report', nothing on stdout (`sh -c 'exec
 * perfcell compare --json … -- "sh -c '\''kill -TERM $$; exit 0'\''" true'`, 3 of 5 tries; a QA pass).
 * A real signal to this process, held as compare holds it; a real program through its gate.
 */
describe('a compared run whose program exited as a signal came', () => {
  // (compare's server, served: true, read its gate's report first here: before and after, the run was kept)
  it('is kept, the signal held for the next run', { timeout: 30_000 }, async () => {
    const release = holdInterruptions();
    const { alternatives, release: stop } = commandAlternatives(['true'], { shell: false, served: false, measureOptions: { perf: false } });
    try {
      // once released, `true` is given 300 ms to exit (the loop held: the gate's report of it waits
      // unread), and the signal then comes before perfcell has read that report, as it came
      // from a program that killed perfcell on its way out
      const signalOnceExited = (): void => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
        process.kill(process.pid, 'SIGTERM');
      };
      const report = await alternatives[0]!.measure({ onStarted: signalOnceExited });
      expect(report.exitCode).toBe(0);
      // the signal was had before the report came back, or it tells nothing
      expect((await settleInterruption(1000))?.signal).toBe('SIGTERM');
      await expect(alternatives[0]!.measure()).rejects.toThrow('interrupted by SIGTERM');
    } finally {
      await stop();
      clearInterruption();
      release();
    }
  });
});
