import { perfArguments } from '../perf/controller.ts';
import { addedEnvironment, nodeGcEnvironment } from './node-gc.ts';
import type { MeasureOptions, ResolvedPerfOptions } from './options.ts';
import { environmentFields, fieldsRequest } from './request-fields.ts';

/**
 * The early gate's "cmd" request for `command` under these options (native/perfcell-exec.c, "-"
 * form: "cmd LEN\n" and NUL-ended fields), and the program server's (native/perfcell-serve.c); with
 * `startsPerf`, the gate's launcher execs perf on the held child too ("{pid}" stands for the
 * child's pid). `fileFields`: the server's "stdin-file=" and "stdout-file=" (program-files.ts).
 */
export function gateRequest(command: readonly string[], options: MeasureOptions, perfOptions: ResolvedPerfOptions, nodeGc: boolean, startsPerf: boolean, fileFields: readonly string[] = []): Buffer {
  // the caller's NODE_OPTIONS (the library's programEnvironment) takes the preload too: laid over
  // the preload's, it had left the program without it (no GC row, not a word) and with PERFCELL_GC_* in its environment
  const environment = nodeGc ? addedEnvironment(nodeGcEnvironment({ ...process.env, ...options.programEnvironment })) : { ...options.programEnvironment };
  const fields = [
    ...(options.programStdout === 'stderr' ? ['stdout=stderr'] : []),
    ...(nodeGc ? ['gc'] : []),
    ...fileFields,
    ...environmentFields(environment),
    ...(startsPerf ? [perfOptions.perfPath ?? 'perf', ...perfArguments('{pid}', perfOptions)].map((arg) => `perf=${arg}`) : []),
    '--',
    ...command,
  ];
  return fieldsRequest('cmd ', fields);
}
