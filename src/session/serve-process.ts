import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import split2 from 'split2';
import type { EarlyWarmups } from '../cli/early-warmups.ts';
import { iterationEnvironment, iterationValue } from '../experiment/iteration-env.ts';
import { sharedPerfWanted } from '../perf/shared-perf-wanted.ts';
import { createMemoryCgroup, type MemoryCgroup } from './cgroup.ts';
import { createCpuCgroup, type CpuCgroup } from './cpu-cgroup.ts';
import { findNativeHelper } from './exec-helper.ts';
import { endBySignal, listenForStopsBeforeHold } from './stops-before-hold.ts';
import { readGateLines } from './gate-lines.ts';
import { environmentFields, fieldsRequest } from './request-fields.ts';

/*
 * The program server's process (native/perfcell-serve.c), spawned by program-server.ts, or
 * here before compare's options are parsed, to run its warm-ups while perfcell loads. Kept apart
 * from program-server.ts so that compare's lane evaluates little before it starts them.
 */

/** The gate process of a server and its lines (spawnServer). */
export interface ServerProcess {
  readonly server: ChildProcess;
  readonly control: Writable;
  readonly exit: Promise<void>;
  readonly nextLine: () => Promise<string | undefined>;
  /** The forker's pid, once the gate has said it is ready. */
  readonly forking: Promise<number>;
}

export function spawnServer(helper: string): ServerProcess {
  const server = spawn(helper, ['3', '4'], { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'] });
  const control = server.stdio[3] as unknown as Writable;
  control.on('error', () => undefined);
  const exit = new Promise<void>((resolve) => {
    server.once('exit', () => resolve());
    server.once('error', () => resolve());
  });
  const nextLine = readGateLines((server.stdio[4] as Readable).pipe(split2()), server).next;
  const forking = (async () => {
    const ready = await nextLine();
    const forker = Number(/^ready (\d+)$/.exec(ready ?? '')?.[1] ?? NaN);
    if (!(forker > 0)) throw new Error(`perfcell-serve did not start (${ready ?? 'no output'})`);
    return forker;
  })();
  // its failure reaches the runs that await it; none may await it yet (compare's --setup runs first)
  forking.catch(() => undefined);
  return { server, control, exit, nextLine, forking };
}

/** A server started before compare's options were parsed, running its warm-ups (startEarlyWarmups). */
export interface EarlyServer extends StartedServer {
  /** The warm-up runs sent, in order, whose answers are not read yet. */
  readonly queued: Array<QueuedWarmup>;
}

/** A warm-up run sent ahead: its command, and what its environment adds ($HYPERFINE_ITERATION). */
export interface QueuedWarmup {
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
}

let earlyServer: EarlyServer | null = null;

/**
 * Starts the program server and sends it compare's warm-up runs (cli/early-warmups.ts), each
 * released as soon as the one before has ended, while perfcell still loads: some 40 ms of a
 * compare of two 7 ms programs went to Node's loading of compare's code before the first warm-up
 * (BENCHMARKS.md, Pace notes). A warm-up's results are thrown away and it runs with no perf, so
 * nothing it measures changes; it runs where it ran, in the same order, by the same server. The
 * gate stops the queue at a run that does not exit 0, as compare stops at it. startProgramServer()
 * takes this server and reads the warm-ups' answers as their runs come up. Nothing is started where
 * startProgramServer would not serve these runs (no gate built, no cgroup v1 memory controller,
 * PERFCELL_SHARED_PERF=0).
 */
export function startEarlyWarmups(warmups: EarlyWarmups): void {
  if (earlyServer !== null || !sharedPerfWanted()) return;
  // before the cgroups are made: until a signal has a listener, its default action ends perfcell at once
  stopEarlyServerOnSignals();
  const started = startServer();
  if (started === null) {
    dropStopListeners();
    return;
  }
  const queued: QueuedWarmup[] = [];
  for (let round = 1; round <= warmups.rounds; round++) {
    // each run as compare's would be: warmup-0, warmup-1, … (experiment/iteration-env.ts)
    const environment = iterationEnvironment(iterationValue('warmup', round));
    queued.push(...[...warmups.commands, warmups.noiseFloor].map((command) => ({ command, environment })));
  }
  started.process.control.write(Buffer.concat(queued.map(({ command, environment }) => fieldsRequest('run ', [...environmentFields(environment), '--', ...command]))));
  earlyServer = { ...started, queued };
}

/** A server's process and the cgroups its forker goes into (program-server.ts, started()). */
export interface StartedServer {
  readonly process: ServerProcess;
  /** The runs' memory cgroup; none where the machine has none (the peak is then sampled). */
  readonly cgroup: MemoryCgroup | null;
  /** The cgroup that counts the runs' trees' CPU (cpu-cgroup.ts); none where none can be made (wait4()'s figures then). */
  readonly cpuCgroup: CpuCgroup | null;
}

/**
 * The server and its runs' cgroups, or null where runs cannot be served here: no gate built, or a
 * cgroup whose peak cannot be reset between runs (cgroup v2).
 */
export function startServer(): StartedServer | null {
  const helper = findNativeHelper('perfcell-serve');
  if (helper === null) return null;
  const cgroup = createMemoryCgroup();
  if (cgroup !== null && cgroup.resetPeak?.() !== true) {
    cgroup.remove();
    return null;
  }
  return { process: spawnServer(helper), cgroup, cpuCgroup: createCpuCgroup(cgroup?.path ?? null) };
}

/** Stops listening for a stop before compare holds the signals (stops-before-hold.ts); nothing until armed. */
let dropStopListeners: () => void = () => undefined;

/**
 * A Ctrl-C, SIGTERM or SIGHUP while perfcell still loads, the early server's cgroups made: the
 * untaken server is ended as at a usage error (its warm-ups stopped, its cgroups removed), and
 * perfcell ends by the signal (stops-before-hold.ts).
 */
function stopEarlyServerOnSignals(): void {
  dropStopListeners = listenForStopsBeforeHold(
    (signal) =>
      void discardEarlyWarmups().then(() => {
        // where compare has begun to hold them meanwhile, the signal is its to handle and to say
        if (process.listenerCount(signal) === 0) endBySignal(signal);
        else process.kill(process.pid, signal);
      }),
  );
}

/** The server startEarlyWarmups started, for startProgramServer to take; null where none was. */
export function takeEarlyServer(): EarlyServer | null {
  dropStopListeners();
  const taken = earlyServer;
  earlyServer = null;
  return taken;
}

/** No server took the early one (compare ended before its runs: an error, --help): it ends, its queue with it, and its cgroups go. */
export async function discardEarlyWarmups(): Promise<void> {
  const early = takeEarlyServer();
  if (early !== null) await endEarlyServer(early);
}

/** Ends an early server: the gate SIGTERMs a warm-up still running and drops the rest; then its cgroups go. */
export async function endEarlyServer(early: EarlyServer): Promise<void> {
  early.process.control.end();
  await early.process.exit;
  early.cgroup?.remove();
  early.cpuCgroup?.remove();
}
