/** The rest of `perfcell run`'s lane (./run.ts): main with the run command. */
import { main } from '../main.ts';
import { registerRun } from '../commands/run.ts';

await main(process.argv, async (name) => (name === 'run' ? registerRun : undefined));
// The report is out (stdio writes to pipes and files are synchronous on Linux): perfcell ends now
// rather than when perf's and the gate's pipes close after their SIGKILL and exit (about 2 ms);
// perf is killed and the run's cgroup removed by their exit hooks.
process.exit();
