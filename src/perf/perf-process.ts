import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { classifyPerfStderr, DROP_FROM_EVENTS, type PerfErrorContext } from '../../parsers/perf-errors.ts';
import { PerfError } from '../errors.ts';

/** A perf as TickingPerf drives it, whoever started it (Node, or perf-group-launcher.ts). */
export interface PerfProcess {
  /** Undefined until known (a launched perf: its "perf I PID" line). */
  readonly pid: number | undefined;
  /** Its fds 3 and 4, socket pairs: commands go out on control, acks come in on ack. */
  readonly control: Writable | null;
  readonly ack: Readable | null;
  kill(signal: NodeJS.Signals): boolean;
  /** Whether its end holds this process's event loop (unreferenced, the exit hook kills it). */
  ref(): void;
  unref(): void;
  /** Once perf has ended (once); with the error where it never ran. */
  onClose(listener: (error: Error | null) => void): void;
}

/** A perf spawned by Node, as a PerfProcess. */
export function spawnedPerfProcess(child: ChildProcess): PerfProcess {
  return {
    get pid() {
      return child.pid;
    },
    // extra stdio pipes are socket pairs, writable from this side although typed as Readable
    control: child.stdio[3] as unknown as Writable | null,
    ack: child.stdio[4] as Readable | null,
    // Never where the spawn failed (no pid): Node 20 then signals a pid it never set, seen as
    // kill(12824576, SIGKILL) and, where that memory held 0, as a SIGKILL to perfcell's own process
    // group (`PERFCELL_PERF=/nonexistent compare … 'node -e 1'` ended 137, and took its shell's job)
    kill: (signal) => child.pid !== undefined && child.kill(signal),
    ref: () => child.ref(),
    unref: () => child.unref(),
    onClose(listener) {
      let called = false;
      const once = (error: Error | null): void => {
        if (called) return;
        called = true;
        listener(error);
      };
      child.once('close', () => once(null));
      child.once('error', (error) => once(error));
    },
  };
}

/**
 * A perf that a helper (the exec gate, the group launcher) could not execute, as the error Node's
 * spawn would have given: "spawn perf ENOENT" is what the error classifier knows.
 */
export function perfExecError(perfPath: string, errno: number | null): Error {
  const code = errno === 2 ? 'ENOENT' : errno === 13 ? 'EACCES' : `errno ${errno ?? '?'}`;
  return Object.assign(new Error(`spawn ${perfPath} ${code}`), { code, path: perfPath, syscall: `spawn ${perfPath}` });
}

export interface Killable {
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

/** The perfs registered now (trackPerf): running, or not yet known to have exited. */
export function trackedPerfs(): readonly Killable[] {
  return [...live];
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
    if (refused !== undefined) return new PerfError('PERF_UNKNOWN_EVENT', `unknown perf event '${refused}' (see perf list, or ${DROP_FROM_EVENTS})`);
  }
  if (classified) return new PerfError(classified.code, classified.message);
  return new PerfError('PERF_FAILED', `perf stopped before counting: ${messages[0] ?? (spawnMessage || 'no message')} (run: perfcell doctor)`);
}
