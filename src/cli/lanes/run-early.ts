/**
 * The first module `perfcell run`'s lane evaluates (./run.ts imports it first): the exec gate is
 * spawned before the rest of the lane's modules run (session/early-gate.ts).
 */
import { armEarlyGate } from '../../session/early-gate.ts';

armEarlyGate();
