import { spawn, type ChildProcess } from 'node:child_process';
import split2 from 'split2';
import type { Readable, Writable } from 'node:stream';
import { perfOutputFileOrNull, type PerfOutputFile } from '../perf/output-file.ts';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroup } from './cpu-cgroup.ts';
import { findExecHelper } from './exec-helper.ts';
import { holdEventLoop } from '../proc/child-processes.ts';
import { endBySignal, listenForStopsBeforeHold } from './stops-before-hold.ts';

/**
 * The exec gate of `perfcell run`, spawned first thing, before perfcell has parsed its options or
 * loaded the code that measures (src/cli/lanes/run.ts), in its "-" form (native/perfcell-exec.c):
 * it forks its perf launcher and the held child at once, and the child waits for its command. The
 * child is moved into the run's memory cgroup straight away: on cgroup v1 a move waits out an RCU
 * grace period (10-20 ms measured here), which then overlaps perfcell's own start-up instead of
 * delaying the program.
 */
export interface EarlyGate {
  readonly process: ChildProcess;
  /** The gate's report lines (fd 4) after its "ready PID". */
  readonly reports: Readable;
  /** The run's cgroup, with the held child in it once `moved` resolves true; null without one. */
  readonly cgroup: MemoryCgroup | null;
  readonly moved: Promise<boolean>;
  /** The cgroup that counts the tree's CPU (cpu-cgroup.ts), with the held child in it once `cpuMoved` resolves true; null without one. */
  readonly cpuCgroup: CpuCgroup | null;
  readonly cpuMoved: Promise<boolean>;
  /**
   * The file the gate's perf writes to: the live view's relay reads perf's lines from it, and the
   * report reads perf's last interval there the moment the program has ended, without waiting
   * for a turn of the event loop; null (none could be made): perf writes to a pipe (fd 6).
   */
  readonly perfOutput: PerfOutputFile | null;
}

let waiting: EarlyGate | null = null;

/**
 * Spawns the gate and starts its move into a new memory cgroup; nothing where there is no gate
 * binary. `perf`: whether the run will want perf; where it will, the gate execs perf at once, held
 * at its main() until the run sends its argv.
 */
