import { UsageError } from '../errors.ts';
import { followStopsOnTheEventLoop } from '../perf/follow-stop.ts';
import { canSharePerf, startSharedPerf, type SharedPerf } from '../perf/shared-perf.ts';
import { sharedPerfWanted } from '../perf/shared-perf-wanted.ts';
import { currentLiveListener, type PerfSession } from '../perf/controller.ts';
import { readCpuTicks } from '../proc/read-proc.ts';
import type { CpuTicks } from '../../parsers/proc-stat.ts';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroup, type CpuUsage } from './cpu-cgroup.ts';
import { monotonicNs } from './clock.ts';
import { buildPerfCounters, noCounters } from './counters.ts';
import { describeExecFailure } from './exec-failure.ts';
import { gateRequest } from './gate-request.ts';
import { environmentFields } from './request-fields.ts';
import { servedFileFields, servedOpenFailure } from './program-files.ts';
import { forwardInterruptions, holdInterruptions, InterruptedError, interruption } from './interruption.ts';
import { resolvePerfOptions, type MeasureOptions } from './options.ts';
import { enableFailureNote, programReport, settleReportedStop, type ArmedProgram, type ReaperResult } from './run-program.ts';
import { startRunTrace } from './run-trace.ts';
import { endEarlyServer, startServer, takeEarlyServer } from './serve-process.ts';
import { watchTreeMemory, type TreeMemory } from './tree-memory.ts';
import { cpuUsageSince, withUnwaitedCpu } from './tree-cpu.ts';
import { quoteName } from '../render/quote-name.ts';

/** Where a served run's stdin and stdout go, where not /dev/null (the server's own). */
export type ServedStdio = Pick<MeasureOptions, 'programStdin' | 'programStdout'>;

/**
 * Many runs of external programs (compare's) through one long-lived gate (native/perfcell-serve.c)
 * and one long-lived group of perfs (shared-perf.ts: one perf of two slots where the events allow)
 * attached to the gate's forker, whose clones inherit its counters: a run is a clone, an enable, a
 * release and a disable, with no process spawned for it but the program. The forker sits in one
 * memory cgroup whose peak is reset before each run (cgroup v1), and in one CPU cgroup read around
 * each run (cpu-cgroup.ts: the tree's CPU, children nobody waited for too, as `run` reads it), so no
 * run waits for a cgroup move either; only after a run that left processes running does the forker
 * move, into a fresh memory cgroup, before the next clone (leaveStrays).
 *
 * Each run's counts are its program's alone: the forker forks only between windows (an arm waits
 * for the previous window's disable ack) and sleeps while one is open, and the held child touches
 * before its release what it touches after.
 */
export interface ProgramServer {
  /**
   * Clones the held program (after the previous window is closed); run() releases and measures it.
   * `counted: false` (a warm-up run, whose result is thrown away): cloned without waiting for the
   * perfs to start or the cgroup move, and run without a window; its report has no counters and
   * its peak is the program's own (ru_maxrss).
   */
  arm(command: readonly string[], label?: string, options?: { readonly counted?: boolean; readonly stdio?: ServedStdio; readonly environment?: Readonly<Record<string, string>> }): Promise<ArmedProgram>;
  /**
   * Completes the counters of the reports run() returned: a run's report comes back as soon as its
   * program has ended and its window is closed, its counters once perf's tick after the window is
   * read (once the next program has ended, or here). Call it before reading the last reports' counters.
   */
  settle(): Promise<void>;
  /** settle(), then ends the gate, its forker and the perfs, and removes the cgroups; resolves once they have exited. */
  close(): Promise<void>;
}

/** Windows whose last tick may stay unread while the next runs go on (each holds one perf of the shared group). */
const UNREAD_TAILS = 1;

