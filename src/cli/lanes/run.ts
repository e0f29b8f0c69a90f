/**
 * `perfcell run`'s lane (see bin.ts and lane-loader.ts): the command line with the run command only,
 * built into one CommonJS file. Its first module spawns the exec gate, which forks the held child at
 * once, and starts the child's move into the run's memory cgroup (./run-early.ts), which then
 * overlaps the rest of perfcell's start-up.
 */
import './run-early.ts';
import { main } from '../main.ts';
import { registerRun } from '../commands/run.ts';
import { discardEarlyGate } from '../../session/early-gate.ts';
import { untilGatesExit } from '../../session/run-program.ts';

void main(process.argv, async (name) => (name === 'run' ? registerRun : undefined)).then(async () => {
  // a usage error or --help: no run took the gate, which ends (reaped) before perfcell does
  await discardEarlyGate();
  // The report is out (stdio writes to pipes and files are synchronous on Linux): perfcell ends once
  // its gates have (each a moment after the perf it reaps), not when perf's and the gate's pipes
  // close (about 2 ms more); perf is killed by its exit hook.
  await untilGatesExit();
  process.exit();
});
