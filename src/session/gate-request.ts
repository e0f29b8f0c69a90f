import { perfArguments } from '../perf/controller.ts';
import { addedEnvironment, nodeGcEnvironment } from './node-gc.ts';
import type { MeasureOptions, ResolvedPerfOptions } from './options.ts';
import { gateCommandRequest } from './early-gate.ts';

/** What the early gate is told for one run, and whether it starts perf itself. */
export interface GateRequestPlan {
  readonly request: Buffer;
  /** The gate's launcher execs perf: where perf counts and no live relay needs its stderr first (a terminal's). */
  readonly gateStartsPerf: boolean;
}

/** The early gate's "cmd" request for `command` under these options (native/perfcell-exec.c, "-" form). */
export function planGateRequest(command: readonly string[], options: MeasureOptions, perfOptions: ResolvedPerfOptions, nodeGc: boolean): GateRequestPlan {
  const gateStartsPerf = perfOptions.enabled && options.backend !== 'cachegrind' && perfOptions.live !== true;
  const environment = nodeGc ? addedEnvironment(nodeGcEnvironment()) : {};
  const perfArgv = gateStartsPerf ? [perfOptions.perfPath ?? 'perf', ...perfArguments('{pid}', perfOptions)] : undefined;
  const request = gateCommandRequest(command, { stdoutToStderr: options.programStdout === 'stderr', nodeGc, environment, ...(perfArgv === undefined ? {} : { perf: perfArgv }) });
  return { request, gateStartsPerf };
}
