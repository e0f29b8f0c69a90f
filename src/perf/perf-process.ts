import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { classifyPerfStderr, DROP_FROM_EVENTS, type PerfErrorContext } from '../../parsers/perf-errors.ts';
import { PerfError } from '../errors.ts';
import { perfInSession } from './poll-state.ts';

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

/**
 * Sends `signal` to perf. One that ends perf (SIGINT for its last interval, SIGTERM, SIGKILL) goes
 * to its process group, as perf runs in a session of its own (spawned detached, or by
 * perfcell-exec, both before its pid is known here), so -pid names perf and what it started,
 * nothing else: a wrapper script that runs perf as its child (`#!/bin/sh` then `/usr/bin/perf "$@"`)
 * is perf too. Signalled alone, the wrapper died, the real perf ran on and held perf's pipes, and
 * perfcell waited on them for ever. Never the leader's pid alone: once perf's group is empty, its
 * pid may be another process's.
 * One that steers a running perf (the pause's SIGSTOP and SIGCONT, the nudge's SIGURG) goes to the
 * process that is perf (perfInSession) alone: a tracer in the group (strace -p, as a slowed perf
 * has) stopped with it left perf in a ptrace stop that no SIGCONT ends, and the REPL counted nothing.
 * False where nothing was signalled.
 */
export function signalPerf(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    return STEERING.has(signal) ? process.kill(perfInSession(pid), signal) : process.kill(-pid, signal);
  } catch {
    return false;
  }
}

const STEERING: ReadonlySet<NodeJS.Signals> = new Set(['SIGSTOP', 'SIGCONT', 'SIGURG']);

/**
 * How long perf's pipes may stay open after perf has exited or been sent SIGKILL before they are
 * taken as closed: a descendant of perf's that left its group (or one not yet dead of the group's
 * SIGKILL) may hold them for ever, and nothing of perf's comes after its exit.
 */
export const PIPES_AFTER_EXIT_MS = 500;

/**
 * perf's end, bounded: `pipesClosed()` once every pipe of perf's has closed ends it at once;
 * `ended()` (perf exited, or was sent SIGKILL) ends it PIPES_AFTER_EXIT_MS later if they have not
 * closed by then: perf's group is sent SIGKILL, and `destroy` drops the streams still open.
 * `closed` says whether it has ended: a perf whose pipes have all closed is signalled no more (its
 * pid, and group id, may be another process's by then).
 */
export function boundedClose(pid: () => number | undefined, destroy: () => void): BoundedClose {
  let failure: Error | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const listeners: Array<(error: Error | null) => void> = [];
  const finish = (error: Error | null): void => {
    if (closed) return;
    closed = true;
    failure = error;
    if (timer !== null) clearTimeout(timer);
    for (const listener of listeners.splice(0)) listener(failure);
  };
  return {
    get closed() {
      return closed;
    },
    pipesClosed: finish,
    ended() {
      if (closed || timer !== null) return;
      timer = setTimeout(() => {
        signalPerf(pid(), 'SIGKILL');
        destroy();
        finish(null);
      }, PIPES_AFTER_EXIT_MS);
      // (whoever waits for perf's end holds the event loop: this timer alone must not)
      timer.unref();
    },
    onClose(listener) {
      if (closed) listener(failure);
      else listeners.push(listener);
    },
  };
}

export interface BoundedClose {
  readonly closed: boolean;
  pipesClosed(error: Error | null): void;
  ended(): void;
  onClose(listener: (error: Error | null) => void): void;
}

/** A perf spawned by Node (detached: a session of its own), as a PerfProcess. */
export function spawnedPerfProcess(child: ChildProcess): PerfProcess {
  const close = boundedClose(
    () => child.pid,
    () => {
      for (const stream of child.stdio) stream?.destroy();
    },
  );
  // perf's end is its exit, not the close of its pipes, which a descendant of perf's may hold
  child.once('exit', () => close.ended());
  child.once('close', () => close.pipesClosed(null));
  child.once('error', (error) => close.pipesClosed(error));
  return {
    get pid() {
      return child.pid;
    },
    // extra stdio pipes are socket pairs, writable from this side although typed as Readable
    control: child.stdio[3] as unknown as Writable | null,
    ack: child.stdio[4] as Readable | null,
    // signalPerf, not child.kill(): on a spawn that failed (no pid) Node 20 signals a pid it never
    // set, seen as kill(12824576, SIGKILL) and, where that memory held 0, as a SIGKILL to perfcell's
    // own process group (`PERFCELL_PERF=/nonexistent compare … 'node -e 1'` ended 137)
    kill(signal) {
      if (close.closed) return false;
      if (signal === 'SIGKILL') close.ended();
      return signalPerf(child.pid, signal);
    },
    ref: () => child.ref(),
    unref: () => child.unref(),
    onClose: (listener) => close.onClose(listener),
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

/** A perf path the library's perfPath option gave (resolvePerfOptions takes it over PERFCELL_PERF), not the variable. */
function isPerfPathOption(perfPath: string | undefined): boolean {
  return perfPath !== undefined && perfPath !== (process.env['PERFCELL_PERF'] || undefined);
}

/** Why perf stopped before counting, from what it printed and any spawn error, as one PerfError with the fix. */
export function perfProblem(
  messages: readonly string[],
  spawnMessage: string,
  context: PerfErrorContext & { readonly perfPath?: string | undefined },
  accepts?: (event: string) => boolean,
): PerfError {
  const { perfPath, ...known } = context;
  const classified = classifyPerfStderr([...messages, spawnMessage].join('\n'), { ...known, ...(isPerfPathOption(perfPath) ? { perfPathFrom: 'option' } : {}) });
  // perf's caret may be lost or cut (a narrow terminal, a wrapped line): where the event named is
  // one that perf accepts alone, each event of the list is tried alone to find the one refused.
  if (classified?.code === 'PERF_UNKNOWN_EVENT' && accepts !== undefined && (context.events?.length ?? 0) > 1 && classified.event !== undefined && accepts(classified.event)) {
    const refused = context.events?.find((event) => event !== classified.event && !accepts(event));
    if (refused !== undefined) return new PerfError('PERF_UNKNOWN_EVENT', `unknown perf event '${refused}' (see perf list, or ${DROP_FROM_EVENTS})`);
  }
  if (classified) return new PerfError(classified.code, classified.message);
  return new PerfError('PERF_FAILED', `perf stopped before counting: ${messages[0] ?? (spawnMessage || 'no message')} (run: perfcell doctor)`);
}