/**
 * The windows of the runs' group: one for each unread tail and one for the run itself, no more
 * (fewer would deadlock: a run waits for a free window, a tail is read once more programs end).
 * Two: each perf's start is some 20 ms of CPU on the two vCPUs the warm-up runs share with
 * perfcell's own start, and each ticks every few ms over the programs. A compare of sleep-ms 7 vs 6
 * took 486.5 against 467.0 and 485.0 against 465.4 ms with two perfs rather than three, `true` vs
 * `true` 322.8 against 303.5 (scripts/lib/wall-ab.mjs, 30 alternations each, 2026-12-04,
 * BENCHMARKS.md "Pace notes"); three had beaten four on 2026-12-02. Where the events allow, both
 * are slots of one perf (`slotted`, src/perf/event-slots.ts): one perf's start-up, not two
 * (2026-12-05 in the notes).
 */
const SERVED_PERFS = UNREAD_TAILS + 1;

/**
 * Their shortest tick: 4 ms, not the cells' 2 (TICK_MS). A run's tail is read once the next
 * program has ended, between programs, and every tick reads counters of a program running on one
 * of the two vCPUs (an inter-processor interrupt).
 */
const SERVED_TICK_MS = 4;

/** How long after a tail is due (a tick after its window's disable) it is read while the next program runs. */
const TAIL_MARGIN_MS = 0.5;

/** PERFCELL_SERVED_RUNS=0: compare spawns a gate (and a perf) per run, as before the server. */
export function servedRunsWanted(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment['PERFCELL_SERVED_RUNS'] !== '0';
}

/**
 * A server for runs with these options (`quiet`: each run's stdin and stdout /dev/null, unless
 * its arm() names files, the drained pipe or perfcell's stderr: ServedStdio), or null where runs
 * need a gate each: served runs are off, cachegrind, the live view, perf that cannot be shared
 * (`-M`), no gate can be built here, or a cgroup v2 machine (its peak cannot be reset between runs).
 * `makeFreshCgroup`: where the forker goes after a run that left processes (leaveStrays).
 */
