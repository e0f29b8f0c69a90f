import { spawn, type ChildProcess } from 'node:child_process';
import split2 from 'split2';
import type { Readable, Writable } from 'node:stream';
import { constants as osConstants } from 'node:os';
import { startPerf, type PerfSession, type PerfWindowResult } from '../perf/controller.ts';
import { openLiveLine, type LiveMemory } from '../live/follower.ts';
import { perfInSession, untilPolling } from '../perf/poll-state.ts';
import { openProgramFiles } from './program-files.ts';
import { hasOwnStdio, programStdio } from './program-stdio.ts';
import { isPerfGoneOn, PerfError, UsageError } from '../errors.ts';
import { readCpuTicks } from '../proc/read-proc.ts';
import { buildCpuReport } from './cpu.ts';
import { createCpuCgroup } from './cpu-cgroup.ts';
import { watchTreeCpu, withUnwaitedCpu, type TreeCpu } from './tree-cpu.ts';
import { buildPerfCounters, noCounters } from './counters.ts';
import { locateNativeHelper } from './exec-helper.ts';
import { resolvePerfOptions, type MeasureOptions } from './options.ts';
import { isNodeProgram, listenForNodeGc, nodeGcEnvironment, usesPermissionModel } from './node-gc.ts';
import type { CommandReport, CountersReport } from './report.ts';
import { monotonicNs } from './clock.ts';
import { afterReport } from './after-report.ts';
import { programMemory, watchTreeMemory, type TreeMemory, type TreeMemoryResult } from './tree-memory.ts';
import { forwardInterruptions, holdInterruptions, InterruptedError, interruption, noteGroupStopSignal, onInterruption, settleInterruption } from './interruption.ts';
import { emptyProgramError, launchError } from './exec-failure.ts';
import { startRunTrace } from './run-trace.ts';
import { dropGatePerf, gatePerfStreams, parsePidLine, sendGateCommand, takeEarlyGate } from './early-gate.ts';
import { gateRequest } from './gate-request.ts';
import { readGateLines } from './gate-lines.ts';
import { shellQuote } from '../render/shell-quote.ts';
import { exitedWithin } from '../proc/child-processes.ts';
import { continueCount, HELD_STOP_NOTE, heldStop } from './job-stops.ts';
import { quoteName } from '../render/quote-name.ts';

/** What the exec gate reports when the program has ended (see native/perfcell-exec.c and perfcell-serve.c). */
export interface ReaperResult {
  readonly released: boolean;
  readonly exited: boolean;
  readonly exitCode: number;
  readonly signal: number;
  readonly startNs: number;
  readonly endNs: number;
  readonly userS: number;
  readonly systemS: number;
  readonly maxRssKiB: number;
  readonly execErrno: number;
  readonly execError: string;
  /** The gate sent perf its SIGINT the moment it reaped the program (at endNs). */
  readonly perfSignalled?: boolean;
  /** The stop signal (SIGINT 2, SIGTERM 15, SIGHUP 1) the gate got while it ran (perfcell-serve: since its last report), 0 for none: a Ctrl-C to the group reached perfcell too. */
  readonly stopSignal?: number;
  /** perfcell-serve: processes the program left running after it ended (they inherited the runs' counters). */
  readonly strays?: number;
  /** perfcell-serve: 1 where the held child could not open its stdin file, 2 its stdout file (execErrno says why); 0 where it could. */
  readonly openFailed?: number;
}

/**
 * A Ctrl-C (SIGTERM, SIGHUP) to the group that the gate's end report says it got (`stopSignal`)
 * reached perfcell too, before the program could exit; perfcell's own handler may not have run yet
 * (a program that caught it and exited at once): waits for it, so that the run is seen as interrupted.
 */
export async function settleReportedStop(result: ReaperResult): Promise<void> {
  noteGroupStopSignal(result.stopSignal ?? 0);
  if ((result.stopSignal ?? 0) > 0 && interruption() === null) await settleInterruption();
}


function signalName(signal: number): string | null {
  if (signal === 0) return null;
  const entry = Object.entries(osConstants.signals).find(([, number]) => number === signal);
  return entry?.[0] ?? `signal ${signal}`;
}

/**
 * Runs an external program (no shell) and measures it and its children from exec to exit.
 * The program is forked and held before exec by the gate, perf is attached to its pid and
 * enabled, and only then is it released.
 */
