import { spawn } from 'node:child_process';
import type { PerfError } from '../errors.ts';
import { perfProblem, signalPerf, spawnedPerfProcess } from '../perf/perf-process.ts';
import { runPerfSync } from '../perf/run-perf-sync.ts';
import type { ResolvedPerfOptions } from '../session/options.ts';

/** One finished perf run: its exit code (null when it did not start) and stderr; a spawn error's text. */
export interface PreflightRun {
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly spawnMessage: string;
}

/** The most of perf's stderr kept: a stand-in perf that goes on printing counts took the events. */
const STDERR_LIMIT_BYTES = 1 << 20;
const TIMEOUT_MS = 10_000;

/**
 * perf run to its end, its stderr kept (LC_ALL=C: perf's messages are classified and must not
 * follow the user's locale). Plain node:child_process, not execa: the REPL checks its events with
 * this module, and execa added some 12 MiB to the RSS of the process it measures. A perf that goes
 * on printing (a stand-in perf over a long stream) is stopped at 1 MiB: it took the events (the
 * attach soak had run out of a 64 MiB heap on 36 MB of it).
 */
const runPerf = (file: string, args: readonly string[]): Promise<PreflightRun> =>
  new Promise((resolve) => {
    // in a session of its own, killed as a group, its end its exit (spawnedPerfProcess: its pipes
    // given PIPES_AFTER_EXIT_MS): a wrapper's child left running held its stderr open, and the
    // check waited on it to its 10 s limit, then called the events perf had taken refused
    const child = spawn(file, args, { env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const perf = spawnedPerfProcess(child);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let exitCode: number | null = null;
    let settled: PreflightRun | null = null;
    const settle = (run: PreflightRun): void => {
      if (settled !== null) return;
      settled = run;
      clearTimeout(timer);
      // signalPerf: no signal where the spawn failed (Node 20's child.kill() signals a pid it never set: perf-process.ts)
      signalPerf(child.pid, 'SIGKILL');
      child.stderr?.destroy();
      resolve(run);
    };
    const timer = setTimeout(() => settle({ exitCode: null, stderr: Buffer.concat(chunks).toString(), spawnMessage: `perf did not finish within ${TIMEOUT_MS / 1000} s` }), TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > STDERR_LIMIT_BYTES) settle({ exitCode: 0, stderr: '', spawnMessage: '' });
    });
    child.once('exit', (code) => {
      exitCode = code;
    });
    perf.onClose((error) => settle(error === null ? { exitCode, stderr: Buffer.concat(chunks).toString(), spawnMessage: '' } : { exitCode: null, stderr: '', spawnMessage: error.message }));
  });

/**
 * Why the `-e` list (and `-M` groups) asked of `attach` (or the REPL, at its start and at `.events`) cannot be counted, or null where perf
 * takes them: one `perf stat -x, -e EVENTS [-M GROUPS] -- true`, tens of ms, run before the
 * stream's first record, so that an unknown event is an error with nothing printed before it, as
 * in `run` (whose perf starts before the program is released). perf parses the list before it
 * counts anything, so the events it refuses here it refuses for a pid too.
 */
export async function checkPerfEvents(perfOptions: ResolvedPerfOptions, run: (file: string, args: readonly string[]) => Promise<PreflightRun> = runPerf): Promise<PerfError | null> {
  return (await probePerfEvents(perfOptions, run)).problem;
}

/**
 * checkPerfEvents, and the events perf takes but cannot count on this machine (`<not supported>`:
 * hardware events in most VMs), which would only ever read "not supported".
 */
export async function probePerfEvents(
  perfOptions: ResolvedPerfOptions,
  run: (file: string, args: readonly string[]) => Promise<PreflightRun> = runPerf,
): Promise<EventProbe> {
  return probeOutcome(perfOptions, await run(perfOptions.perfPath ?? 'perf', probeArguments(perfOptions)));
}

/**
 * probePerfEvents in this synchronous step: for the notebook kernel's `perfcell.events(...)`, a
 * call that returns the events it set. Through runPerfSync (stderr in a file, perf's group killed
 * once it ends): with spawnSync's pipe, a PERFCELL_PERF wrapper that left a child holding it (`sleep
 * 20 &` then `exec perf "$@"`) held the kernel to the 10 s limit, turned events perf took into an
 * error, and left the child running in the kernel's process group.
 */
export function probePerfEventsSync(perfOptions: ResolvedPerfOptions): EventProbe {
  const result = runPerfSync(perfOptions.perfPath ?? 'perf', probeArguments(perfOptions), TIMEOUT_MS, STDERR_LIMIT_BYTES);
  // a perf that went on printing to the limit took the events
  if (Buffer.byteLength(result.stderr) >= STDERR_LIMIT_BYTES) return { problem: null, unsupported: [] };
  const code = result.error?.code;
  // "spawnSync perf ENOENT" as spawn words it, which the error classifier knows
  const spawnMessage = code === 'ETIMEDOUT' ? `perf did not finish within ${TIMEOUT_MS / 1000} s` : (result.error?.message.replace(/^spawnSync /, 'spawn ') ?? '');
  return probeOutcome(perfOptions, { exitCode: result.error === undefined ? result.status : null, stderr: result.stderr, spawnMessage });
}

/** Why perf refuses the events (null where it takes them), and those it takes but cannot count here. */
export interface EventProbe {
  readonly problem: PerfError | null;
  readonly unsupported: readonly string[];
}

function probeArguments(perfOptions: ResolvedPerfOptions): string[] {
  const metrics = perfOptions.metricGroups !== undefined && perfOptions.metricGroups.length > 0 ? ['-M', perfOptions.metricGroups.join(',')] : [];
  return ['stat', '-x', ',', '-e', perfOptions.events.join(','), ...metrics, '--', 'true'];
}

function probeOutcome(perfOptions: ResolvedPerfOptions, result: PreflightRun): EventProbe {
  // untrimmed: the caret under the refused event must keep its column
  const messages = result.stderr.split('\n').filter((line) => line.trim() !== '');
  if (result.exitCode !== 0) return { problem: perfProblem(messages, result.spawnMessage, { events: perfOptions.events, perfPath: perfOptions.perfPath }), unsupported: [] };
  // `<not supported>,,cycles,0,100.00,,`: the event is its third field
  const unsupported = messages.filter((line) => line.startsWith('<not supported>,')).map((line) => line.split(',')[2] ?? '').filter((event) => event !== '');
  return { problem: null, unsupported };
}
