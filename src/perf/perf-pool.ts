import { startPerf, type PerfOptions, type PerfSession } from './controller.ts';

/**
 * perf sessions started ahead of the window that will use them (cells: the next cell's perf is
 * attached, counting disabled, while this cell's last interval is awaited and its report written),
 * so a window's begin() waits for perf's enable ack only, not for its start-up (about 10 ms of CPU
 * on a 2-vCPU VM: perf loads some 28 libraries before it reads an event).
 */
export interface PerfPool {
  /** The armed session for this pid and set-up, or a freshly started one. */
  take(pid: number, options: PerfOptions): PerfSession;
  /** Starts a session that a later take() with the same pid and set-up gets. */
  arm(pid: number, options: PerfOptions): void;
  /** Sessions armed for this pid and set-up, not taken yet. */
  armedCount(pid: number, options: PerfOptions): number;
  /** Kills the armed sessions nobody took. */
  close(): void;
}

interface Armed {
  readonly key: string;
  readonly session: PerfSession;
}

/** Armed perf not taken within this long is stopped: it would count nothing, and perf attached to a live process never ends by itself. */
const IDLE_LIMIT_MS = 2000;

function keyOf(pid: number, options: PerfOptions): string {
  return JSON.stringify([pid, options.events, options.intervalMs, options.perfPath ?? null, options.live === true, options.metricGroups ?? null]);
}

export function createPerfPool(start: (pid: number, options: PerfOptions) => PerfSession = startPerf): PerfPool {
  let armed: Armed[] = [];
  let idleTimer: NodeJS.Timeout | null = null;
  const close = (): void => {
    for (const entry of armed) entry.session.kill();
    armed = [];
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
  };
  const refreshIdleTimer = (): void => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = armed.length === 0 ? null : setTimeout(close, IDLE_LIMIT_MS);
    idleTimer?.unref();
  };
  return {
    take(pid, options) {
      const key = keyOf(pid, options);
      const index = armed.findIndex((entry) => entry.key === key);
      if (index === -1) return start(pid, options);
      const [entry] = armed.splice(index, 1);
      refreshIdleTimer();
      return entry?.session ?? start(pid, options);
    },
    arm(pid, options) {
      armed.push({ key: keyOf(pid, options), session: start(pid, options) });
      refreshIdleTimer();
    },
    armedCount(pid, options) {
      const key = keyOf(pid, options);
      return armed.filter((entry) => entry.key === key).length;
    },
    close,
  };
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