export async function runProgram(command: readonly string[], options: MeasureOptions = {}, hooks?: RunHooks): Promise<CommandReport> {
  return (await armProgram(command, options)).run(hooks);
}

/** What a run tells its caller as it goes (ArmedProgram.run). */
export interface RunHooks {
  readonly onStarted?: () => void;
  /** Called the moment the gate reports the program's end, before perf's last interval is read: the timed part is over then. */
  readonly onEnded?: () => void;
}

/** A program forked and held before exec by the gate, with its perf started and disabled: ready to run. */
export interface ArmedProgram {
  /** Releases the program and measures it (at most once), telling `hooks` as it goes. */
  run(hooks?: RunHooks): Promise<CommandReport>;
  /** Ends an armed program that will not run: the held child exits without exec, its perf is killed. Safe twice, and after run(). */
  cancel(): Promise<void>;
}

/**
 * Arms a program: spawns the gate, which forks the child and holds it before exec, and starts perf
 * attached to it, counting disabled. Nothing of the program runs until run(): compare arms the
 * next run while this one's results are recorded, so its run waits for perf's enable ack only.
 */
export async function armProgram(command: readonly string[], options: MeasureOptions = {}): Promise<ArmedProgram> {
  const [file, ...args] = command;
  if (file === undefined) throw new UsageError('no command to run (usage: perfcell run [options] -- CMD ARGS...)');
  if (file === '') throw emptyProgramError();
  const located = locateNativeHelper('perfcell-exec');
  // No gate runs here and none can be compiled: spawned directly, less exactly, and said (with why) once.
  if (located.path === null) {
    const { runUngated } = await import('./run-ungated.ts');
    return { run: () => runUngated(command, options, located.problem), cancel: async () => undefined };
  }
  const helper = located.path;
  const trace = startRunTrace();
  trace.mark('arm');
  const perfOptions = resolvePerfOptions(options);
  const warnings: string[] = [];
  // A Node program reports its own collections through a preload, on fd 5 (session/node-gc.ts);
  // not one under Node's permission model, which would refuse it the preload's file
  const permissionModel = usesPermissionModel(args, options.programEnvironment?.['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS']);
  const nodeGc = !permissionModel && (options.nodeGc ?? isNodeProgram(file));
  if (permissionModel && options.nodeGc === true) warnings.push("no GC report: the program runs under Node's permission model (--experimental-permission), which would refuse it the GC preload's file");

  // `perfcell run` spawned its gate first thing (early-gate.ts), whose held child is in the run's
  // cgroup or on its way there: it takes the command now. Not for a quiet run (library use),
  // whose stdio the early gate does not have.
  const early = options.quiet === true || hasOwnStdio(options) ? null : takeEarlyGate();
  const wantsPerf = perfOptions.enabled && options.backend !== 'cachegrind';
  // The early gate starts perf itself; for the live view (a terminal's) only where its perf writes
  // to a file, which the relay reads.
  const gateStartsPerf = early !== null && wantsPerf && (perfOptions.live !== true || early.perfOutput !== null);
  // node:child_process, not execa: the report waits for this process's lines, never for its exit
  // (execa resolves only some ms after the gate has gone), and a run is cheaper to start.
  // compare --input FILE, --output FILE: open now, the output emptied as the program starts
  const files = early === null ? openProgramFiles(options) : null;
  let spawned: ChildProcess;
  try {
    spawned = early?.process ?? spawn(helper, ['3', '4', file, ...args], {
      // programStdout 'stderr': the program writes its stdout to perfcell's stderr (fd 2), so
      // perfcell's own stdout carries nothing but the report document.
      stdio: [
        ...programStdio(options, files ?? {}),
        'pipe', 'pipe',
        ...(nodeGc ? (['pipe'] as const) : []),
      ],
      // the caller's NODE_OPTIONS takes the preload too (it replaced the preload's, and the GC row went without a word)
      ...(nodeGc || options.programEnvironment !== undefined ? { env: nodeGc ? nodeGcEnvironment({ ...process.env, ...options.programEnvironment }) : { ...process.env, ...options.programEnvironment } } : {}),
    });
  } catch (error: unknown) {
    files?.close();
    throw error;
  }
  const reaper = spawned;
  files?.spawned();
  trace.mark('gate-spawned');
  const reaperExit = new Promise<void>((resolve) => {
    reaper.once('exit', () => resolve());
    reaper.once('error', () => resolve());
    // an early gate that has gone already (killed while perfcell started)
    if (reaper.exitCode !== null || reaper.signalCode !== null) resolve();
  });
  liveGates.add(reaperExit);
  void reaperExit.then(() => liveGates.delete(reaperExit));
  // Extra stdio pipes are socket pairs, writable from our side although execa types them as Readable.
  const gate = reaper.stdio[3] as unknown as Writable;
  const readNodeGc = nodeGc ? listenForNodeGc((reaper.stdio as unknown as Readable[])[5]!) : null;
  // the early gate always has the GC channel; a program that is not Node gets none (the gate closes it)
  if (!nodeGc) (reaper.stdio as unknown as Array<Readable | null>)[5]?.destroy();
  gate.on('error', () => undefined);
  const reports = early?.reports ?? (reaper.stdio[4] as Readable).pipe(split2());
  const nextLine = readGateLines(reports, reaper).next;

  // SIGINT, SIGTERM and SIGHUP are passed on to the program, as timeout(1) does (Ctrl-C also
  // reaches it through the terminal's process group); perfcell stays to report how it ended.
  const releaseSignals = holdInterruptions({ isLibrary: true });
  let perf: PerfSession | null = null;
  let treeMemory: TreeMemory | null = null;
  let treeCpu: TreeCpu | null = null;
  // The live line shows the tree's memory as the report reads it, not the program's own RSS only
  // (`sh -c 'node big.js'` had shown sh's 1.7 MiB under a 516.6 MiB peak).
  const treeNow = (): LiveMemory | null => treeMemory?.now() ?? null;
  let isSettled = false;
  /** The run has its report: stop() has seen to perf. */
  let isReported = false;
  const dispose = (): void => {
    if (isSettled) return;
    isSettled = true;
    files?.close();
    treeMemory?.dispose();
    treeCpu?.dispose();
    releaseSignals();
    // After a report the gate, waiting for its perf, reads no more requests: its pipe closes once
    // the report is out (closing it took 0.3-0.4 ms of the hand-over).
    if (isReported) {
      afterReport(() => closeGate(gate));
      return;
    }
    perf?.kill();
    closeGate(gate);
  };
  let pid: number;
  try {
    if (early !== null) {
      sendGateCommand(early, gateRequest(command, options, perfOptions, nodeGc, gateStartsPerf));
      if (!gateStartsPerf) dropGatePerf(early);
    }
    const pidLine = await nextLine();
    trace.mark('gate-pid');
    const held = parsePidLine(pidLine);
    pid = held?.pid ?? NaN;
    if (held === null || pid <= 0) {
      // Ctrl-C to the group can reach the gate before it ignores SIGINT: the interruption's, not a failure.
      const stop = await settleInterruption();
      if (stop !== null) throw new InterruptedError(stop);
      throw new Error(`perfcell-exec did not start the program (${pidLine ?? 'no output'})`);
    }
    if (gateStartsPerf && early !== null) {
      // The gate has forked perf on the held child (and ends it should perfcell die).
      perf = startPerf(pid, perfOptions, { pid: held.perfPid, execErrno: held.perfErrno, ...gatePerfStreams(early) }, treeNow);
      trace.mark('perf-spawned');
    } else if (wantsPerf) {
      perf = startPerf(pid, perfOptions, undefined, treeNow);
      trace.mark('perf-spawned');
      // The gate ends perf with the program should perfcell die (SIGKILL) while it runs.
      if (perf.perfPid !== undefined) gate.write(`perf ${perf.perfPid}\n`);
    }
    // Into its own memory cgroup while the gate holds it before exec: the program and every
    // descendant are charged there, and the kernel keeps the tree's exact peak. The move runs off
    // the event loop while perf starts, and only after perf's spawn: on cgroup v1 it holds the
    // kernel's fork lock through an RCU grace period (10-20 ms here), and a fork started meanwhile
    // (perf's) waits it out. The release waits for it (ready).
    treeMemory = early === null ? watchTreeMemory(pid) : watchTreeMemory(pid, () => early.cgroup, { moving: early.moved });
    // The tree's CPU from a cgroup too: wait4() holds only the children the program waited for.
    const memoryPath = treeMemory.cgroupPath;
    treeCpu = early === null ? watchTreeCpu(pid, () => createCpuCgroup(memoryPath), { after: treeMemory.ready }) : watchTreeCpu(pid, () => early.cpuCgroup, { moving: early.cpuMoved });
  } catch (error: unknown) {
    dispose();
    throw error;
  }
  const heldPid = pid;

  let hasRun = false;
  return {
    async cancel() {
      if (isSettled) return;
      // Closing the gate unreleased: the held child exits 125 without running the program.
      dispose();
      await reaperExit;
    },
    async run(hooks = {}) {
      if (hasRun || isSettled) throw new Error('an armed program runs once (arm it again)');
      hasRun = true;
      trace.mark('run');
      const startedAt = new Date().toISOString();
      let stopForwarding: () => void = () => undefined;
      try {
        stopForwarding = forwardInterruptions(() => heldPid);
        if (perf !== null) {
          // Asked to stop while perf is awaited (a perf that never acknowledges costs the ack
          // timeout, 5 s): perf is killed, and the stop ends the run now, not once that has passed
          const armed = perf;
          const stopWaiting = onInterruption(() => armed.kill());
          try {
            await perf.enable().finally(stopWaiting);
            trace.mark('perf-enabled');
            // perf checks that its target lives each time before it waits in poll(): released while perf
            // is still on its way back from the ack, a short program can be gone by then, and perf
            // quits without printing a line. Once it polls, only our SIGINT ends it, with its last interval.
            if (perf.perfPid !== undefined) await untilPolling(perfInSession(perf.perfPid));
            trace.mark('perf-polling');
          } catch (error: unknown) {
            perf = null;
            try {
              warnings.push(await enableFailureNote(error, perfOptions.explicit));
            } catch (fatal: unknown) {
              if (!(fatal instanceof InterruptedError)) closeGate(gate);
              throw fatal;
            }
          }
        }

        await treeMemory!.ready;
        await treeCpu!.ready;
        trace.mark('cgroup-ready');
        // its output file emptied (compare --output FILE) before the window's clock starts
        files?.begin();
        const cpuBefore = readCpuTicks();
        treeCpu!.start();
        const continuesBefore = continueCount();
        const startNs = monotonicNs();
        treeMemory!.start(startNs);
        // Asked to stop before the program started: it never runs (the held child exits 125).
        const early = interruption();
        if (early !== null) {
          closeGate(gate);
          await reaper;
          throw new InterruptedError(early);
        }
        // The gate stays open while the program runs: its closing tells the gate that perfcell is gone.
        gate.write('go\n');
        trace.mark('go');
        hooks.onStarted?.();
        // Without perf (--no-perf, or a perf that could not count) the live view still shows the
        // time and the tree's memory; with perf, perf's window draws it.
        const line = perf === null && perfOptions.live === true ? openLiveLine(null, heldPid, treeNow) : null;
        const resultLine = await nextLine();
        trace.mark('ended');
        // first: descendants left running go on being charged
        const treeCpuUsage = treeCpu!.finish();
        await line?.close();
        const cpuAfter = readCpuTicks();
        hooks.onEnded?.();
        if (resultLine === undefined) {
          await reaperExit;
          throw new Error('perfcell-exec ended without a report (was it killed?)');
        }
        const result = JSON.parse(resultLine) as ReaperResult;
        await settleReportedStop(result);
        if (result.execErrno !== 0) {
          perf?.kill();
          await reaperExit;
          throw launchError(file, result.execErrno, result.execError);
        }
        // The gate has sent perf its SIGINT already where it could (at the program's end); the report
        // waits for perf's last interval only, neither for perf's teardown nor for the gate's exit.
        const sigintSent = result.perfSignalled === true;
        const stopPerf = (): Promise<PerfWindowResult> | undefined =>
          perf?.stop({ startNs: BigInt(result.startNs), endNs: BigInt(result.endNs), awaitExit: false, sigintSent, targetExited: true });
        // The tree's memory is final (the program has been reaped). Read while perf, on the other
        // core, prints its last interval: a perf the gate signalled is some 0.1-0.5 ms into it, and
        // stop() then mostly finds that interval in its file; one it could not gets its SIGINT first.
        let stopped = sigintSent ? undefined : stopPerf();
        const tree = treeMemory!.finish(result.maxRssKiB);
        stopped ??= stopPerf();
        const label = options.label ?? shellQuote(command);

        let counters: CountersReport = noCounters();
        if (stopped !== undefined) {
          // No disable: the program has exited, its counts are final, and perf prints the last
          // interval only if it is still enabled when the target goes.
          const window = await stopped;
          trace.mark('perf-final');
          const built = buildPerfCounters(window, perfOptions.intervalMs, perfOptions.events, perfOptions.metricGroups);
          counters = built.counters;
          warnings.push(...built.notes);
        }
        const gc = readNodeGc === null ? null : await readNodeGc();
        trace.mark('report');
        if ((tree.leftRunningPids?.length ?? 0) > 0) warnings.push(leftRunningNote(label, tree.leftRunningPids ?? []));
        if (await heldStop(continuesBefore, monotonicNs() - startNs)) warnings.push(HELD_STOP_NOTE);
        isReported = true;
        return programReport({ label, command, startedAt, result: { ...result, ...withUnwaitedCpu(result, treeCpuUsage) }, cpuBefore, cpuAfter, counters, warnings, tree, gc });
      } finally {
        stopForwarding();
        dispose();
      }
    },
  };
}

