import { spawn, type ChildProcess } from 'node:child_process';
import split2 from 'split2';
import type { Readable, Stream, Writable } from 'node:stream';
import { createPerfStatParser, type PerfRecord } from '../../parsers/perf-stat.ts';
import { PerfError } from '../errors.ts';
import { countPerfEvents } from '../../parsers/event-list.ts';
import { corePmuCount } from './default-events.ts';
import { monotonicNs } from '../session/clock.ts';
import { afterReport } from '../session/after-report.ts';
import { isInPoll, perfInSession, untilPolling } from './poll-state.ts';
import { boundedClose, perfExecError, perfProblem, signalPerf, spawnedPerfProcess, trackPerf } from './perf-process.ts';
import { liveFollower, openLiveLine, type LiveLine, type LiveMemorySource } from '../live/follower.ts';
import { exitedWithin } from '../proc/child-processes.ts';
import { perfOutputFileOrNull, type PerfOutputFile } from './output-file.ts';
import { ackTimeoutMs, createControlChannel, noAckError, type AckWatchdog } from './control-channel.ts';
import { launchPerf } from './perf-group-launcher.ts';
import { dyingWithPerfcell } from './die-with-perfcell.ts';
import { withinWindow } from './window-records.ts';
import { runPerfSync } from './run-perf-sync.ts';
import { withSoftwareGroups } from './software-groups.ts';
import { zeroAtLeastNs } from './zero-bound.ts';
import { ownChild } from '../proc/own-children.ts';


/**
 * One listener for the interval records of running windows, as they arrive: compare's progress
 * line shows each counter's current rate while a command runs in another process (perfcell's own
 * process is idle then, so reading perf's lines costs the measured program nothing).
 */
let liveRecordListener: ((record: PerfRecord) => void) | null = null;

/** Sets (or, with null, clears) the listener for interval records of running windows. */
export function onLiveRecord(listener: ((record: PerfRecord) => void) | null): void {
  liveRecordListener = listener;
}

/** The listener for running windows' records, if one is set (shared perfs read their ticks for it only when asked: PerfSession.peek). */
export function currentLiveListener(): ((record: PerfRecord) => void) | null {
  return liveRecordListener;
}

export interface PerfOptions {
  readonly events: readonly string[];
  readonly intervalMs: number;
  /** perf binary; default `perf` on PATH. */
  readonly perfPath?: string;
  /** perf's lines pass through the live view's relay, which draws a status line on this process's stderr (live/relay.ts); the CLI sets it on a terminal. */
  readonly live?: boolean;
  /** perf's metric groups or metrics, `-M a,b`; their metric-only rows come back as records with `isMetricRow`. */
  readonly metricGroups?: readonly string[];
}

/** What one perf run saw inside its enabled window. */
export interface PerfWindowResult {
  /** Interval records that fall inside the enabled window (earlier and later ones dropped). */
  readonly records: readonly PerfRecord[];
  /** Where counting started and stopped on perf's own interval clock, seconds (null if unknown). */
  readonly enabledFromS: number | null;
  readonly enabledUntilS: number | null;
  /** How long counting covered the command, seconds, on our monotonic clock (exact, unlike the mapping above). */
  readonly enabledS: number | null;
  /** Lines perf printed that were neither data nor perf's own markers (warnings, errors). */
  readonly messages: readonly string[];
  readonly skippedLines: number;
  /** Time from the disable ack until perf's last line arrived: the wait for the final sample. */
  readonly pauseS: number;
  /** A problem that stopped perf from counting, classified from its stderr. */
  readonly problem: PerfError | null;
}

/** stop()'s bounds and ways (see PerfSession.stop). */
export interface StopWindow {
  readonly startNs?: bigint;
  readonly endNs?: bigint;
  readonly awaitExit?: boolean;
  readonly sigintSent?: boolean;
  readonly targetExited?: boolean;
  readonly whenCountingEnds?: () => void;
}

/**
 * One `perf stat` attached to a pid, started with counting disabled (`-D -1`) and driven
 * through `--control fd:3,4`, so counting covers exactly the command between enable() and
 * disable(). Spawned detached: Ctrl-C in the terminal reaches the command, not perf.
 */
