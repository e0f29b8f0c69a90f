import { trackedPerfs, type Killable } from './perf-process.ts';
import { noteStopRequest } from '../session/job-stops.ts';

/**
 * perf runs in a session of its own, so that Ctrl-C in the terminal is the command's; the terminal's
 * Ctrl-Z (SIGTSTP to its foreground process group) stopped perfcell and not perf, and a compare's
 * perfs, ticking every few ms, went on writing some 30-55 KB/s into their files through the stop.
 * While this is on, a SIGTSTP stops every perf this process tracks (trackPerf), then this process,
 * as SIGTSTP's default would; once it is continued, those perfs are continued.
 *
 * Only where this process runs no command's code, whose synchronous run would hold the listener
 * (and the stop) until it ends: compare's served runs (program-server.ts) and `run` (commands/run.ts),
 * whose perf prints a line every interval (100 ms) while its program is stopped. The perfs that count
 * perfcell's own process (cells, the REPL) follow it through their launcher (native/perfcell-exec.c,
 * follow_stop). Returns the function that turns it off.
 */
export function followStopsOnTheEventLoop(perfs: () => readonly Killable[] = trackedPerfs): () => void {
  const onStop = (): void => {
    noteStopRequest();
    const stopped = perfs().filter((perf) => perf.kill('SIGSTOP'));
    // no listener left: SIGTSTP's default, which stops this process here until it is continued
    process.removeListener('SIGTSTP', onStop);
    process.kill(process.pid, 'SIGTSTP');
    process.on('SIGTSTP', onStop);
    for (const perf of stopped) perf.kill('SIGCONT');
  };
  process.on('SIGTSTP', onStop);
  return () => process.removeListener('SIGTSTP', onStop);
}