export function startProgramServer(options: MeasureOptions, makeFreshCgroup: () => MemoryCgroup | null = createMemoryCgroup): ProgramServer | null {
  const early = takeEarlyServer();
  /** Not served after all (the early warm-ups are sent only where runs are served: a safeguard): the early server ends. */
  const refuse = (): null => {
    if (early !== null) void endEarlyServer(early);
    return null;
  };
  if (!servedRunsWanted() || options.quiet !== true || options.backend === 'cachegrind') return refuse();
  const perfOptions = resolvePerfOptions(options);
  // the live view's line shows one process's RSS, the run's: the group counts the forker
  if (perfOptions.enabled && (perfOptions.live === true || !(sharedPerfWanted() && canSharePerf(perfOptions, SERVED_TICK_MS)))) return refuse();
  const server = early ?? startServer();
  if (server === null) return null;
  let cgroup = server.cgroup;
  let cpuCgroup = server.cpuCgroup;
  const serverProcess = server.process;
  const { control, exit, nextLine } = serverProcess;
  /** Warm-up runs the early server was sent (startEarlyWarmups) whose answers are not read yet. */
  const queued = early?.queued ?? [];
  /** The next line that starts with `prefix`; lines of a held program that died meanwhile (Ctrl-C reached it) are passed over. */
  const answer = async (prefix: string): Promise<string | undefined> => {
    for (;;) {
      const line = await nextLine();
      if (line === undefined || line.startsWith(prefix)) return line;
    }
  };

  let shared: SharedPerf | null = null;
  // Ctrl-Z stops the perfs too (they are in sessions of their own); this process runs no command's code
  const stopFollowing = perfOptions.enabled ? followStopsOnTheEventLoop() : null;
  /** perf never acknowledged a run's enable (or refused the default events): later runs go without it. */
  let perfGaveUp = false;
  let forkerPid: number | null = null;
  let closed = false;
  /** The forker is there: a program that needs no counters may be cloned. */
  const forking = serverProcess.forking.then((forker) => {
    forkerPid = forker;
    return forker;
  });
  forking.catch(() => undefined);
  /**
   * Names the perfs to the server as they are spawned, which kills their process groups if this
   * process dies (SIGKILL; close() names none first): perf dies with it (PR_SET_PDEATHSIG,
   * die-with-perfcell.ts) but alone, and what a PERFCELL_PERF wrapper started beside it (`sleep 20 &`
   * then `exec perf "$@"`) ran on after the command, where the gate of an unserved run kills perf's
   * group once it has reaped perf. Each time the whole set: a group replaced has been closed, and
   * its pids may be another's by now.
   */
  const tellPerfs = (pids: readonly number[]): void => {
    control.write(`perfs\n${pids.map((pid) => `perf ${pid}\n`).join('')}`);
  };
  let perfsStarting: Promise<void> | null = null;
  /**
   * Starts the perfs on the forker and moves the forker into the cgroup, once; counted runs may be
   * cloned when it has settled. The first counted arm starts it, or sooner the first warm-up's
   * release: Node's spawn of a perf holds this process 10-15 ms (it forks itself), which then passes
   * while that program runs (its result is thrown away) instead of before it: compare of sleep-ms 7
   * vs 6 some 8 ms sooner (BENCHMARKS.md, Pace notes, 2026-12-05 10:10). With the warm-ups sent
   * early (serve-process.ts), at once: they run in the gate already.
   */
  const started = (): Promise<void> =>
    (perfsStarting ??= (async () => {
      const forker = await forking;
      // attached before the first counted clone: a program inherits only the counters its forker had then
      // staggered: the warm-up runs (which wait for no perf) go on between the perfs' spawns
      const perf = perfOptions.enabled ? startSharedPerf(forker, perfOptions, SERVED_PERFS, { staggered: true, shortestTickMs: SERVED_TICK_MS, slotted: true, onPerfs: tellPerfs }) : null;
      shared = perf;
      // Once, before any counted run: the forker's clones are charged to the cgroup from their first
      // page. After all of perf's spawns (a fork, Node's too, waits out a cgroup v1 move's RCU grace
      // period), alongside perf's start-up.
      await perf?.spawned;
      const moved = cgroup === null ? Promise.resolve(true) : cgroup.add(forker);
      // into the CPU cgroup once in the memory one, as `run`'s held child (early-gate.ts): the
      // kernel's grace period is behind the second move then
      const cpuMoved = moved.then(() => (cpuCgroup === null ? false : cpuCgroup.add(forker)));
      const [added, cpuAdded] = await Promise.all([moved, cpuMoved, perf?.ready()]);
      if (!added && cgroup !== null) {
        cgroup.remove();
        cgroup = null;
      }
      if (!cpuAdded && cpuCgroup !== null) {
        cpuCgroup.remove();
        cpuCgroup = null;
      }
    })());
  // the warm-ups run in the gate already: the perfs start now, while they run (and perfcell loads)
  if (early !== null) void started().catch(() => undefined);
  /** A new group of perfs on the forker, ready, in place of the old one (whose windows are all read). */
  const restartPerfs = async (): Promise<void> => {
    const forker = forkerPid;
    const old = shared;
    if (forker === null || old === null) return;
    await old.closeAndWait();
    const perf = startSharedPerf(forker, perfOptions, SERVED_PERFS, { shortestTickMs: SERVED_TICK_MS, slotted: true, onPerfs: tellPerfs });
    shared = perf;
    await perf.ready();
  };
  /**
   * The runs' memory cgroups the forker left for a fresh one (leaveStrays), with what a program
   * left running still in them; removed once empty, or at close() (its leftovers go to its parent).
   */
  const retired: MemoryCgroup[] = [];
  /**
   * Moves the forker out of the memory cgroup where a program left processes running, into a fresh
   * one (the CPU cgroup too, where it is the memory one's), and moves them out of a CPU cgroup of
   * its own, so that no later run's peak or CPU counts them: the moves at once, each waits out a
   * grace period. A fresh memory cgroup, not the leftovers moved out of this one: on cgroup v1 what
   * they had touched stays charged where it was (the kernel moves no charge with a process), and
   * what they freed during a later run took as much off that run's growth (`sh -c '(peak-then-idle
   * 100 200 0 &); sleep 0.1'` beside a program of two 20 MiB children read 21.4 MiB for it in half
   * its runs, 40.1-40.4 in the others). Where none can be made or entered, they are moved out
   * instead, as they were.
   */
  const leaveStrays = async (): Promise<void> => {
    const forker = forkerPid;
    if (forker === null) return;
    // where they have ended already (perfs restarted meanwhile), the pages they had are uncharged:
    // nothing moves, as before
    const strayed = cgroup?.pids()?.some((pid) => pid !== forker) ?? true;
    const old = strayed ? cgroup : null;
    const sharedCpu = old !== null && cpuCgroup?.path === old.path;
    const fresh = old === null ? null : makeFreshCgroup();
    const [entered] = await Promise.all([fresh?.add(forker) ?? false, sharedCpu ? undefined : cpuCgroup?.evict(forker)]);
    if (old === null) return;
    if (fresh === null || !entered) {
      fresh?.remove();
      await old.evict?.(forker);
      return;
    }
    cgroup = fresh;
    if (sharedCpu) cpuCgroup = createCpuCgroup(fresh.path);
    retired.push(old);
    // gone at once where its leftovers have ended already; else kept until they have, or close()
    for (const [index, left] of [...retired.entries()].reverse()) if (left.removeIfEmpty()) retired.splice(index, 1);
  };
  /** Reading of the last tick of windows already closed (the runs' counters): see run(). */
  let tails: Array<() => Promise<void>> = [];
  /** The reads of tails under way, one after the other: a run's end may ask while an early read (run()) is going on. */
  let settling: Promise<void> = Promise.resolve();
  /** Reads the oldest windows' tails until at most `keep` are left unread. */
  const settleTo = (keep: number): Promise<void> => {
    const reading = settling.then(async () => {
      while (tails.length > keep) await tails.shift()?.();
    });
    settling = reading.catch(() => undefined);
    return reading;
  };
  const settle = (): Promise<void> => settleTo(0);
  /** When the last window's disable was acknowledged (monotonic ns): its tail is printed within a tick of it. */
  let lastDisabledNs: bigint | null = null;
  /** Settles once the last window's disable is acknowledged: no clone may happen while one is open. */
  let windowClosed: Promise<void> = Promise.resolve();

  /**
   * Reads the run before's tail while this run's program goes on, once perf has printed it (a tick
   * after that window's disable, plus TAIL_MARGIN_MS), instead of between this program's end and
   * the next one's release: some 0.3 ms of this process's work a run (perf's lines, the window's
   * counters) taken off the hand-over. The read runs on the other vCPU from the program, reads a
   * file and counts nothing (perf counts the forker's tree); the programs' means against
   * hyperfine's did not move (BENCHMARKS.md, Pace notes, 2026-12-05 15:55). A program that ends
   * first clears it: its end reads the tail, as before.
   */
  const readTailWhileRunning = (pending: boolean): NodeJS.Timeout | null => {
    if (!pending || lastDisabledNs === null) return null;
    const dueNs = lastDisabledNs + BigInt((SERVED_TICK_MS + SERVED_PERFS - 1 + TAIL_MARGIN_MS) * 1e6);
    const delayMs = Math.max(0, Number(dueNs - monotonicNs()) / 1e6);
    return setTimeout(() => void settleTo(0).catch(() => undefined), delayMs);
  };

  /** The early warm-ups' answers are read in order, each after the one before (a run's arm may come before the run before it is read). */
  let queueRead: Promise<unknown> = forking.catch(() => undefined);
  /** Reads the next queued warm-up's answer: its pid line ("skipped" where the gate did not run it), then its end. */
  const readQueued = (): QueuedAnswer => {
    const pidLine = queueRead.then(() => nextLine());
    const end = pidLine.then((line) => (line?.startsWith('pid ') === true ? nextLine() : undefined));
    queueRead = end.catch(() => undefined);
    return { pidLine, end };
  };
  /** Reads what the queued warm-ups not run through arm() answered: the gate takes no other request before. */
  const drainQueued = async (): Promise<void> => {
    while (queued.length > 0) {
      queued.shift();
      readQueued();
    }
    await queueRead;
  };

  const arm = async (command: readonly string[], label = command.join(' '), armOptions: { readonly counted?: boolean; readonly stdio?: ServedStdio; readonly environment?: Readonly<Record<string, string>> } = {}): Promise<ArmedProgram> => {
    const counted = armOptions.counted !== false;
    const environment = armOptions.environment ?? {};
    const next = queued[0];
    if (!counted && next !== undefined && sameWords(next.command, command) && sameWords(environmentFields(next.environment), environmentFields(environment))) {
      queued.shift();
      return queuedRun(command, label, readQueued());
    }
    await drainQueued();
    await (counted ? started() : forking);
    await windowClosed;
    if (closed) throw new Error('the program server is closed');
    const trace = startRunTrace();
    trace.mark('arm');
    // its stdin and stdout: /dev/null (the server's), else as asked (compare --input, --output, --show-output)
    const stdio = armOptions.stdio ?? {};
    control.write(gateRequest(command, { programStdout: stdio.programStdout === 'stderr' ? 'stderr' : 'null', programEnvironment: environment }, perfOptions, false, false, servedFileFields(stdio)));
    const pidLine = await answer('pid ');
    trace.mark('gate-pid');
    const pid = startedPid(pidLine);
    let state: 'held' | 'running' | 'done' = 'held';
    const cancel = async (): Promise<void> => {
      if (state !== 'held') return;
      state = 'done';
      control.write('cancel\n');
      await answer('cancelled');
    };
    return {
      cancel,
      async run(hooks = {}) {
        if (state !== 'held') throw new Error('an armed program runs once (arm it again)');
        state = 'running';
        trace.mark('run');
        const startedAt = new Date().toISOString();
        const warnings: string[] = [];
        const stopForwarding = passInterruptions(() => pid);
        let session: PerfSession | null = counted && !perfGaveUp ? (shared?.session() ?? null) : null;
        /** Opens the way for the next clone, where closeWindow() held it for a restart of the perfs. */
        let reopen: () => void = () => undefined;
        const closeWindow = (holdForRestart = false, disabled = session?.disable() ?? Promise.resolve()): Promise<void> => {
          windowClosed = holdForRestart
            ? new Promise<void>((resolve) => {
                reopen = resolve;
              })
            : disabled.catch(() => undefined);
          return disabled;
        };
        // The run's starting points (its cgroup view with the peak reset, what the cgroup holds
        // outside any RSS, the CPUs' ticks) are read while perf's enable ack is awaited, not
        // between the ack and the release, which they delayed by 0.4 ms a run. The held program is
        // parked meanwhile (nothing moves in the cgroup), perf counts the forker's tree, not this
        // process, and /proc/stat counts in 10 ms ticks.
        const readStart = (): RunStart => {
          // a warm-up's figures are thrown away: its tree is not read
          const tree = cgroup === null || !counted ? null : runView(cgroup);
          const treeMemory = watchTreeMemory(pid, () => tree, { moving: Promise.resolve(true), sampled: counted });
          treeMemory.takeBaseline();
          // a counted run reads the runs' CPU cgroup before and after it (no cgroup of its own: none moved into, none removed)
          const treeCpu = counted ? cpuCgroup : null;
          return { treeMemory, treeCpu, treeCpuBefore: treeCpu?.read() ?? null, cpuBefore: readCpuTicks() };
        };
        // (typed so: TypeScript would take it for null after the callback that sets it)
        let starting = null as RunStart | null;
        try {
          if (session !== null) {
            try {
              await session.enable(undefined, () => {
                starting = readStart();
              });
              trace.mark('perf-enabled');
            } catch (error: unknown) {
              session = null;
              warnings.push(await enableFailureNote(error, perfOptions.explicit));
              // as the warning says: the runs after this one go without perf (session/perf-gave-up.ts)
              perfGaveUp = true;
            }
          }
          // no window (a warm-up, no perf), or perf failed before its enable went out
          starting ??= readStart();
          const { treeMemory, treeCpu, treeCpuBefore, cpuBefore } = starting;
          await treeMemory.ready;
          treeMemory.start(monotonicNs());
          const stop = interruption();
          if (stop !== null) throw new InterruptedError(stop);
          control.write('go\n');
          trace.mark('go');
          const earlyTail = readTailWhileRunning(session !== null && tails.length > 0);
          // the perfs start while the first warm-up program runs (this process is idle until its end)
          if (!counted && perfsStarting === null) {
            trace.mark('perfs-start');
            void started().catch(() => undefined);
          }
          hooks.onStarted?.();
          // compare's progress line shows the counters' rates while a program runs (this process is idle then)
          const liveSession = session;
          const live = liveSession !== null && currentLiveListener() !== null ? setInterval(() => liveSession.peek?.(), perfOptions.intervalMs) : null;
          const resultLine = await answer('{').finally(() => {
            if (live !== null) clearInterval(live);
            if (earlyTail !== null) clearTimeout(earlyTail);
          });
          trace.mark('ended');
          // the disable first: its ack is what the next program's clone waits for (its failure is
          // seen where it is awaited below; should a throw come first, it is not left unhandled)
          const disabling = session?.disable() ?? Promise.resolve();
          disabling.catch(() => undefined);
          const treeCpuUsage = cpuUsageSince(treeCpuBefore, treeCpu?.read() ?? null);
          const cpuAfter = readCpuTicks();
          state = 'done';
          const result = resultLine === undefined ? null : (JSON.parse(resultLine) as ReaperResult);
          const strays = result?.strays ?? 0;
          // Processes the program left running inherited the perfs' counters: the perfs are replaced
          // (closing a perf frees its counters in every process that inherited them) before the
          // next program is cloned, so nothing of theirs counts in a later window. An uncounted
          // program may have been cloned after the perfs opened their counters: the same.
          const restart = strays > 0 && shared !== null;
          // and they are charged to the memory and CPU cgroups, whose reads of the next runs would
          // count them: the forker leaves them behind (leaveStrays) before the next clone
          const evict = strays > 0 && (cgroup !== null || cpuCgroup !== null);
          const disabled = closeWindow(restart || evict, disabling);
          hooks.onEnded?.();
          if (result === null) throw new Error('perfcell-serve ended without a report (was it killed?)');
          await settleReportedStop(result);
          // its held child could not open its --input or --output file (removed while compare ran): said once, naming it
          if ((result.openFailed ?? 0) > 0) throw new Error(`${quoteName(label)} did not start: ${servedOpenFailure(stdio, result.openFailed ?? 0, result.execErrno)}`);
          if (result.execErrno !== 0) throw new UsageError(describeExecFailure(command[0] ?? '', result.execErrno, result.execError));
          if (strays > 0) warnings.push(straysWarning(label, strays));
          const report = programReport({
            label, command, startedAt, result: { ...result, ...withUnwaitedCpu(result, treeCpuUsage) }, cpuBefore, cpuAfter, counters: noCounters(), warnings,
            tree: treeMemory.finish(result.maxRssKiB), gc: null,
          });
          if (session !== null) {
            // the window's rows that the read of the last tail below takes in go into its intervals at once
            session.bound?.({ startNs: BigInt(result.startNs), endNs: BigInt(result.endNs) });
            await disabled;
            lastDisabledNs = monotonicNs();
            // A window's last tick is read while the next program runs, once perf has printed it
            // (readTailWhileRunning), or else once that program has ended (after a program shorter
            // than a tick, perf may still owe it: the read then waits for it), or at settle(). An
            // unread tail keeps its perf of the group busy: this run's leaves the other free for
            // the next.
            await settleTo(UNREAD_TAILS - 1);
            const windowSession = session;
            const endNs = BigInt(result.endNs);
            tails.push(async () => {
              try {
                const window = await windowSession.stop({ startNs: BigInt(result.startNs), endNs });
                trace.mark('tail-read');
                const built = buildPerfCounters(window, perfOptions.intervalMs, perfOptions.events, perfOptions.metricGroups);
                Object.assign(report, { counters: built.counters });
                (report.warnings as string[]).push(...built.notes);
              } catch (error: unknown) {
                (report.warnings as string[]).push(`perf's last interval could not be read (${(error as Error).message}); measuring RAM, time and CPU only`);
              }
            });
          }
          if (restart) {
            await settle();
            await started();
            await restartPerfs();
          }
          if (evict) await leaveStrays();
          reopen();
          trace.mark('report');
          return report;
        } catch (error: unknown) {
          // a window left open is closed, and a program left held is ended
          if (state === 'running') {
            state = 'held';
            await cancel();
          }
          void closeWindow();
          session?.kill();
          throw error;
        } finally {
          reopen();
          starting?.treeMemory.dispose();
          stopForwarding();
        }
      },
    };
  };

  /** A warm-up the early server was sent (serve-process.ts, startEarlyWarmups): already released, or to be, in turn. */
  const queuedRun = (command: readonly string[], label: string, answered: QueuedAnswer): ArmedProgram => {
    let state: 'held' | 'done' = 'held';
    return {
      // not to be run (compare stopped): ended if it runs already, and its answer read, so that the lines after it are the next run's
      cancel: async () => {
        if (state !== 'held') return;
        state = 'done';
        const ended = answered.end.then(() => true, () => true);
        const pid = pidOf(await answered.pidLine.catch(() => undefined));
        if (pid > 0 && !(await Promise.race([ended, Promise.resolve(false)]))) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
        await ended;
      },
      async run(hooks = {}) {
        if (state !== 'held') throw new Error('an armed program runs once (arm it again)');
        state = 'done';
        const trace = startRunTrace();
        trace.mark('run');
        const startedAt = new Date().toISOString();
        let pid = 0;
        const stopForwarding = passInterruptions(() => pid);
        try {
          const cpuBefore = readCpuTicks();
          const pidLine = await answered.pidLine;
          pid = startedPid(pidLine);
          trace.mark('go');
          hooks.onStarted?.();
          const resultLine = await answered.end;
          trace.mark('ended');
          const cpuAfter = readCpuTicks();
          hooks.onEnded?.();
          if (resultLine === undefined) throw new Error('perfcell-serve ended without a report (was it killed?)');
          const result = JSON.parse(resultLine) as ReaperResult;
          // a program that took the group's Ctrl-C and exited by it (its trap) before perfcell's own
          // handler ran, as run() waits: unwaited, compare said it 'exited with code 3' and exited 1
          await settleReportedStop(result);
          if (result.execErrno !== 0) throw new UsageError(describeExecFailure(command[0] ?? '', result.execErrno, result.execError));
          const warnings: string[] = [];
          const strays = result.strays ?? 0;
          if (strays > 0) {
            warnings.push(straysWarning(label, strays));
            // they may have been cloned after the perfs attached, and hold their counters (as run() does)
            await started();
            await restartPerfs();
            await leaveStrays();
          }
          // no cgroup and no reads: the peak is ru_maxrss alone, as for any warm-up
          const tree = watchTreeMemory(pid, () => null, { sampled: false });
          const report = programReport({ label, command, startedAt, result, cpuBefore, cpuAfter, counters: noCounters(), warnings, tree: tree.finish(result.maxRssKiB), gc: null });
          tree.dispose();
          trace.mark('report');
          return report;
        } finally {
          stopForwarding();
        }
      },
    };
  };

  return {
    arm,
    settle,
    async close() {
      if (closed) return;
      closed = true;
      await perfsStarting?.catch(() => undefined);
      await windowClosed;
      await settle().catch(() => undefined);
      // warm-ups still queued (compare stopped first) are dropped at the control's end: their answers are not awaited
      queued.length = 0;
      // the gate ends its forker; the perfs are killed meanwhile (they would end with the forker),
      // here: the server kills the groups of the perfs it was last named (tellPerfs), none now
      control.end('perfs\n');
      await Promise.all([exit, (shared as SharedPerf | null)?.closeAndWait()]);
      stopFollowing?.();
      cgroup?.remove();
      cpuCgroup?.remove();
      for (const left of retired) left.remove();
    },
  };
}