/** The exits of this process's gates that have not exited yet. */
const liveGates = new Set<Promise<void>>();

/**
 * Resolves once every gate of this process's runs has exited, or after `capMs`. A gate stays until
 * the perf it forked has gone (perfcell kills it once its last line is read), so it exits a moment
 * after the report; a perfcell that ended first left it to init, or to a subreaper, as a zombie.
 */
export function untilGatesExit(capMs = 200): Promise<void> {
  return exitedWithin(liveGates, capMs);
}

/** Closing the gate unreleased makes the held child exit without running the program. */
function closeGate(gate: Writable): void {
  if (!gate.writableEnded) gate.end();
}


/**
 * What a run does when perf's enable failed before its program started: a stop signal that reached
 * the held child (Ctrl-C to the group, or passed on to it) ended it before exec, and perf with it:
 * thrown as the interruption's, not perf's failure. A perf that never acknowledged or had no room
 * for its output, or default
 * events perf refused, become the note returned (the run goes on without counters); an explicit
 * `-e` perf refused, or an error that is not perf's, is thrown.
 */
export async function enableFailureNote(error: unknown, explicitEvents: boolean): Promise<string> {
  const stop = await settleInterruption();
  if (stop !== null) throw new InterruptedError(stop);
  if (!isPerfGoneOn(error) && (explicitEvents || !(error instanceof PerfError))) throw error;
  return `${error.message}; measuring RAM, time and CPU only`;
}

