import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import split2 from 'split2';
import { ackTimeoutMs, type AckWatchdog } from './control-channel.ts';
import { perfArguments, type PerfOptions } from './controller.ts';
import { execHelper, isOnPath } from './die-with-perfcell.ts';
import { createPerfOutputFile, type PerfOutputFile } from './output-file.ts';
import { perfExecError, signalPerf, type PerfProcess } from './perf-process.ts';
import { exitedWithin, holdEventLoop } from '../proc/child-processes.ts';
import { PerfError } from '../errors.ts';
import { fieldsRequest } from '../session/request-fields.ts';
import { ownChild } from '../proc/own-children.ts';

/*
 * The perfs that count perfcell's own process, started by the exec gate's "--perf-group" form
 * (native/perfcell-exec.c): the REPL's and the kernel's one perf per command (launchPerf), for the
 * launcher's watch over its acks, and the long-lived perfs that share the windows over one process
 * (shared-perf.ts), all by one launcher, not spawned here one after the other. perf counts with inherit, and where the process it counts is this one (cells),
 * a perf spawned here after another had opened its counters carried copies of them: in each of
 * that one's windows its own ticks were counted too (a cell that slept 50 ms read 8-12
 * context-switches instead of 1-3). The launcher is forked before any of them starts, and forks
 * them all, so none carries another's; it also spares this process three of four spawns.
 */

/** A perf of a launched group, the file it writes to, and the launcher's watch over its acks. */
export interface LaunchedPerf {
  readonly process: PerfProcess;
  readonly file: PerfOutputFile;
  /** Null where no watch file could be made (then no ack is waited for in a blocking read). */
  readonly watchdog: AckWatchdog | null;
}

/** The most perfs one launcher starts (MAX_GROUP in perfcell-exec.c). */
const MAX_GROUP = 16;

/** A launched perf and the launcher's watch over its acks (null where no watch file could be made). */
interface Member {
  readonly process: PerfProcess;
  /** perf's stderr where it was asked for as a pipe. */
  readonly stderr: Readable | null;
  readonly watchdog: AckWatchdog | null;
}

/**
 * perf on `pid` once per tick of `ticksMs` (its -I), all started by one launcher; null where there
 * is none to be had (no gate built, perf not found on PATH, no output file): the caller spawns them.
 */
export function launchPerfGroup(pid: number, options: PerfOptions, ticksMs: readonly number[]): LaunchedPerf[] | null {
  const early = takeEarlyPerfGroup();
  if (early !== null) {
    // a group of one over this process: the early launcher's perf, loaded already, gets its argv
    if (ticksMs.length === 1 && pid === process.pid && launcherFor(options) !== null) {
      (early.launcher.stdio as unknown as Array<Writable | null>)[6]?.end(fieldsRequest('', [String(ticksMs[0]), ...groupArgv(pid, options)]));
      // its pipes held the event loop only once taken, as a launcher's own do (wrapLauncher lets go of the launcher and its reports)
      holdEventLoop(early.launcher.stdio, true);
      const [member] = wrapLauncher(early.launcher, options.perfPath ?? 'perf', [early.file.fd], early.watchFd);
      return [{ process: member!.process, watchdog: member!.watchdog, file: early.file }];
    }
    discardEarly(early);
  }
  const helper = ticksMs.length === 0 || ticksMs.length > MAX_GROUP ? null : launcherFor(options);
  if (helper === null) return null;
  const files: PerfOutputFile[] = [];
  try {
    for (let index = 0; index < ticksMs.length; index++) files.push(createPerfOutputFile({ watch: false, onDisk: true }));
  } catch (error: unknown) {
    for (const file of files) file.finish();
    // no folder has room: a perf spawned here would have none either
    if (error instanceof PerfError && error.code === 'PERF_NO_ROOM') throw error;
    return null;
  }
  const members = launch(helper, pid, options, ticksMs, files.map((file) => file.fd));
  return members.map((member, index) => ({ process: member.process, watchdog: member.watchdog, file: files[index] as PerfOutputFile }));
}

/**
 * One perf on `pid` at its own interval, started by a launcher, with its stderr on `stderr`: a perf
 * whose acks may be awaited in a blocking read (the REPL's and the kernel's, switched from inside
 * the command), as its launcher watches over them. Null where there is no launcher.
 */
export function launchPerf(pid: number, options: PerfOptions, stderr: number | Writable | 'pipe'): Member | null {
  const helper = launcherFor(options);
  return helper === null ? null : (launch(helper, pid, options, [options.intervalMs], [stderr])[0] ?? null);
}

/** perf's argv for a member of a group on `pid`, its interval "{tick}" (each member's own, perfcell-exec.c). */
function groupArgv(pid: number, options: PerfOptions): [string, ...string[]] {
  const args = perfArguments(pid, options);
  args[args.indexOf('-I') + 1] = '{tick}';
  return [options.perfPath ?? 'perf', ...args];
}

