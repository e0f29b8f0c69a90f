/**
 * The first module `perfcell run`'s lane evaluates (./run.ts imports it first): the exec gate is
 * spawned before the rest of the lane's modules run (session/early-gate.ts), with perf exec'd and
 * held unless the command line says --no-perf; none under --backend cachegrind, whose valgrind runs
 * the program (a gate and a held perf had been started and left unused).
 */
import { saysCachegrind, saysNoPerf } from '../argv.ts';
import { armEarlyGate } from '../../session/early-gate.ts';

if (!saysCachegrind(process.argv)) armEarlyGate(!saysNoPerf(process.argv));
