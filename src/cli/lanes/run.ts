/**
 * `perfcell run`'s lane (see bin.ts): the command line with the run command only. Its first act is
 * to spawn the exec gate, which forks the held child at once, and to start the child's move into
 * the run's memory cgroup (session/early-gate.ts), which then overlaps the loading of everything
 * else (./run-main.ts).
 */
import { armEarlyGate } from '../../session/early-gate.ts';

armEarlyGate();
await import('./run-main.ts');
