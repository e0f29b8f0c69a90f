import { spawn } from 'node:child_process';
import { startPerf, type PerfSession } from '../perf/controller.ts';
import { PerfError, UsageError } from '../errors.ts';
import { readChildrenCpuTicks, readCpuTicks, USER_HZ } from '../proc/read-proc.ts';
import { buildCpuReport } from './cpu.ts';
import { buildPerfCounters, noCounters } from './counters.ts';
import { resolvePerfOptions, type MeasureOptions } from './options.ts';
import type { CommandReport, CountersReport } from './report.ts';
import { monotonicNs } from './clock.ts';
import { programMemory, watchTreeMemory } from './tree-memory.ts';
import { forwardInterruptions, holdInterruptions, settleStopAfterEnd } from './interruption.ts';
import { emptyProgramError, launchError } from './exec-failure.ts';
import { shellQuote } from '../render/shell-quote.ts';
import type { HelperProblem } from './exec-helper.ts';
import { openProgramFiles } from './program-files.ts';
import { programStdio } from './program-stdio.ts';
import { keepingIgnoredOnExec } from './ignored-signals.ts';

/**
 * Said once per process, in the first ungated report's warnings (which the commands print on
 * stderr): what is less exact without the gate, why there is none, and what brings it.
 */
export function ungatedWarning(problem: HelperProblem): string {
  return (
    `perfcell-exec (the exec gate) is not built for this machine and ${problem.cause}: programs run without it, so ` +
    'counting starts when perf attaches (a short program can end before), the peak RSS is sampled every 10 ms rather than ' +
    `the kernel's, and CPU time is in 10 ms steps; ${problem.fix}`
  );
}

/** Whether `warning` is ungatedWarning's, said under a process's first ungated report only (not that report's alone). */
export function isUngatedWarning(warning: string): boolean {
  return warning.startsWith('perfcell-exec (the exec gate) is not built for this machine');
}

let warned = false;

/** The children's CPU of this process (utime, stime of waited-for children), seconds. */
function childrenCpuS(): { userS: number; systemS: number } {
  const ticks = readChildrenCpuTicks();
  return ticks === null ? { userS: 0, systemS: 0 } : { userS: ticks.userTicks / USER_HZ, systemS: ticks.systemTicks / USER_HZ };
}

/**
 * `run` where no exec gate can run (no binary for this architecture, and none compiled: `problem`
 * says why): the program is spawned directly and perf attaches to it while it runs. Less exact
 * than the gate, and said so.
 */
export async function runUngated(command: readonly string[], options: MeasureOptions, problem: HelperProblem): Promise<CommandReport> {
  const [file, ...args] = command;
  if (file === undefined) throw new UsageError('no command to run (usage: perfcell run [options] -- CMD ARGS...)');
  if (file === '') throw emptyProgramError();
  const perfOptions = resolvePerfOptions(options);
  const warnings: string[] = [];
  const startedAt = new Date().toISOString();
  const cpuChildrenBefore = childrenCpuS();
  const cpuBefore = readCpuTicks();
  // compare --input FILE, --output FILE (emptied now: the program starts at once)
  const files = openProgramFiles(options);
  files.begin();
  const startNs = monotonicNs();
  let child: ReturnType<typeof spawn>;
  try {
    const started = keepingIgnoredOnExec(file, args);
    child = spawn(started.file, started.args, {
      stdio: programStdio(options, files),
      ...(options.programEnvironment === undefined ? {} : { env: { ...process.env, ...options.programEnvironment } }),
    });
    files.spawned();
  } finally {
    files.close();
  }
  let endNs = startNs;
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('exit', (code, signal) => {
      endNs = monotonicNs();
      resolve({ code, signal });
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      endNs = monotonicNs();
      resolve({ code: null, signal: null, error });
    });
  });
  // the library's hold, as the gated run's (run-program.ts): measure() in a script of the user's
  // passes the signal on to it once the program has ended, where it had been absorbed here
  const releaseSignals = holdInterruptions({ isLibrary: true });
  const pid = child.pid;
  const stopForwarding = forwardInterruptions(() => pid);
  const treeMemory = pid === undefined ? null : watchTreeMemory(pid, () => null);
  let perf: PerfSession | null = null;
  try {
    treeMemory?.start(startNs);
    if (pid !== undefined && perfOptions.enabled && options.backend !== 'cachegrind') {
      perf = startPerf(pid, perfOptions);
      try {
        await Promise.race([perf.enable(), ended]);
      } catch (error: unknown) {
        perf.kill();
        perf = null;
        warnings.push(`${error instanceof PerfError ? error.message : String(error)}; measuring RAM, time and CPU only`);
      }
    }
    const exit = await ended;
    const cpuAfter = readCpuTicks();
    const cpuChildrenAfter = childrenCpuS();
    // A program the group's Ctrl-C killed dies as perfcell gets its own SIGINT, whose handler runs
    // some turns later: waited for (after the readings), so that the release below passes it on to
    // a script that called measure() (the gated run's gate reports it). Unwaited, under a loaded
    // CI the script's loop went on past the Ctrl-C and exited 0.
    await settleStopAfterEnd(exit.signal);
    if (exit.error !== undefined) {
      perf?.kill();
      // the gate's messages and statuses (127 not found, 126 found but not runnable)
      throw launchError(file, exit.error.errno === undefined ? 0 : -exit.error.errno, exit.error.message.replace(/^spawn \S+ /, ''));
    }
    let counters: CountersReport = noCounters();
    if (perf !== null) {
      const window = await perf.stop({ startNs, endNs, awaitExit: false, targetExited: true });
      const built = buildPerfCounters(window, perfOptions.intervalMs, perfOptions.events, perfOptions.metricGroups);
      counters = built.counters;
      warnings.push(...built.notes);
    }
    // Once per process (a compare or a REPL session runs many): its peakMethod says it for every report.
    if (!warned) {
      warned = true;
      warnings.push(ungatedWarning(problem));
    }
    const memory = treeMemory!.finish(0);
    const durationS = Number(endNs - startNs) / 1e9;
    return {
      label: options.label ?? shellQuote(command),
      command,
      startedAt,
      durationS,
      exitCode: exit.code,
      signal: exit.signal,
      // no wait4() here: the largest process's peak is not known apart from the tree's; and a
      // program that ended before the first 10 ms sample has no peak at all (null, not 0)
      memory: { ...programMemory({ ...memory, largestProcessPeakBytes: memory.peakRssBytes }), ...(memory.peakRssBytes > 0 ? {} : { peakRssBytes: null, largestProcessPeakBytes: null }) },
      cpu: buildCpuReport(cpuBefore, cpuAfter, {
        userS: cpuChildrenAfter.userS - cpuChildrenBefore.userS,
        systemS: cpuChildrenAfter.systemS - cpuChildrenBefore.systemS,
        wallS: durationS,
      }),
      counters,
      warnings,
      rssSeries: memory.series,
    };
  } finally {
    treeMemory?.dispose();
    stopForwarding();
    releaseSignals();
    perf?.kill();
  }
}