/** The launcher (the exec gate) where there is one and perf can be found on PATH, else null. */
function launcherFor(options: PerfOptions): string | null {
  return isOnPath(options.perfPath ?? 'perf', process.env['PATH']) ? execHelper() : null;
}

function launch(helper: string, pid: number, options: PerfOptions, ticksMs: readonly number[], stderrs: ReadonlyArray<number | Writable | 'pipe'>): Member[] {
  // perfs of another kind (a window's own, a larger group): the early launcher will not be used
  const early = takeEarlyPerfGroup();
  if (early !== null) discardEarly(early);
  const [perf, ...args] = groupArgv(pid, options);
  // detached: Ctrl-C in the terminal reaches the command, not the launcher (whose end ends the perfs)
  // its stdin: the watch file (perfcell-exec.c), member I's slot the start of a blocking wait for its ack
  const watchFd = openWatchFile(ticksMs.length);
  const launcher = spawn(helper, ['--perf-group', String(process.pid), ticksMs.join(','), perf, ...args], {
    stdio: [watchFd ?? 'ignore', 'pipe', 'inherit', ...stderrs.flatMap((stderr) => [stderr, 'pipe' as const, 'pipe' as const])],
    detached: true,
    env: { ...process.env, PERFCELL_ACK_TIMEOUT_MS: String(ackTimeoutMs()) },
  });
  return wrapLauncher(ownChild(launcher), perf, stderrs, watchFd);
}

/** The members of a launcher's group as perf processes: its report lines, its watch file's slots, its end. */
function wrapLauncher(launcher: ChildProcess, perf: string, stderrs: ReadonlyArray<number | Writable | 'pipe'>, watchFd: number | null): Member[] {
  const slot = Buffer.alloc(8);
  let watchOpen = watchFd !== null;
  const mark = (index: number, sinceNs: bigint): void => {
    if (!watchOpen || watchFd === null) return;
    slot.writeBigInt64LE(sinceNs);
    try {
      writeSync(watchFd, slot, 0, 8, 8 * index);
    } catch {
      // nothing to watch with: a launcher that has gone took its perfs with it, and a read of their acks ends
    }
  };
  const reports = launcher.stdout as Readable;
  // the launcher and its report pipe hold the event loop only while a member asks (ref)
  let refs = 0;
  const holdLoop = (): void => {
    const handle = reports as unknown as { ref?: () => void; unref?: () => void };
    if (refs > 0) {
      launcher.ref();
      handle.ref?.();
    } else {
      launcher.unref();
      handle.unref?.();
    }
  };
  holdLoop();

  // once every member has ended the launcher exits: until it has (and been reaped), it is ending
  const launcherExit = new Promise<void>((resolve) => {
    launcher.once('exit', () => resolve());
    launcher.once('error', () => resolve());
  });
  // a member is done once it has ended or been sent SIGKILL (its end is then on its way)
  const doneMembers = new Set<number>();
  const memberDone = (index: number): void => {
    if (doneMembers.has(index)) return;
    doneMembers.add(index);
    if (doneMembers.size !== stderrs.length) return;
    endingLaunchers.add(launcherExit);
    void launcherExit.then(() => endingLaunchers.delete(launcherExit));
  };
  const members = stderrs.map((_, index) => {
    let memberPid: number | undefined;
    let ended = false;
    let pendingSignal: NodeJS.Signals | null = null;
    let failure: Error | null = null;
    let isHolding = false;
    const listeners: Array<(error: Error | null) => void> = [];
    const perfProcess: PerfProcess = {
      get pid() {
        return memberPid;
      },
      control: launcher.stdio[4 + 3 * index] as unknown as Writable | null,
      ack: launcher.stdio[5 + 3 * index] as Readable | null,
      kill(signal) {
        if (ended) return false;
        if (signal === 'SIGKILL') memberDone(index);
        if (memberPid === undefined) {
          pendingSignal = signal;
          return true;
        }
        return signalPerf(memberPid, signal);
      },
      ref() {
        if (ended || isHolding) return;
        isHolding = true;
        refs += 1;
        holdLoop();
      },
      unref() {
        if (!isHolding) return;
        isHolding = false;
        refs -= 1;
        holdLoop();
      },
      onClose(listener) {
        if (ended) listener(failure);
        else listeners.push(listener);
      },
    };
    return {
      process: perfProcess,
      started(startedPid: number): void {
        memberPid = startedPid;
        if (pendingSignal !== null) perfProcess.kill(pendingSignal);
      },
      end(why: Error | null): void {
        if (ended) return;
        perfProcess.unref();
        ended = true;
        failure = why;
        for (const listener of listeners.splice(0)) listener(failure);
        memberDone(index);
      },
    };
  });

  reports.pipe(split2()).on('data', (line: string) => {
    const match = /^(perf|perferr|exit) (\d+)(?: (\d+))?$/.exec(line);
    const member = match === null ? undefined : members[Number(match[2])];
    if (match === null || member === undefined) return;
    if (match[1] === 'perf') member.started(Number(match[3]));
    else if (match[1] === 'exit') member.end(null);
    else member.end(perfExecError(perf, Number(match[3])));
  });
  // a launcher that ended (or never ran) ends whatever it had not reported
  launcher.once('close', () => {
    for (const member of members) member.end(null);
    if (watchOpen && watchFd !== null) closeSync(watchFd);
    watchOpen = false;
  });
  launcher.once('error', (error) => {
    for (const member of members) member.end(error);
  });
  return members.map(({ process: perfProcess }, index) => ({
    process: perfProcess,
    stderr: stderrs[index] === 'pipe' ? (launcher.stdio[3 + 3 * index] as Readable) : null,
    watchdog: watchFd === null ? null : { arm: () => mark(index, process.hrtime.bigint()), disarm: () => mark(index, 0n) },
  }));
}

