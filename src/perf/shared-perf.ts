import { existsSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { startPerf, type PerfOptions, type PerfSession } from './controller.ts';
import { canSlotEvents } from './event-slots.ts';
import { launchPerfGroup } from './perf-group-launcher.ts';
import { startSlottedPerf, startTickingPerf, type TickingPerf } from './ticking-perf.ts';
import { startLiveFollower } from '../live/follower.ts';
import { PerfError } from '../errors.ts';

/**
 * perf shared by many windows over the same process (a file's cells, in-process compare's runs):
 * a group of long-lived perfs (ticking-perf.ts), each window an enable and a disable on one of
 * them, instead of a perf started for each window.
 *
 * The tick costs the measured code a little (perf reads a running counter through an
 * inter-processor interrupt): on this 2-vCPU VM a CPU-bound loop ran 0.5–0.7 % slower under
 * -I 4, 0.3–0.5 % under -I 5, 0.8–1.1 % under -I 2 and 2.6 % under -I 1 (a 330 ms loop, median of
 * 7, against no perf). As a group, in cells: 5 ms cells of fixed work ran 2.64 % slower under
 * ticks of 4-7 ms and 2.62 % under 2-5 ms (14 alternations, 2026-12-03; scripts/bench-pace.mjs
 * measures it each run), while a trivial cell's wait for its tick fell from 3.6 to 2.9 ms (200
 * cells, 12 alternations: 983 against 834 ms, 257 without perf). The shortest tick is TICK_MS; the
 * group's perfs tick at TICK_MS, TICK_MS + 1, … (see startSharedPerf). A file's cells now have one
 * perf, ticking at TICK_MS (perf-pool.ts, sharedPerfStarter): 5 ms cells of fixed work -0.6 % under
 * it in the Pace run of 2026-12-05 22:42.
 */
export const TICK_MS = 2;

/**
 * Whether windows with these options can share one perf: not with `-M` (metric-only rows cannot be
 * regrouped), nor with an interval shorter than the group's shortest tick (ticks are regrouped into
 * intervals, never split). With the live view, one relay follows the group's files (live/follower.ts).
 */
export function canSharePerf(options: PerfOptions, shortestTickMs = TICK_MS): boolean {
  return (options.metricGroups?.length ?? 0) === 0 && options.intervalMs >= shortestTickMs;
}

export interface SharedPerf {
  /** A session for one window: enable() waits until the shared perf is free and ready. */
  session(): PerfSession;
  /**
   * Settles once every perf of the group has its counters open (or could not start): a process
   * forked from the target before then inherits no counter of the perfs not yet attached.
   */
  ready(): Promise<void>;
  /** Whether perf has exited (a new SharedPerf is needed). */
  readonly exited: boolean;
  /** Whether a window is open on it or waits for it. */
  readonly busy: boolean;
  /** No perf of it became ready (a hung or broken perf, or one that cannot start): windows fall back to one perf each. */
  readonly broken: boolean;
  /** Settles once every perf of the group has been spawned (at once, unless started `staggered`). */
  readonly spawned: Promise<void>;
  /** Ends perf; a window open on it is lost. */
  close(): void;
  /** Ends perf and resolves once it has exited: no perf outlives the command that measured with it. */
  closeAndWait(): Promise<void>;
  /** Stops every ready member no window is open on (ticking-perf.ts pause()). */
  pause(): void;
  /** Lets paused members go on; a session's enable() does so itself. */
  resume(): void;
}

/**
 * Back-to-back windows on one perf end at most one per tick (each needs a tick after its
 * disable before the next may enable), and a window that starts right after the previous one's
 * tail waits nearly a whole tick for its own. So a group of perfs, ticking at their own phases,
 * shares the windows: each window takes the free perf whose next tick is due soonest (but not so
 * soon that it would fall before the window's own disable). This is a group's default size; in
 * perfcell a file's cells share one perf (each perf's start and ticks cost them more than the
 * shorter waits gain: perf-pool.ts, sharedPerfStarter), and compare's served runs have
 * SERVED_PERFS (program-server.ts).
 */
export const SHARED_MEMBERS = 4;

/** The nearest tick worth aiming a window at: one due sooner would likely come before the window ends. */
const MIN_LEAD_MS = 0.5;
/**
 * The same for a window switched from inside a cell (prepareSwitch): its disable goes out later
 * after the pick (the inspector's round trip and both acks come first). 200 trivial cells, 10
 * alternations (2026-12-02): 1246.1 ms aiming 0.5 ms ahead, 1151.7 at 1.0, 1209.4 at 1.5; the
 * build before the switch, 1167.9.
 */
const SWITCHED_LEAD_MS = 1.0;

/** The core PMU of a CPU that is not hybrid: hardware events are renamed one to one (event-slots.ts). */
const CLASSIC_CPU_PMU = '/sys/bus/event_source/devices/cpu';

/** PERFCELL_SLOTTED_PERF=0: a group asked to be `slotted` is one perf per member, as before slots. */
export function slottedPerfWanted(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment['PERFCELL_SLOTTED_PERF'] !== '0';
}

/**
 * `staggered`: each perf is spawned in a turn of the event loop of its own, not all in this call.
 * A spawn holds this process 3-6 ms (Node forks itself, then waits for perf's exec); staggered,
 * what waits on the event loop meanwhile (compare's warm-up runs) goes on between them.
 * `shortestTickMs`: the first member's period (default TICK_MS), for a group whose windows do not
 * wait for their ticks.
 * `slotted`: the members are the slots of one perf (slottedPerfWanted), where its events allow.
 */
export function startSharedPerf(
  pid: number,
  options: PerfOptions,
  count = SHARED_MEMBERS,
  start: {
    readonly staggered?: boolean;
    readonly shortestTickMs?: number;
    readonly slotted?: boolean;
    /** Called with the pids of its perfs (each the leader of its process group) each time one is spawned or replaced. */
    readonly onPerfs?: (pids: readonly number[]) => void;
  } = {},
): SharedPerf {
  // Periods of shortestMs, shortestMs + 1, …: perfs started together tick together, and would stay so;
  // with periods apart their phases keep turning, so one of them is always close to a tick.
  const total = Math.max(1, count);
  const shortestMs = start.shortestTickMs ?? TICK_MS;
  const members: TickingPerf[] = [];
  const addMembers = (...added: TickingPerf[]): void => {
    members.push(...added);
    // (slots of one perf share its pid)
    start.onPerfs?.([...new Set(members.flatMap((member) => (member.perfPid === undefined ? [] : [member.perfPid])))]);
  };
  // the live view's relay, forked before the perfs attach: they would count its drawing
  const follower = options.live === true ? startLiveFollower(pid) : null;
  let closing = false;
  /** The members are the slots of one perf (`start.slotted`, where the events allow). */
  let slotted = false;
  /** Member `index` as a perf of its own, ticking every shortestMs + index ms. */
  const startPlainMember = (index: number): TickingPerf => startTickingPerf(pid, options, shortestMs + index, undefined, follower);
  /** Resolves once every member is spawned (all in this call unless staggered); none is spawned after close(). */
  const spawnAll = async (): Promise<void> => {
    // Counting this process: all at once, by one launcher (where there is one), so that none carries
    // another's counters (perf-group-launcher.ts). Another process (compare's forker) inherits no
    // counter of this one's: its perfs are spawned here, staggered or not.
    const launched = pid === process.pid ? launchPerfGroup(pid, options, Array.from({ length: total }, (_, index) => shortestMs + index)) : null;
    if (launched !== null) {
      addMembers(...launched.map((perf, index) => startTickingPerf(pid, options, shortestMs + index, perf, follower)));
      return;
    }
    if (start.slotted === true && follower === null && total > 1 && slottedPerfWanted() && canSlotEvents(options.events, existsSync(CLASSIC_CPU_PMU))) {
      slotted = true;
      addMembers(...startSlottedPerf(pid, options, shortestMs, total));
      return;
    }
    while (!closing && members.length < total) {
      addMembers(startPlainMember(members.length));
      if (start.staggered === true) await nextTurn();
    }
  };
  /** Why the group could not be spawned (no folder with room for perf's output): each window's failure, as it would be a perf's of its own. */
  let spawnFailure: unknown = null;
  const spawned = spawnAll().catch((error: unknown) => {
    spawnFailure = error;
  });
  const isReady = Array.from({ length: total }, () => false);
  // All are started at once and awaited before the first window: no perf starts while one is open.
  let allReady: Promise<void> | null = null;
  let settled = false;
  const broken = (): boolean => settled && !isReady.some(Boolean);
  /** Why each member that failed did; where every one never acknowledged (so none is ready), a perf of a window's own would not either. */
  const failures: unknown[] = [];
  const neverAcknowledged = (): PerfError | null =>
    failures.length === total && failures.every((error) => error instanceof PerfError && error.code === 'PERF_NO_ACK') ? (failures[0] as PerfError) : null;
  const pick = (leadMs = MIN_LEAD_MS): TickingPerf => {
    const usable = members.filter((member, index) => isReady[index] === true && !member.exited);
    const free = usable.filter((member) => !member.busy);
    if (free.length === 0) return usable[0] ?? (members[0] as TickingPerf);
    let best = free[0] as TickingPerf;
    let bestMs = Number.POSITIVE_INFINITY;
    for (const member of free) {
      let ms = member.msUntilTick();
      if (ms < leadMs) ms += member.tickMs;
      if (ms < bestMs) {
        best = member;
        bestMs = ms;
      }
    }
    return best;
  };
  const allMembersReady = (): Promise<unknown> =>
    Promise.all(
      members.map((member, index) =>
        member.ready().then(
          () => { isReady[index] = true; },
          (error: unknown) => { failures.push(error); },
        ),
      ),
    );
  /**
   * A slotted perf that cannot switch events by name (perf before 5.12) gives way to a perf per
   * member, started before any window, as the group would have been started without slots.
   */
  const unslotIfNeeded = async (): Promise<void> => {
    if (!slotted || closing || !failures.some((error) => error instanceof PerfError && error.code === 'PERF_NO_NAMED_SWITCH')) return;
    slotted = false;
    await Promise.all(members.map((member) => member.closeAndWait()));
    // closed meanwhile: no perf is started after close()
    if (closing) return;
    failures.length = 0;
    isReady.fill(false);
    members.length = 0;
    for (let index = 0; index < total; index += 1) addMembers(startPlainMember(index));
    await allMembersReady();
  };
  /** Lets paused members go on (ticking-perf.ts resume()): before a window's enable, which a stopped perf would never ack. */
  const resumeAll = (): void => {
    for (const member of members) member.resume();
  };
  const whenAllReady = (): Promise<void> => {
    allReady ??= spawned
      .then(allMembersReady)
      .then(unslotIfNeeded)
      .then(() => { settled = true; });
    return allReady;
  };
  return {
    ready: whenAllReady,
    session() {
      let inner: PerfSession | null = null;
      return {
        get perfPid() {
          return inner?.perfPid;
        },
        async enable(beforeEnable, whileAcknowledging) {
          await whenAllReady();
          // None could start. Where none acknowledged (a perf that hangs), that is this window's
          // failure, not worth another timeout; otherwise (one that refuses the events) this window
          // gets a perf of its own, which says why as it always has.
          const hung = neverAcknowledged();
          if (hung !== null) throw hung;
          if (spawnFailure !== null) throw spawnFailure;
          resumeAll();
          inner = broken() ? startPerf(pid, options) : pick().session();
          await inner.enable(beforeEnable, whileAcknowledging);
        },
        async prepareSwitch(beforeEnable) {
          await whenAllReady();
          if (broken() || spawnFailure !== null) return null;
          resumeAll();
          const picked = pick(SWITCHED_LEAD_MS).session();
          const counting = (await picked.prepareSwitch?.(beforeEnable)) ?? null;
          // without a switch the window calls enable(), which picks again
          if (counting !== null) inner = picked;
          return counting;
        },
        async disable() {
          await inner?.disable();
        },
        async stop(window) {
          if (inner === null) throw new Error('stop() before enable()');
          return inner.stop(window);
        },
        bound(window) {
          inner?.bound?.(window);
        },
        stopAtExit(window, limitMs) {
          return inner?.stopAtExit?.(window, limitMs) ?? null;
        },
        kill() {
          inner?.kill();
        },
        peek() {
          inner?.peek?.();
        },
      };
    },
    get exited() {
      return (closing || members.length === total) && members.every((member) => member.exited);
    },
    get busy() {
      return members.some((member) => member.busy);
    },
    get broken() {
      return broken();
    },
    spawned,
    close() {
      closing = true;
      for (const member of members) member.close();
      void follower?.end();
    },
    async closeAndWait() {
      closing = true;
      await Promise.all([...members.map((member) => member.closeAndWait()), follower?.end()]);
    },
    pause() {
      for (const member of members) member.pause();
    },
    resume: resumeAll,
  };
}