export interface PerfSession {
  readonly perfPid: number | undefined;
  /**
   * Turns counting on and resolves with perf's ack. `beforeEnable` runs once perf is ready and
   * free for this window, right before the enable goes out: a window over perfcell's own process
   * reads its starting point there, where perf does not count it yet (nor a wait for a perf still
   * starting or busy with the window before). `whileAcknowledging` runs right after the enable has
   * gone out, while the ack is awaited: for what must be read before another process's command
   * starts (compare's runs: their memory and CPU starting points), never over perfcell's own
   * process, which perf counts by then. It must not throw: its error would read as perf's.
   */
  enable(beforeEnable?: () => void, whileAcknowledging?: () => void): Promise<void>;
  /**
   * enable() for a window switched on and off from inside the command (a cell's first and last
   * statements): waits until perf is ready and free, runs `beforeEnable`, and returns the switch;
   * null where this perf has none (use enable()). stop() ends the window as after enable(), and
   * disables it where the switch was not turned off (a cell that threw).
   */
  prepareSwitch?(beforeEnable?: () => void): Promise<CountingSwitch | null>;
  disable(): Promise<void>;
  /**
   * SIGINT (only SIGINT makes perf print its last partial interval), then the window's records.
   * Where the command's own start and end are known more exactly than the acks (our monotonic
   * clock, ns), pass them: they bound the counted span used for per-second rates.
   * Without disable() first, counting ends with the SIGINT, which is sent before stop() first
   * yields where perf is idle in poll() (one hand-over to perf instead of two).
   * `awaitExit: false` returns as soon as perf's last interval is in, while perf is still on its
   * way out (the REPL: its next prompt should not wait for that), SIGKILLed once the report is out
   * (afterReport); the exit hook still guarantees no perf outlives perfcell.
   * `sigintSent: true`: perf was sent its SIGINT already (the exec gate does, the moment it reaps
   * the program, at `endNs`), so stop() only collects the last interval.
   * `targetExited: true`: perf's target has exited (a program, reaped), so every interval that
   * counted something is the window's, whatever perf's clock says (see withinWindow).
   * `whenCountingEnds` is called once perf counts no more (a disable's ack; for a perf stopped
   * by its SIGINT, which reads its counters as it prints, once the signal is sent), before the
   * window's lines are read and parsed: a window over perfcell's own process reads its end point
   * there, so neither perf's counts nor that parse's allocations are the command's.
   */
  stop(window?: StopWindow): Promise<PerfWindowResult>;
  /**
   * The window's bounds, known before stop() is called (a served run's, once its program has
   * ended): rows of the window read before stop() go straight into its intervals rather than
   * waiting as rows (a slotted perf's window is read while another slot's tail is). Same bounds as
   * stop()'s; without this call, stop() sets them.
   */
  bound?(window: { startNs: bigint; endNs: bigint }): void;
  /**
   * stop() in one synchronous step, for a window whose counting was switched off already (its
   * CountingSwitch's off()) as this process exits: perf's lines are read, napping between reads,
   * until the tail tick after the disable is in, for at most `limitMs`. Null where they cannot be
   * (counting still on, no tail within the limit, a perf that has exited): the caller says so.
   */
  stopAtExit?(window: { startNs: bigint; endNs: bigint }, limitMs: number): PerfWindowResult | null;
  /** Ends perf at once, losing its data; for error paths. */
  kill(): void;
  /**
   * Reads what perf has printed of the open window so far and hands it to the live listener
   * (currentLiveListener), for perfs that are not read while a window is open (ticking-perf.ts);
   * others deliver their rows as they come, and need no peek.
   */
  peek?(): void;
}

/**
 * Counting turned on and off in a synchronous step each, waiting for perf's ack asleep: nothing of
 * perfcell's runs between perf's enable and the command's first statement, nor between its last
 * and perf's disable.
 */
export interface CountingSwitch {
  /** Turns counting on; false where perf did not acknowledge (stop() then says why). */
  on(): boolean;
  /** Turns counting off; false where it was not on, or perf did not acknowledge. */
  off(): boolean;
}

/**
 * Builds perf's argument list (`pid` may be the gate's "{pid}" placeholder; adjacent software events
 * as one group, software-groups.ts); exported for tests and `--dry-run` style debugging.
 */
export function perfArguments(pid: number | string, options: PerfOptions): string[] {
  return [
    'stat', '-x', ',', '-I', String(options.intervalMs), '--pid', String(pid),
    '-e', withSoftwareGroups(options.events).join(','),
    ...(options.metricGroups !== undefined && options.metricGroups.length > 0 ? ['-M', options.metricGroups.join(',')] : []),
    '-D', '-1', '--control', 'fd:3,4',
  ];
}

/** What perf -D -1 prints on its stderr when counting is turned on and off (and off at its start). */
export const MARKER_ENABLED = 'Events enabled';
export const MARKER_DISABLED = 'Events disabled';

/**
 * A line of perf's that is neither a counter row nor a marker, as a message (a warning, an error),
 * or null for a blank line or a `#` comment. perf's caret under a rejected event keeps its indent:
 * the column names the event.
 */
export function perfMessageOf(line: string): string | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  return text.startsWith('\\___') ? line.trimEnd() : text;
}

/**
 * A running perf as the controller drives it: its stderr (interval lines), control (fd 3) and ack
 * (fd 4) streams. Spawned here, or forked by the exec gate (native/perfcell-exec.c, "perf=" fields)
 * on pipes this process holds, where Node is not its parent.
 */