/** The pid in the gate's `pid N` line; NaN for any other line (`skipped`, `pid 0`, none). */
function pidOf(line: string | undefined): number {
  return Number(/^pid (\d+)$/.exec(line ?? '')?.[1] ?? NaN);
}

/** The pid of the program the gate started, from its `pid N` line; an error where it started none. */
function startedPid(line: string | undefined): number {
  const pid = pidOf(line);
  if (!(pid > 0)) throw new Error(`perfcell-serve did not start the program (${line ?? 'it has ended'})`);
  return pid;
}

/**
 * Holds Ctrl-C, SIGTERM and SIGHUP for compare while a run goes on, and passes them on to its
 * program (`pid()`, 0 while it is not known yet), as a terminal would; returns the release.
 */
function passInterruptions(pid: () => number): () => void {
  const releaseSignals = holdInterruptions({ isLibrary: true });
  const stopForwarding = forwardInterruptions(pid);
  return () => {
    stopForwarding();
    releaseSignals();
  };
}

/** What a run's report says of the processes its program left running (the perfs are started anew). */
function straysWarning(label: string, strays: number): string {
  return `${quoteName(label)} left ${strays} process${strays === 1 ? '' : 'es'} running after it ended; ${strays === 1 ? 'it was' : 'they were'} not counted after that (compare started its perfs anew)`;
}

