import { startPerf, type PerfOptions, type PerfSession } from './controller.ts';
import { canSharePerf, startSharedPerf, type SharedPerf } from './shared-perf.ts';
import { sharedPerfWanted } from './shared-perf-wanted.ts';

/**
 * perf sessions started ahead of the window that will use them (cells: the next cell's perf is
 * attached, counting disabled, while this cell's last interval is awaited and its report written),
 * so a window's begin() waits for perf's enable ack only, not for its start-up (about 10 ms of CPU
 * on a 2-vCPU VM: perf loads some 28 libraries before it reads an event).
 *
 * Where the windows' set-up allows (shared-perf.ts canSharePerf), one perf serves them all, each
 * window an enable and a disable: no perf starts between two windows at all.
 * PERFCELL_SHARED_PERF=0 turns that off (one perf per window, armed ahead).
 */
export interface PerfPool {
  /** The armed session for this pid and set-up, or a freshly started one. */
  take(pid: number, options: PerfOptions): PerfSession;
  /** Starts a session that a later take() with the same pid and set-up gets. */
  arm(pid: number, options: PerfOptions): void;
  /** Sessions armed for this pid and set-up, not taken yet (Infinity where one shared perf serves them all). */
  armedCount(pid: number, options: PerfOptions): number;
  /** Kills the armed sessions nobody took, and the shared perf. */
  close(): void;
  /** close(), then waits until every perf of the pool has exited. */
  closeAndWait(): Promise<void>;
}

interface Armed {
  readonly key: string;
  readonly session: PerfSession;
}

/** Armed perf not taken within this long is stopped: it would count nothing, and perf attached to a live process never ends by itself. */
const IDLE_LIMIT_MS = 2000;

/** What makes two windows' perf the same: the process and the perf set-up. */
export function perfOptionsKey(pid: number, options: PerfOptions): string {
  return JSON.stringify([pid, options.events, options.intervalMs, options.perfPath ?? null, options.live === true, options.metricGroups ?? null]);
}

export function createPerfPool(
  start: (pid: number, options: PerfOptions) => PerfSession = startPerf,
  share: ((pid: number, options: PerfOptions) => SharedPerf) | null = sharedPerfStarter(),
): PerfPool {
  let armed: Armed[] = [];
  const shared = new Map<string, SharedPerf>();
  let idleTimer: NodeJS.Timeout | null = null;
  const close = (): void => {
    for (const entry of armed) entry.session.kill();
    armed = [];
    for (const perf of shared.values()) perf.close();
    shared.clear();
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
  };
  const refreshIdleTimer = (): void => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = armed.length === 0 && shared.size === 0 ? null : setTimeout(onIdle, IDLE_LIMIT_MS);
    idleTimer?.unref();
  };
  // a shared perf still counting a window (a long cell) is kept: only idle ones go
  const onIdle = (): void => {
    if ([...shared.values()].some((perf) => perf.busy)) refreshIdleTimer();
    else close();
  };
  const sharedFor = (pid: number, options: PerfOptions): SharedPerf | null => {
    if (share === null || !canSharePerf(options)) return null;
    const key = perfOptionsKey(pid, options);
    let perf = shared.get(key);
    if (perf === undefined || (perf.exited && !perf.broken)) {
      try {
        perf = share(pid, options);
      } catch {
        return null; // no file for its output here: one perf per window, as before
      }
      shared.set(key, perf);
    }
    refreshIdleTimer();
    // a shared perf that could not start stays in the map, so windows go on with one perf each
    return perf.broken ? null : perf;
  };
  return {
    take(pid, options) {
      const perf = sharedFor(pid, options);
      if (perf !== null) return perf.session();
      const key = perfOptionsKey(pid, options);
      const index = armed.findIndex((entry) => entry.key === key);
      if (index === -1) return start(pid, options);
      const [entry] = armed.splice(index, 1);
      refreshIdleTimer();
      return entry?.session ?? start(pid, options);
    },
    arm(pid, options) {
      if (sharedFor(pid, options) !== null) return;
      armed.push({ key: perfOptionsKey(pid, options), session: start(pid, options) });
      refreshIdleTimer();
    },
    armedCount(pid, options) {
      const key = perfOptionsKey(pid, options);
      const perf = shared.get(key);
      if (perf !== undefined && !perf.exited) return Number.POSITIVE_INFINITY;
      return armed.filter((entry) => entry.key === key).length;
    },
    close,
    async closeAndWait() {
      // the shared perfs are ended by their own closeAndWait (one kill each, awaited), not by close()
      const sharedPerfs = [...shared.values()];
      shared.clear();
      close();
      await Promise.all(sharedPerfs.map((perf) => perf.closeAndWait()));
    },
  };
}

/**
 * What starts a pool's shared perf, or null where windows are not to share (PERFCELL_SHARED_PERF=0).
 * One perf, not a group: a file's cells and compare's cell alternatives took longer with a group of
 * up to four (a perf per 50 cells), in every file measured on this 2-vCPU VM: each perf's start is
 * CPU the first cell waits for, and the more perfs tick, the more they interrupt the cells (200
 * trivial cells 848-866 ms with one against 878-940 with four; 150 cells of 3 ms of work 1105
 * against 1299; BENCHMARKS.md, Pace notes, 2026-12-05 22:50). Its launcher is forked first thing
 * and its perf held at main() while perfcell loads (src/cli/lanes/cells-early.ts and
 * compare-cells-early.ts).
 */
export function sharedPerfStarter(): ((pid: number, options: PerfOptions) => SharedPerf) | null {
  return sharedPerfWanted() ? (pid, options) => startSharedPerf(pid, options, 1) : null;
}

/**
 * How many windows ahead cells arm perf: PERFCELL_PREARM_DEPTH (0 turns it off); 1 by default.
 * Depth 1 starts the next cell's perf after this cell has ended, so perf's start-up never shares
 * the CPUs with a cell being measured (deeper would: see BENCHMARKS.md, pace).
 */
export function prearmDepth(environment: NodeJS.ProcessEnv = process.env): number {
  const value = Number(environment['PERFCELL_PREARM_DEPTH'] ?? 1);
  return Number.isInteger(value) && value >= 0 && value <= 4 ? value : 1;
}