export interface PerfChild {
  readonly pid: number | undefined;
  readonly stderr: Readable;
  readonly control: Writable;
  readonly ack: Readable;
  kill(signal?: NodeJS.Signals): boolean;
  /** Once perf has gone and its streams are closed; with the error where it never ran. */
  onClose(listener: (error: Error | null) => void): void;
  /** Another process's watch over a blocking wait for perf's ack (its launcher); none: acks are awaited on the event loop only. */
  readonly watchdog?: AckWatchdog | null;
  /** Where perf writes to a file: leave its lines there while on (see PerfOutputFile.defer). */
  readonly deferReading?: (on: boolean) => void;
  /** The descriptor of the file perf writes to, where it writes to one (the live view's relay reads it). */
  readonly outputFd?: number;
  /** Where perf writes to a file: reads what it holds now, in this synchronous step (its lines reach the parser before this returns). */
  readonly readNow?: () => void;
}

/** perf forked by the exec gate: its pid (or why it could not be executed) and this process's ends of its fds 2, 3, 4. */
export interface GateForkedPerf {
  readonly pid: number | null;
  readonly execErrno: number | null;
  /** perf's lines: its stderr pipe, or the stream of the file it writes to (`output`). */
  readonly stderr: Readable;
  readonly control: Writable;
  readonly ack: Readable;
  readonly output?: PerfOutputFile;
}

