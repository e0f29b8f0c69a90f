/**
 * For a command that runs none of the user's code in perfcell's process (compare of programs):
 * once nothing is left to wait for (Node's 'beforeExit': the event loop is empty, so the results
 * are written, the perfs and gates reaped and every file closed), exit at once with the exit code
 * set. Left to itself Node would then free V8's heap and its environment before exiting, work the
 * kernel does anyway when the process ends: 3.6 ms of compare's wall on this VM (report to exit,
 * 19.4 against 15.8 ms, BENCHMARKS.md "Pace notes"); `perfcell parse` of a million lines showed
 * no difference. `run`'s lane ends sooner still, once its gates have (lanes/run.ts).
 */
export function exitWhenIdle(): void {
  process.once('beforeExit', () => process.exit());
}