/** A queued warm-up's answer from the gate: its pid line, and its end line (undefined where it did not run). */
interface QueuedAnswer {
  readonly pidLine: Promise<string | undefined>;
  readonly end: Promise<string | undefined>;
}

/** What a run reads before its program's release. */
interface RunStart {
  readonly treeMemory: TreeMemory;
  /** The runs' CPU cgroup where this run's CPU is read from it (a counted run's); its charge at the start. */
  readonly treeCpu: CpuCgroup | null;
  readonly treeCpuBefore: CpuUsage | null;
  readonly cpuBefore: CpuTicks[];
}

/**
 * One run's view of the runs' cgroup: its peak reset now, the usage already charged (the forker,
 * the held program's own pages, earlier runs' page cache) taken off what it reads.
 */
function runView(cgroup: MemoryCgroup): MemoryCgroup | null {
  if (cgroup.resetPeak?.() !== true) return null;
  const baseBytes = cgroup.usageBytes() ?? 0;
  const above = (bytes: number | null): number | null => (bytes === null ? null : Math.max(0, bytes - baseBytes));
  return {
    method: cgroup.method,
    path: cgroup.path,
    add: async () => true,
    peakBytes: () => above(cgroup.peakBytes()),
    usageBytes: () => above(cgroup.usageBytes()),
    // tree-memory takes off what is gained from the run's release on, so earlier runs' page cache stays out
    outsideRssBytes: () => cgroup.outsideRssBytes?.() ?? null,
    // the forker is in it too: the server counts what a run left running (strays)
    pids: () => null,
    // the runs' cgroup outlives each run: close() removes it
    remove: () => undefined,
    removeIfEmpty: () => false,
  };
}

/** Whether two lists hold the same words in the same order. */
function sameWords(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((word, index) => word === right[index]);
}
