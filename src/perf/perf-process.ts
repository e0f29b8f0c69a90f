import { classifyPerfStderr, type PerfErrorContext } from '../../parsers/perf-errors.ts';
import { PerfError } from '../errors.ts';

interface Killable {
  kill(signal?: NodeJS.Signals): boolean;
}

const live = new Set<Killable>();
let exitHookInstalled = false;

/**
 * Registers a running perf so that none outlives perfcell, even one that exits through an error:
 * on exit, every perf still registered is killed. Returns the function to call once it has exited.
 */
export function trackPerf(subprocess: Killable): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const running of live) running.kill('SIGKILL');
    });
  }
  live.add(subprocess);
  return () => live.delete(subprocess);
}

/** Why perf stopped before counting, from what it printed and any spawn error, as one PerfError with the fix. */
export function perfProblem(
  messages: readonly string[],
  spawnMessage: string,
  context: PerfErrorContext,
  accepts?: (event: string) => boolean,
): PerfError {
  const classified = classifyPerfStderr([...messages, spawnMessage].join('\n'), context);
  // perf's caret may be lost or cut (a narrow terminal, a wrapped line): where the event named is
  // one that perf accepts alone, each event of the list is tried alone to find the one refused.
  if (classified?.code === 'PERF_UNKNOWN_EVENT' && accepts !== undefined && (context.events?.length ?? 0) > 1 && classified.event !== undefined && accepts(classified.event)) {
    const refused = context.events?.find((event) => event !== classified.event && !accepts(event));
    if (refused !== undefined) return new PerfError('PERF_UNKNOWN_EVENT', `unknown perf event '${refused}' (see perf list, or drop it from -e)`);
  }
  if (classified) return new PerfError(classified.code, classified.message);
  return new PerfError('PERF_FAILED', `perf stopped before counting: ${messages[0] ?? (spawnMessage || 'no message')} (run: perfcell doctor)`);
}