/** A program's report from what its gate said at its end and what perfcell read around it. */
export function programReport(input: {
  readonly label: string;
  readonly command: readonly string[];
  readonly startedAt: string;
  readonly result: ReaperResult;
  readonly cpuBefore: ReturnType<typeof readCpuTicks>;
  readonly cpuAfter: ReturnType<typeof readCpuTicks>;
  readonly counters: CountersReport;
  readonly warnings: readonly string[];
  readonly tree: TreeMemoryResult;
  readonly gc: CommandReport['gc'] | null;
}): CommandReport {
  const { result } = input;
  const durationS = (result.endNs - result.startNs) / 1e9;
  return {
    label: input.label,
    command: input.command,
    startedAt: input.startedAt,
    durationS,
    exitCode: result.exited ? result.exitCode : null,
    signal: signalName(result.signal),
    memory: programMemory(input.tree),
    cpu: buildCpuReport(input.cpuBefore, input.cpuAfter, { userS: result.userS, systemS: result.systemS, wallS: durationS }),
    counters: input.counters,
    warnings: [...input.warnings],
    rssSeries: input.tree.series,
    ...(input.gc === null || input.gc === undefined ? {} : { gc: input.gc }),
  };
}

/**
 * What a program left running when it ended (found in its cgroup): perf counted those processes,
 * and the peak held them, only until the program's end, so its counts hold part of their work.
 * @example leftRunningNote("sh -c 'sleep 9 &'", [4242])
 * // → "\"sh -c 'sleep 9 &'\" left a process running after it ended (pid 4242): its counts and peak hold that process's work only up to the end"
 */
export function leftRunningNote(label: string, pids: readonly number[]): string {
  const one = pids.length === 1;
  const shown = pids.length > 5 ? `${pids.slice(0, 5).join(', ')}, …` : pids.join(', ');
  return `${quoteName(label)} left ${one ? 'a process' : `${pids.length} processes`} running after it ended (pid ${shown}): its counts and peak hold ${one ? "that process's" : 'their'} work only up to the end`;
}