/**
 * A launcher of a group of one spawned before perfcell knows perf's arguments (`cells`, first thing:
 * src/cli/lanes/cells-early.ts): its perf is exec'd at once and held at main() while perfcell loads
 * (native/perfcell-perf-hold.c), so that the first cell does not wait out perf's loading (some 22 ms
 * of `perf stat -- true`'s 33 here). Taken by the first group of one over this process; any other
 * first group discards it (its perf, told nothing, exits).
 */
interface EarlyGroup {
  readonly launcher: ChildProcess;
  readonly file: PerfOutputFile;
  readonly watchFd: number | null;
}

let earlyGroup: EarlyGroup | null = null;

/** Spawns the early launcher (nothing where there is no gate or no output file). */
export function armEarlyPerfGroup(): void {
  if (earlyGroup !== null) return;
  const helper = execHelper();
  if (helper === null) return;
  let file: PerfOutputFile;
  try {
    file = createPerfOutputFile({ watch: false, onDisk: true });
  } catch {
    return;
  }
  const watchFd = openWatchFile(1);
  // member 0's stderr, control and ack at fds 3-5 as --perf-group has them; the request on fd 6
  const launcher = spawn(helper, ['--perf-group-early', String(process.pid)], {
    stdio: [watchFd ?? 'ignore', 'pipe', 'inherit', file.fd, 'pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, PERFCELL_ACK_TIMEOUT_MS: String(ackTimeoutMs()) },
  });
  ownChild(launcher);
  launcher.on('error', () => undefined);
  // until a group takes it, it keeps nothing alive
  launcher.unref();
  holdEventLoop(launcher.stdio, false);
  earlyGroup = { launcher, file, watchFd };
}

function takeEarlyPerfGroup(): EarlyGroup | null {
  const taken = earlyGroup;
  earlyGroup = null;
  return taken;
}

/** Ends an early launcher no group took: told nothing, it and its perf exit. */
function discardEarly(early: EarlyGroup): void {
  for (const stream of early.launcher.stdio) (stream as unknown as { destroy?: () => void } | null)?.destroy?.();
  early.file.finish();
  if (early.watchFd !== null) closeSync(early.watchFd);
}

/** perfcell is done and no group took the early launcher (--no-perf, -M, an error): it and its perf end now, waited for. */
export async function discardEarlyPerfGroup(graceMs = 1000): Promise<void> {
  const early = takeEarlyPerfGroup();
  if (early === null) return;
  const { launcher } = early;
  const exited = launcher.exitCode !== null || launcher.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
  discardEarly(early);
  const timer = setTimeout(() => launcher.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Launchers whose perfs have all ended, until each has exited and been reaped. */
const endingLaunchers = new Set<Promise<void>>();

/**
 * Resolves once every launcher whose perfs have all ended has exited (or after `capMs`). Reaping
 * one adds its perf's CPU (some 30 ms of start-up) to this process's children's: a REPL line that
 * awaited while the line before it's launcher was reaped read "child processes cpu 0.030s", and its
 * counts held the reaping (a QA pass). The REPL waits for them before a line's window opens.
 */
export function untilEndedLaunchersExit(capMs = 100): Promise<void> {
  return exitedWithin(endingLaunchers, capMs);
}

/**
 * The watchdog's file: one 8-byte slot per member, zeroed, unlinked once open (in tmpfs where there
 * is one); null where none can be made.
 */
function openWatchFile(members: number): number | null {
  for (const directory of [...(existsSync('/dev/shm') ? ['/dev/shm'] : []), tmpdir()]) {
    const path = join(directory, `perfcell-${process.pid}-${Date.now()}-watch`);
    try {
      const fd = openSync(path, 'w+', 0o600);
      unlinkSync(path);
      writeSync(fd, Buffer.alloc(8 * members), 0, 8 * members, 0);
      return fd;
    } catch {
      // the next directory
    }
  }
  return null;
}