export function armEarlyGate(perf: boolean): void {
  if (waiting !== null) return;
  const helper = findExecHelper();
  if (helper === null) return;
  // perf writes to a file: on a terminal, where the live view may be wanted (options are not
  // parsed yet), its relay reads it, so the gate's perf serves the live view too (a perf spawned by
  // Node instead, once the options said live, started later: `run -- true` took 9 ms longer); and
  // the report reads perf's last interval from it synchronously (controller.ts, stop()).
  const perfOutput = perfOutputFileOrNull();
  // fd 3 requests, 4 reports, 5 the Node GC channel, 6-8 perf's stderr, control and ack when the gate starts perf
  // perf is exec'd at once, held at its main() until its arguments come (native/perfcell-perf-hold.c)
  const gate = spawn(helper, ['3', '4', '-', ...(perf ? [] : ['no-early-perf'])], { stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe', 'pipe', perfOutput?.fd ?? 'pipe', 'pipe', 'pipe'] });
  if (gate.pid === undefined) {
    perfOutput?.finish();
    return;
  }
  gate.on('error', () => undefined);
  // Until a run takes it, it keeps nothing alive: a usage error ends perfcell, and the gate reads EOF and exits.
  gate.unref();
  holdEventLoop(gate.stdio.slice(3), false);
  // before the cgroups are made: until a signal has a listener, its default action ends perfcell at once
  stopUntakenOnSignals();
  const cgroup = createMemoryCgroup();
  const cpuCgroup = createCpuCgroup(cgroup?.path ?? null);
  // "ready PID", the gate's first line, is this module's: the gate has forked its perf launcher and
  // the held child, and the child (alone) moves into the cgroup. The run reads the lines after it.
  let readHeldPid: (pid: number | null) => void = () => undefined;
  const heldPid = new Promise<number | null>((resolve) => {
    readHeldPid = resolve;
  });
  let isFirst = true;
  const reports = (gate.stdio[4] as Readable).pipe(
    split2((line: string) => {
      if (!isFirst) return line;
      isFirst = false;
      const ready = /^ready (\d+)$/.exec(line);
      readHeldPid(ready === null ? null : Number(ready[1]));
      return ready === null ? line : undefined;
    }),
  );
  (gate.stdio[4] as Readable).once('close', () => readHeldPid(null));
  const moved = heldPid.then((pid) => (pid !== null && cgroup !== null ? cgroup.add(pid) : false));
  // Into the CPU cgroup once in the memory one: the kernel's grace period is behind the move then,
  // and this one took 0.05-0.12 ms where the first took 3-23 ms (two cgroup v1 hierarchies here)
  const cpuMoved = heldPid.then(async (pid) => {
    await moved;
    return pid !== null && cpuCgroup !== null ? cpuCgroup.add(pid) : false;
  });
  waiting = { process: gate, reports, cgroup, moved, cpuCgroup, cpuMoved, perfOutput };
  // one listener for every gate armed (`run -r 20` arms one a run: a listener each was Node's
  // MaxListenersExceededWarning from the ninth run on)
  if (!discardsOnExit) process.once('exit', discardUntaken);
  discardsOnExit = true;
}

/** Whether the exit listener that discards an untaken gate is on. */
let discardsOnExit = false;

/** perfcell ends without a run having taken the gate (a usage error, --help): the gate and its cgroup go with it. */
function discardUntaken(): void {
  const untaken = waiting;
  if (untaken === null) return;
  waiting = null;
  untaken.process.kill('SIGKILL');
  // the held child, if still in it, goes back to the parent cgroup first
  untaken.cpuCgroup?.remove();
  if (untaken.cgroup === null) return;
  // rmdir succeeds once the held child, unreleased when the killed gate goes, has left the cgroup
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 50 && !untaken.cgroup.removeIfEmpty(); attempt += 1) Atomics.wait(pause, 0, 0, 0.2);
}

/**
 * perfcell is done and no run took the gate (a usage error, --help): its request pipe is closed, so
 * the gate reads EOF, reaps its held child and perf launcher, and exits; it is waited for (SIGKILL
 * after `graceMs`) and its cgroup removed, so that none of them outlives perfcell, not even as a
 * zombie (the exit hook's SIGKILL left all three to init to reap).
 */
export async function discardEarlyGate(graceMs = 1000): Promise<void> {
  dropStopListeners();
  const untaken = waiting;
  if (untaken === null) return;
  waiting = null;
  const gate = untaken.process;
  const exited = gate.exitCode !== null || gate.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => gate.once('exit', () => resolve()));
  (gate.stdio[3] as unknown as Writable).end();
  const timer = setTimeout(() => gate.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  await untaken.cpuMoved;
  untaken.cpuCgroup?.remove();
  if (untaken.cgroup === null) return;
  // rmdir once no move is under way and the held child has left
  await untaken.moved;
  for (let attempt = 0; attempt < 50 && !untaken.cgroup.removeIfEmpty(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Stops listening for a stop before the run holds the signals (stops-before-hold.ts); nothing until armed. */
let dropStopListeners: () => void = () => undefined;

/**
 * A Ctrl-C, SIGTERM or SIGHUP while perfcell still loads, the gate's cgroups made: the untaken gate
 * is discarded as at a usage error, synchronously (no later turn of the loop lets the run start
 * meanwhile), and perfcell ends by the signal (stops-before-hold.ts). `run -r N` arms a gate a
 * run, under the run's own hold: nothing is listened for then.
 */
function stopUntakenOnSignals(): void {
  dropStopListeners = listenForStopsBeforeHold((signal) => {
    discardUntaken();
    endBySignal(signal);
  });
}

/** The early gate, once (a second run spawns its own); null where none was armed. */
export function takeEarlyGate(): EarlyGate | null {
  dropStopListeners();
  const taken = waiting;
  waiting = null;
  if (taken === null) return null;
  taken.process.ref();
  holdEventLoop(taken.process.stdio.slice(3), true);
  return taken;
}

/** Writes the request on the gate's request pipe (fd 3). */
export function sendGateCommand(gate: EarlyGate, request: Buffer): void {
  (gate.process.stdio[3] as unknown as Writable).write(request);
}

/**
 * This process's ends of the fds the gate hands to the perf it starts: perf's stderr (the file's
 * lines, where it writes to one: `output`), control and ack.
 */
export function gatePerfStreams(gate: EarlyGate): { readonly stderr: Readable; readonly control: Writable; readonly ack: Readable; readonly output?: PerfOutputFile } {
  const stdio = gate.process.stdio as unknown as Array<Readable & Writable>;
  const output = gate.perfOutput;
  return { stderr: output?.stream ?? stdio[6]!, control: stdio[7]!, ack: stdio[8]!, ...(output === null ? {} : { output }) };
}

/** The run starts no perf through the gate: its ends of perf's fds are closed. */
export function dropGatePerf(gate: EarlyGate): void {
  const stdio = gate.process.stdio as unknown as Array<Readable | null>;
  for (const stream of stdio.slice(6, 9)) stream?.destroy();
  gate.perfOutput?.finish();
}

/** The pid line "pid N", "pid N perf M" or "pid N perferr ERRNO", read. */
export function parsePidLine(line: string | undefined): { readonly pid: number; readonly perfPid: number | null; readonly perfErrno: number | null } | null {
  const match = /^pid (\d+)(?: perf (\d+)| perferr (\d+))?$/.exec(line ?? '');
  if (match === null) return null;
  return { pid: Number(match[1]), perfPid: match[2] === undefined ? null : Number(match[2]), perfErrno: match[3] === undefined ? null : Number(match[3]) };
}
