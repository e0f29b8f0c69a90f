/**
 * The first module `perfcell compare`'s lane evaluates (./compare.ts imports it first): for a
 * comparison of commands whose command line is certain before it is parsed (cli/early-warmups.ts),
 * the program server starts now and runs the warm-ups while the rest of the lane loads
 * (session/serve-process.ts). It imports little, so that it runs before most of the lane.
 */
import { earlyWarmups } from '../early-warmups.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { isNodeProgram } from '../../session/node-gc.ts';
import { startEarlyWarmups } from '../../session/serve-process.ts';

/** Whether compare's own check of its exports' paths will pass (it throws where one cannot be written; - is stdout). */
function canWrite(outputs: readonly { readonly flag: string; readonly path: string }[]): boolean {
  try {
    checkOutputPaths(outputs.map((output) => ({ ...output, dashIsStdout: true })));
    return true;
  } catch {
    return false;
  }
}

const warmups = earlyWarmups(process.argv, process.env, isNodeProgram, canWrite);
if (warmups !== null) startEarlyWarmups(warmups);
