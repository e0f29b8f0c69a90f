import type { PerfError } from '../errors.ts';
import { perfProblem } from '../perf/perf-process.ts';
import type { ResolvedPerfOptions } from '../session/options.ts';

/** One finished perf run: its exit code (null when it did not start) and stderr; a spawn error's text. */
export interface PreflightRun {
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly spawnMessage: string;
}

const runPerf = async (file: string, args: readonly string[]): Promise<PreflightRun> => {
  // LC_ALL=C: perf's messages must not follow the user's locale (they are classified)
  // perf stat -- true prints a few lines; one that goes on printing counts (a stand-in perf over
  // a long stream) took the events: it is stopped at 1 MiB, not buffered whole (the attach soak ran
  // out of a 64 MiB heap on 36 MB of it)
  // loaded here, not at the top: the REPL checks its -e with this module, and execa adds some
  // 12 MiB to the RSS of the process it measures
  const { execa } = await import('execa');
  const result = await execa(file, args, { reject: false, timeout: 10_000, env: { LC_ALL: 'C' }, stdin: 'ignore', stdout: 'ignore', maxBuffer: 1 << 20 });
  if (result.isMaxBuffer) return { exitCode: 0, stderr: '', spawnMessage: '' };
  return { exitCode: result.exitCode ?? null, stderr: result.stderr ?? '', spawnMessage: result.exitCode === undefined ? (result.originalMessage ?? result.message ?? '') : '' };
};

/**
 * Why the `-e` list (and `-M` groups) asked of `attach` (or the REPL, at its start) cannot be counted, or null where perf
 * takes them: one `perf stat -x, -e EVENTS [-M GROUPS] -- true`, tens of ms, run before the
 * stream's first record, so that an unknown event is an error with nothing printed before it, as
 * in `run` (whose perf starts before the program is released). perf parses the list before it
 * counts anything, so the events it refuses here it refuses for a pid too.
 */
export async function checkPerfEvents(perfOptions: ResolvedPerfOptions, run: (file: string, args: readonly string[]) => Promise<PreflightRun> = runPerf): Promise<PerfError | null> {
  const metrics = perfOptions.metricGroups !== undefined && perfOptions.metricGroups.length > 0 ? ['-M', perfOptions.metricGroups.join(',')] : [];
  const result = await run(perfOptions.perfPath ?? 'perf', ['stat', '-x', ',', '-e', perfOptions.events.join(','), ...metrics, '--', 'true']);
  if (result.exitCode === 0) return null;
  // untrimmed: the caret under the refused event must keep its column
  const messages = result.stderr.split('\n').filter((line) => line.trim() !== '');
  return perfProblem(messages, result.spawnMessage, { events: perfOptions.events });
}