function gatePerfChild(forked: GateForkedPerf, perfPath: string): PerfChild {
  const { pid, output } = forked;
  // perf's exit is EOF on its output pipes (only perf holds their other ends): its ack's and, where
  // it writes to one, its stderr's; a file is read to its end then. A perf that came and went
  // before these listeners (one that could not start) left a socket that read EOF with nothing
  // buffered: it has ended and closed already, silently.
  const ended = (stream: Readable): Promise<void> =>
    new Promise((resolve) => {
      if (stream.readableEnded || stream.destroyed) resolve();
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
  // Where a descendant of perf's holds them, the pipes never close: once perf is sent SIGKILL,
  // they are given PIPES_AFTER_EXIT_MS (perf's own exit is the gate's to see, not this process's).
  const close = boundedClose(
    () => pid ?? undefined,
    () => {
      // (a file perf writes to is read to its end by finish(): only a pipe is dropped)
      for (const stream of output === undefined ? [forked.stderr, forked.control, forked.ack] : [forked.control, forked.ack]) stream.destroy();
    },
  );
  const exited = output === undefined ? Promise.all([ended(forked.stderr), ended(forked.ack)]) : ended(forked.ack);
  void exited.then(() => close.pipesClosed(null));
  const error = pid === null ? perfExecError(perfPath, forked.execErrno) : null;
  if (output !== undefined) close.onClose(() => output.finish());
  return {
    ...(output === undefined ? {} : { deferReading: (on: boolean) => output.defer(on), outputFd: output.fd, readNow: () => output.readNow() }),
    pid: pid ?? undefined,
    stderr: forked.stderr,
    control: forked.control,
    ack: forked.ack,
    kill(signal = 'SIGTERM') {
      if (pid === null || close.closed) return false;
      if (signal === 'SIGKILL') close.ended();
      return signalPerf(pid, signal);
    },
    onClose: (listener) => close.onClose(() => listener(error)),
  };
}

/**
 * Spawns `perf stat` on `pid` (perfArguments) with its stderr on `stderr`, its control on fd 3 and
 * its acks on fd 4, in the C locale, detached: Ctrl-C in the terminal reaches the command, not perf.
 */
export function spawnPerf(pid: number, options: PerfOptions, stderr: 'pipe' | number | Stream): ChildProcess {
  // it dies with this process, even one killed and left unreaped (die-with-perfcell.ts)
  const { file, args } = dyingWithPerfcell(options.perfPath ?? 'perf', perfArguments(pid, options));
  // node:child_process, not execa: this module runs inside the measured REPL process, where
  // loading execa alone adds about 12 MiB of RSS to every report's "current RAM usage".
  return ownChild(
    spawn(file, args, {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'ignore', stderr, 'pipe', 'pipe'],
      detached: true,
    }),
  );
}

function spawnedPerfChild(pid: number, options: PerfOptions): PerfChild {
  // perf writes to a file (output-file.ts: a pipe would block perf while a synchronous command
  // keeps this process from reading it), which the live view's relay reads too.
  const file = perfOutputFileOrNull();
  const stderr = file?.fd ?? 'pipe';
  // A perf counting this very process is started by a launcher (perfcell-exec --perf-group), which
  // watches over its acks: the command may then switch it on and off itself (prepareSwitch).
  const launched = pid === process.pid ? launchPerf(pid, options, stderr) : null;
  const spawned = launched === null ? spawnPerf(pid, options, stderr) : null;
  const perf = launched?.process ?? spawnedPerfProcess(spawned as ChildProcess);
  // held like a perf Node spawned: the event loop waits for its end
  launched?.process.ref();
  if (file !== null) perf.onClose(() => file.finish());
  return {
    get pid() {
      return perf.pid;
    },
    stderr: (file?.stream ?? launched?.stderr ?? spawned?.stderr) as Readable,
    // stdio 'pipe': never null
    control: perf.control as Writable,
    ack: perf.ack as Readable,
    kill: (signal) => perf.kill(signal ?? 'SIGTERM'),
    onClose: (listener) => perf.onClose(listener),
    watchdog: launched?.watchdog ?? null,
    ...(file !== null ? { deferReading: (on: boolean) => file.defer(on), outputFd: file.fd, readNow: () => file.readNow() } : {}),
  };
}

/** perfs stopped without awaiting their exit (a program's, whose report goes first): SIGKILLed, on their way out. */
const endingPerfs = new Set<Promise<void>>();
function noteEnding(exit: Promise<void>): void {
  endingPerfs.add(exit);
  void exit.then(() => endingPerfs.delete(exit));
}

/**
 * Resolves once the perfs stopped without awaiting their exit have exited (at most `capMs`): a
 * window over this process reaps them first, or their CPU would be its children's.
 */
export function untilEndingPerfsExit(capMs = 100): Promise<void> {
  return exitedWithin(endingPerfs, capMs);
}

/**
 * Starts perf on `pid` with counting disabled, or takes the perf the exec gate forked for it
 * (`forked`: with a live view only where that perf writes to a file, which the relay reads).
 * `liveMemory`: what the live line shows as RSS and peak over another process (a run's process
 * tree), else that process's own.
 */
export function startPerf(pid: number, options: PerfOptions, forked?: GateForkedPerf, liveMemory?: LiveMemorySource): PerfSession {
  const wantsLine = options.live === true && (forked === undefined || forked.output !== undefined);
  // Counting this very process, the relay is forked first: its perf would count a relay forked after
  // it. Over another process (run's program), only a window that lasts gets one (openLiveLine).
  if (wantsLine && pid === process.pid) liveFollower();
  const subprocess = forked === undefined ? spawnedPerfChild(pid, options) : gatePerfChild(forked, options.perfPath ?? 'perf');
  /** The live view's line of this window, following its file from its enable on (a perf with no file shows none). */
  let line: LiveLine | null = null;
  const follow = (): void => {
    if (!wantsLine || subprocess.outputFd === undefined || line !== null) return;
    line = openLiveLine(subprocess.outputFd, pid, liveMemory);
  };
  const untrack = trackPerf(subprocess);

  // metrics: perf's own metric columns (`2.00,insn per cycle`) go into the report
  const parser = createPerfStatParser({ format: 'csv', separator: ',', metrics: true });
  const messages: string[] = [];
  const records: PerfRecord[] = [];
  // Window bookkeeping, in the order lines arrive on perf's stderr.
  let phase: 'before' | 'enabled' | 'after' = 'before';
  let tailTimeS: number | null = null;
  let lastLineNs = 0n;
  let perfZeroNs: bigint | null = null; // our monotonic clock at perf's interval time 0
  let enableAckNs: bigint | null = null;
  let disableAckNs: bigint | null = null;
  /** When our disable went out (before its ack): perf reads its counters again only after it (zero-bound.ts). */
  let disableSentNs: bigint | null = null;

  // The final interval perf prints on SIGINT: once all its rows are in, stop() need not wait for
  // perf's own exit (a few ms of teardown), which then happens in the background.
  let sigintNs: bigint | null = null;
  let groupTimeS: number | null = null;
  let groupRows = 0;
  let finalSeen: () => void = () => undefined;
  let isFinalIn = false;
  const finalGroup = new Promise<void>((resolve) => {
    finalSeen = () => {
      isFinalIn = true;
      resolve();
    };
  });
  // perf's "Events disabled" line, read: its arrival is our bound on perf's interval clock zero.
  let zeroSeen: () => void = () => undefined;
  const zeroLine = new Promise<void>((resolve) => { zeroSeen = resolve; });
  // Rows per interval: one per event (a group `{a,b}` is two; a hybrid CPU prints each generic
  // event once per core PMU), or as many as a whole interval had before, if more.
  let rowsPerInterval = countPerfEvents(options.events, corePmuCount());
  /** Whether the group being read began after perf's "Events disabled": the window's tail, in the order perf wrote it. */
  let groupAfterDisable = false;
  /** perf ticks every interval from its zero on, so an interval stamped before the first tick is due can only be the SIGINT's. */
  const firstTickS = (options.intervalMs / 1000) * 0.99;
  /**
   * Whether the group just read holds the window's last counts, so stop() need not wait for perf's
   * exit: the first whole group after a disable (stream order), or, after a SIGINT, a whole group
   * stamped at or after it and too early to be a tick. A later stamp alone does not tell: perf's
   * zero is known only from above, so a tick read before the command's end could pass for the
   * SIGINT's interval where lines were read late, and the real last interval was left unread
   * (under load: 14,362 of 16,542 page-faults, no warning). Such a window waits for perf's exit.
   */
  const isFinalGroup = (timeS: number): boolean => {
    if (groupRows < rowsPerInterval) return false;
    if (groupAfterDisable) return true;
    return sigintNs !== null && perfZeroNs !== null && timeS >= Number(sigintNs - perfZeroNs) / 1e9 && timeS < firstTickS;
  };
  const noteGroup = (timeS: number): void => {
    if (timeS !== groupTimeS && groupTimeS !== null && groupRows > rowsPerInterval) rowsPerInterval = groupRows;
    if (timeS !== groupTimeS) groupAfterDisable = phase === 'after';
    groupRows = timeS === groupTimeS ? groupRows + 1 : 1;
    groupTimeS = timeS;
    if (sigintNs !== null && isFinalGroup(timeS)) finalSeen();
  };

  const onRecord = (record: PerfRecord): void => {
    // a metric-only row (-M) is no counter: it neither sets the clock nor counts toward an interval's rows
    if (record.time !== null && record.isMetricRow !== true) {
      const estimate = lastLineNs - BigInt(Math.round(record.time * 1e9));
      if (perfZeroNs === null || estimate < perfZeroNs) perfZeroNs = estimate;
      noteGroup(record.time);
    }
    if (phase === 'before') return;
    if (phase === 'after' && record.time !== null) {
      // The first interval after "Events disabled" holds the tail of the window; later ones are idle.
      tailTimeS ??= record.time;
      if (record.time > tailTimeS) return;
    }
    records.push(record);
    if (phase === 'enabled') liveRecordListener?.(record);
  };

  const lines = subprocess.stderr.pipe(split2());
  // (ended before it was piped, it would never end the line splitter: see gatePerfChild)
  if (subprocess.stderr.readableEnded || subprocess.stderr.destroyed) lines.end();
  const done = new Promise<void>((resolve) => {
    lines.on('data', (line: string) => {
      lastLineNs = monotonicNs();
      const text = line.trim();
      if (text === MARKER_ENABLED) phase = 'enabled';
      else if (text === MARKER_DISABLED) {
        if (phase === 'enabled') phase = 'after';
        // perf -D -1 prints this at its interval clock's zero, before any command of ours, while we
        // wait for it (idle): its arrival bounds perf's zero tightly. Interval lines alone would not
        // when a command blocks the event loop from its start: all arrive late, the zero comes out
        // late, and the window's last intervals were cut (a 16,384-page fill read as 9,502).
        else if (phase === 'before') {
          if (perfZeroNs === null || lastLineNs < perfZeroNs) perfZeroNs = lastLineNs;
          zeroSeen();
        }
      }
      else {
        const found = parser.push(line);
        for (const record of found) onRecord(record);
        const message = found.length === 0 ? perfMessageOf(line) : null;
        if (message !== null) messages.push(message);
      }
    });
    lines.on('end', () => {
      for (const record of parser.end()) onRecord(record);
      resolve();
    });
    lines.on('error', () => resolve());
  });

  // perf's commands on fd 3, its acks on fd 4; a perf that never acknowledges is killed
  const channel = createControlChannel(subprocess.control, subprocess.ack, { kill: () => subprocess.kill('SIGKILL'), watchdog: subprocess.watchdog ?? null });
  const send = channel.send;
  let exited = false;
  /** When its end was seen, on our clock. */
  let exitedNs: bigint | null = null;
  let spawnError: Error | null = null;
  const exit = new Promise<void>((resolve) => {
    subprocess.onClose((error) => {
      // a stderr pipe dropped while a descendant of perf's held it (boundedClose) never ends the splitter
      if (subprocess.stderr.destroyed && !subprocess.stderr.readableEnded) lines.end();
      spawnError = error;
      exited = true;
      exitedNs = monotonicNs();
      untrack();
      channel.close();
      resolve();
    });
  });

  const problemFromOutput = async (): Promise<PerfError> => {
    await exit;
    await done;
    return perfProblem(messages, (spawnError as Error | null)?.message ?? '', { events: options.events, pid, perfPath: options.perfPath }, (event) => probeEvent(options.perfPath ?? 'perf', event));
  };

  /**
   * While the window counts, perf's interval lines wait in its file, read at stop(): reading them
   * as they come is this process's own work, and perf counts this process (perf writing to a file
   * only; not while a live listener wants each record as it comes).
   */
  const readAfterWindow = (): void => {
    if (liveRecordListener === null) subprocess.deferReading?.(true);
  };

  let problem: PerfError | null = null;
  /** The window's switch (prepareSwitch), where the command turns counting on and off itself. */
  let switched: 'none' | 'prepared' | 'on' | 'off' = 'none';

  return {
    get perfPid() {
      return subprocess.pid;
    },
    async enable(beforeEnable, whileAcknowledging) {
      follow();
      beforeEnable?.();
      const acknowledged = send('enable');
      whileAcknowledging?.();
      const ok = await acknowledged;
      // The ack (fd 4) and "Events disabled" (stderr, printed long before) can be handed to us in
      // either order within one turn of the event loop. Were the command started first, a command
      // that blocks the loop would delay that line, perf's zero would come out late, and stop()
      // would take a normal tick for the final interval and cut the window (seen: 11,583 of 16,384
      // page-faults). So the line is read before the command starts; it is there already, or
      // within microseconds: only a perf that never prints it waits the 100 ms.
      if (ok) await Promise.race([zeroLine, exit, new Promise((resolve) => setTimeout(resolve, 100).unref())]);
      enableAckNs = monotonicNs();
      if (ok) readAfterWindow();
      if (!ok && channel.timedOut) {
        problem = noAckError();
        throw problem;
      }
      if (!ok) {
        problem = await problemFromOutput();
        throw problem;
      }
    },
    async prepareSwitch(beforeEnable) {
      if (!channel.canSendSync || switched !== 'none' || enableAckNs !== null) return null;
      // perf is ready once it has said "Events disabled" (it then waits for commands): the command's
      // on() waits for the ack alone, not for perf's start. A perf that never says it gets enable().
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((resolve) => { timer = setTimeout(resolve, ackTimeoutMs()); });
      await Promise.race([zeroLine, exit, late]);
      clearTimeout(timer);
      if (exited || !channel.canSendSync || perfZeroNs === null) return null;
      follow();
      beforeEnable?.();
      switched = 'prepared';
      // before the enable, not inside the window: closing the watch is work of this process's (an
      // empty line read 0.37 ms of task-clock with it inside, 0.16-0.24 without)
      readAfterWindow();
      return {
        on() {
          if (switched !== 'prepared') return false;
          switched = 'on';
          const ok = channel.sendSync('enable');
          // unanswered: stop() says why (from perf's output, once it has gone)
          if (ok) enableAckNs = monotonicNs();
          else if (channel.timedOut) problem = noAckError();
          return ok;
        },
        off() {
          if (switched !== 'on' || enableAckNs === null) return false;
          switched = 'off';
          disableSentNs = monotonicNs();
          const ok = channel.sendSync('disable');
          disableAckNs = monotonicNs();
          return ok;
        },
      };
    },
    async disable() {
      // Never after the target has exited: perf then exits without printing the final interval.
      disableSentNs = monotonicNs();
      const ok = await send('disable');
      disableAckNs = monotonicNs();
      // perf that ended by itself (its target exited) has already flushed its final interval.
      if (!ok && !exited) problem = await problemFromOutput();
    },
    async stop(window = {}) {
      let lastReadAfterEnd = false;
      /** Just before the look that saw perf waiting in poll() after the window's end (null where it was not seen there): its next read, and its last, came after. */
      let lookedNs: bigint | null = null;
      const stopFromNs = window.endNs ?? disableAckNs ?? monotonicNs();
      // the live line goes now, while perf's last lines are read: it is off the terminal before the report
      const erased = line?.close();
      if (window.sigintSent === true) {
        sigintNs = window.endNs ?? monotonicNs();
        // Its last interval may be in already (it raced the gate's report here): a whole group read
        // after the SIGINT, inside the window, at or after its time.
        if (phase !== 'before' && lastLineNs >= sigintNs && groupTimeS !== null && isFinalGroup(groupTimeS)) finalSeen();
        // perf prints it some 0.1-0.5 ms after the gate's SIGINT, mostly before this process has
        // read the gate's report: read from its file now, it needs no turn of the event loop
        // (0.2-1.9 ms here, after the report's synchronous work) to arrive.
        subprocess.readNow?.();
      } else if (!exited) {
        // Only once perf waits in poll() again after its last ack: a SIGINT that lands while it still
        // handles a command ends it without the data line (the old fixed 1 ms wait was both slower
        // and, on a loaded machine, not always enough). Where it already waits, the SIGINT goes now,
        // in this synchronous step: a window stopped without disable() ends counting right here.
        const perfPid = subprocess.pid === undefined ? undefined : perfInSession(subprocess.pid);
        lookedNs = monotonicNs();
        let polling = perfPid !== undefined && isInPoll(perfPid) === true;
        if (perfPid !== undefined && !polling) {
          // Still counting, and perf busy (most often printing a tick it read before the command's
          // end): a SIGINT now could end it without another read (lastIntervalMissing). A disable
          // is taken once it is back in poll(); its ack is awaited idle, where the wait costs the
          // window nothing, and any read after it holds the whole window.
          if (disableAckNs === null && enableAckNs !== null && switched !== 'on') {
            disableSentNs = monotonicNs();
            await send('disable');
            disableAckNs = monotonicNs();
          }
          polling = await untilPolling(perfPid);
        }
        // Seen waiting in poll() after the window's end, a perf reads its counters again only after
        // that look (a tick, or the SIGINT's interval), so its last interval holds the whole window,
        // whatever its stamp reads against a zero known only roughly: over this process, whose end
        // cannot end perf first.
        lastReadAfterEnd = polling && pid === process.pid;
        if (!polling) lookedNs = null;
        sigintNs = monotonicNs();
        subprocess.kill('SIGINT');
      }
      // what perf wrote while the window was open, read once it no longer counts (in order: the final
      // interval comes after). Where that interval is in already (read just above: run's programs),
      // nothing more is awaited, and the file is not watched again: a new inotify watch was 0.2-0.4 ms
      // of run's hand-over (BENCHMARKS.md, Pace notes).
      window.whenCountingEnds?.();
      if (!isFinalIn) subprocess.deferReading?.(false);
      let killedUnfinished = false;
      const timer = setTimeout(() => {
        // (killed, it may have ended between a tick and its print)
        lastReadAfterEnd = false;
        killedUnfinished = true;
        subprocess.kill('SIGKILL');
      }, 2000);
      await Promise.race([finalGroup, exit.then(() => done)]);
      clearTimeout(timer);
      // perf's zero from below (zero-bound.ts): a zero taken from "Events disabled" came out early where
      // perf was preempted before it read its clock, and a whole run read "the counts may miss up to the
      // command's last 6 ms", its last sample before the end. A perf the gate signalled (sigintSent) was
      // seen in poll() after the program's end: the last group it printed was read, and stamped, after that end.
      if (window.sigintSent === true && window.endNs !== undefined && groupTimeS !== null && !killedUnfinished) {
        perfZeroNs = zeroAtLeastNs(perfZeroNs, window.endNs, groupTimeS);
      }
      // The same bound for perfs stopped here (the REPL's perf per line, timeit's batches, run without
      // the gate), whose zero was known from above only: all of a line's samples came out at 0 s with
      // strace holding that write 300 ms, and run without the gate read "may miss up to the command's
      // last 297 ms". A group after the disable's "Events disabled" was read, and stamped, after the
      // disable went out (perf answers a command before it reads its counters again); perf's last group,
      // where it was seen in poll() after the window's end and its exit then awaited, after that look.
      if (groupTimeS !== null && groupAfterDisable && disableSentNs !== null) perfZeroNs = zeroAtLeastNs(perfZeroNs, disableSentNs, groupTimeS);
      if (groupTimeS !== null && lookedNs !== null && !isFinalIn && !killedUnfinished) perfZeroNs = zeroAtLeastNs(perfZeroNs, lookedNs, groupTimeS);
      // (a window too short to have shown a line waits for nothing)
      await erased;
      // Everything perf had to say is in: its own teardown takes a few more ms, which SIGKILL
      // skips, and awaiting its exit means no perf outlives the window that started it. Not
      // awaited, the kill waits for the report: perf, signalled, is on its way out, and a kill
      // then costs this thread some 0.4 ms.
      if (window.awaitExit !== false) {
        if (!exited) subprocess.kill('SIGKILL');
        await exit;
      } else if (!exited) {
        afterReport(() => {
          if (!exited) subprocess.kill('SIGKILL');
        });
        noteEnding(exit);
      }
      const toPerfS = (ns: bigint | null): number | null =>
        ns === null || perfZeroNs === null ? null : Math.max(0, Number(ns - perfZeroNs) / 1e9);
      // (a switch never turned on counted nothing, and nothing went wrong)
      if (problem === null && enableAckNs === null && switched !== 'prepared') problem = await problemFromOutput();
      if (problem === null) problem = endedEarly(enableAckNs, exitedNs, window.endNs ?? disableAckNs ?? sigintNs ?? stopFromNs);
      if (problem === null && !isFinalIn && enableAckNs !== null && !(lastReadAfterEnd && groupTimeS !== null)) {
        problem = lastIntervalMissing({ lastTimeS: groupTimeS, sigintS: toPerfS(sigintNs), endS: toPerfS(window.endNs ?? disableAckNs ?? sigintNs), endSeenLate: window.targetExited === true });
      }
      const enabledUntilS = toPerfS(window.endNs ?? disableAckNs);
      return {
        // Over this very process, what perf counted after the command's end is this process going
        // straight to stop(): no tick is cut there. A cut placed by perf's clock misplaced the tail
        // where perf's zero was known late (perf slowed while it printed: a measure(fn) of 2,560
        // pages read 1,733, its last intervals cut), and lines read in order already end the window
        // (the first interval after a disable, or the SIGINT's).
        records: pid === process.pid ? [...records] : withinWindow(records, enabledUntilS, { targetExited: window.targetExited === true }),
        enabledFromS: toPerfS(window.startNs ?? enableAckNs),
        enabledUntilS,
        enabledS: enabledSpanS(window.startNs ?? enableAckNs, window.endNs ?? disableAckNs),
        messages,
        skippedLines: parser.skippedLines,
        pauseS: Math.max(0, Number(lastLineNs - stopFromNs) / 1e9),
        problem,
      };
    },
    kill() {
      if (!exited) subprocess.kill('SIGKILL');
      void line?.close();
    },
  };
}

/** Whether perf accepts one event on its own (`perf stat -e EVENT -- true`); for naming the one it refused. */
export function probeEvent(perfPath: string, event: string): boolean {
  return runPerfSync(perfPath, ['stat', '-x', ',', '-e', event, '--', 'true'], 5000, 0).status === 0;
}


/** How much sooner than the command's end perf's exit must have been seen to count as early (its exit is seen late, never early). */
const EARLY_EXIT_SLACK_NS = 20_000_000n;

/**
 * perf gone while the command still ran, not by perfcell's hand (killed, or it crashed): its counts
 * stop there, and the report says so. A QA pass killed perf 0.8 s into a 2.5 s run: the report
 * read `page-faults 29.55/s` over all 2.5 s, and nothing said that perf had gone.
 */
function endedEarly(countingFromNs: bigint | null, exitedNs: bigint | null, commandEndNs: bigint): PerfError | null {
  if (countingFromNs === null || exitedNs === null || exitedNs + EARLY_EXIT_SLACK_NS >= commandEndNs) return null;
  const seconds = (ns: bigint): string => `${(Number(ns) / 1e9).toFixed(2)} s`;
  const countedNs = exitedNs > countingFromNs ? exitedNs - countingFromNs : 0n;
  return new PerfError('PERF_FAILED', `perf exited ${seconds(countedNs)} after counting began, ${seconds(commandEndNs - exitedNs)} before the command ended (was it killed?): the counts cover only that first ${seconds(countedNs)}`);
}

/**
 * How far perf's last interval may be stamped before the window's end (on perf's clock, from ours:
 * known to within the lag of reading perf's lines) and still count as holding all of it.
 */
const END_SLACK_S = 0.002;

/**
 * perf gone without the interval that holds the window's end: the counts stop at its last tick.
 * perf stat -I reads its counters at a tick, then prints them; a SIGINT that lands while it prints,
 * or a target gone when it looks again, ends it without another read. A perf slowed while printing
 * (its writes delayed by strace) lost 18-46% of a program's page-faults that way, and a suite run
 * beside a busy loop once read 28% fewer than perf stat, likely so. Since perfcell-exec waits for
 * perf to be back in poll() before the SIGINT, this is rare; the report says so where it happens.
 * An interval stamped at the window's end (`endS`: the program's end, or the disable's ack) holds it
 * all, and so does one at or after the SIGINT (`sigintS`), which perf prints only when it reads again.
 * `endSeenLate`: the end is a reaped program's as its gate saw it, some time after the program's
 * exit (9 ms once on a loaded machine), so an interval stamped a little before it may hold it all
 * (a `counter`-named perf read 2,615 of 2,615 page-faults with its last tick 8.8 ms before the end
 * seen): the report then says the counts may miss that span, not that they do.
 */
export function lastIntervalMissing({ lastTimeS, sigintS, endS, endSeenLate = false }: { lastTimeS: number | null; sigintS: number | null; endS: number | null; endSeenLate?: boolean }): PerfError | null {
  if (endS === null) return null;
  // (an interval stamped at the window's end holds it all, SIGINT or not: a tick after a disable)
  const whole = lastTimeS !== null && (lastTimeS + END_SLACK_S >= endS || (sigintS !== null && lastTimeS >= sigintS));
  if (whole) return null;
  const missedMs = lastTimeS === null ? null : Math.max(0, (endS - lastTimeS) * 1000);
  const span = missedMs === null ? 'all of the command' : `up to the command's last ${missedMs < 10 ? missedMs.toFixed(1) : Math.round(missedMs)} ms`;
  return new PerfError('PERF_LAST_INTERVAL_MISSING', `perf ended without its last interval (still printing the one before when the command ended, on a busy machine): the counts ${endSeenLate ? 'may miss' : 'miss'} ${span}; run it again for whole counts`);
}

function enabledSpanS(fromNs: bigint | null, untilNs: bigint | null): number | null {
  return fromNs === null || untilNs === null ? null : Math.max(0, Number(untilNs - fromNs) / 1e9);
}
