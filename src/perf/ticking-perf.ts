import { constants } from 'node:os';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { createPerfStatParser, type PerfRecord } from '../../parsers/perf-stat.ts';
import { createRegrouper, type Regrouper } from '../../parsers/regroup-intervals.ts';
import { PerfError } from '../errors.ts';
import { monotonicNs } from '../session/clock.ts';
import { currentLiveListener, MARKER_DISABLED, MARKER_ENABLED, perfMessageOf, probeEvent, spawnPerf, type PerfOptions, type PerfSession, type PerfWindowResult } from './controller.ts';
import { ackTimeoutMs, createControlChannel, noAckError } from './control-channel.ts';
import { createEventSlots, type EventSlots } from './event-slots.ts';
import { countsNotFoldedYet, LATE_TAIL_TICKS } from './late-tail.ts';
import { createPerfOutputFile } from './output-file.ts';
import type { LaunchedPerf } from './perf-group-launcher.ts';
import type { LiveFollower, LiveLine } from '../live/follower.ts';
import { perfProblem, spawnedPerfProcess, trackPerf } from './perf-process.ts';
import { zeroAtLeastNs } from './zero-bound.ts';
import { holdEventLoop } from '../proc/child-processes.ts';
import { catchesSignalNow } from '../proc/read-proc.ts';

/**
 * One long-lived perf over a process that counts many windows, one after the other:
 * `perf stat -I TICK -D -1 --control` started once, each window an enable and a disable.
 *
 * perf 6.1 prints nothing on a disable: the window's last counts come with perf's next tick, so
 * it ticks every few ms, and the window's ticks are regrouped into the interval the person asked
 * for (parsers/regroup-intervals.ts). A window's session releases perf only once the tick after its
 * disable is read, so no tick holds counts of two windows. Counts are exact: perf reads the
 * kernel's counters, which count only while enabled.
 *
 * perf writes to a file read on demand (output-file.ts, no inotify): nothing of perf's reaches
 * this process while a window is open; its ticks are read once the window is disabled.
 * A group of these shares a file's windows: shared-perf.ts.
 *
 * A perf started with perfcell's library in it (native/perfcell-perf-hold.c: perfcell-exec puts it
 * there, for the perfs over perfcell's own process and for compare's) catches SIGURG, the nudge: sent after a
 * window's disable is acknowledged, it makes perf print the interval at once, and the window's
 * last counts come without the wait for the next tick. A perf without the library does not catch
 * SIGURG (its SigCgt says so, read once it is ready) and is not sent it: its tail comes with the tick.
 */
export interface TickingPerf {
  /** A session for one window: enable() waits until perf is free and ready. */
  session(): PerfSession;
  /** perf has printed its first whole tick (rejects with why perf could not start). */
  ready(): Promise<void>;
  /** Milliseconds until perf's next tick is due (reads what it printed); Infinity while unknown. */
  msUntilTick(): number;
  readonly tickMs: number;
  /** perf's pid, the leader of its process group (undefined until known, or where it never ran). */
  readonly perfPid: number | undefined;
  /** Whether perf has exited. */
  readonly exited: boolean;
  /** Whether a window is open on it or waits for it. */
  readonly busy: boolean;
  /** Ends perf; a window open on it is lost. */
  close(): void;
  /** Ends perf and resolves once it has exited. */
  closeAndWait(): Promise<void>;
  /**
   * Stops perf (SIGSTOP) where it is ready and no window is open on it: it ticks no more, and costs
   * nothing, until resume(). Its counters are the kernel's: stopped, it misses no count, and the tick
   * it owes comes at once on resume() (its poll() restarts with the deadline already past).
   */
  pause(): void;
  /** Lets a paused perf go on (SIGCONT); before a window's enable, whose ack a stopped perf would never send. */
  resume(): void;
}

/** How long past a tick's due time its reader keeps reading at every turn of the loop before it sleeps between reads. */
const SPIN_PAST_DUE_MS = 2;

/**
 * How long this process sleeps between two reads of a tick that is due: Atomics.wait, a futex
 * with a timeout far below a timer's 1 ms, then a turn of the event loop. Reading at every turn
 * without it held one of the 2 vCPUs through every tail, which perf needs to print the tick:
 * 200 trivial cells took 892.5 ms spinning against 843.5 ms napping 0.05 ms (853.4 at 0.1 ms;
 * 10 alternations), 1029.7 against 964.5 ms (20, against the build before), and a compare of
 * sleep-ms 7 vs 6 365.7 against 357.9 ms (14; 2026-12-02, BENCHMARKS.md "Pace notes"). The
 * tick after a disable comes whole milliseconds after it (perf 6.1 takes a command's time off its
 * poll() timeout in whole ms), so 0.05 ms is late by little next to it.
 */
const NAP_MS = 0.05;
const napCell = new Int32Array(new SharedArrayBuffer(4));

/** How much idle output a perf's file may hold before it is emptied (some 10-20 s of idle ticks of four events). */
const TRUNCATE_AT_BYTES = 1 << 20;

/** The nudge perfcell's library in perf catches (ignored by default: a perf without it would not die of it). */
const NUDGE: NodeJS.Signals = 'SIGURG';

/** How long a tick may be late before the window gives up on it (a stopped or wedged perf). */
const TAIL_LIMIT_MS = 2000;

/** `follower`: the live view's relay of the group (on a terminal), told of each window of this perf. */
export function startTickingPerf(pid: number, options: PerfOptions, tickMs: number, launched?: LaunchedPerf, follower: LiveFollower | null = null): TickingPerf {
  return startWindowSlots(pid, options, tickMs, null, launched, follower)[0] as TickingPerf;
}

/**
 * One perf that holds `slots` windows at a time (event-slots.ts: each slot's copy of the events
 * named apart and switched by name), as that many members of a group: one slot's window may count
 * while another's waits for its tail, at one perf's start-up. Its windows are switched on the
 * event loop only (no prepareSwitch), and it has no live view.
 */
export function startSlottedPerf(pid: number, options: PerfOptions, tickMs: number, slots: number): TickingPerf[] {
  return startWindowSlots(pid, options, tickMs, createEventSlots(options.events, slots));
}

/** What one slot of a perf holds of the window on it (a perf of one window has one). */
interface WindowSlot {
  /** The window being read: everything from its enable to the first whole tick after its disable. */
  phase: 'idle' | 'enabled' | 'after' | 'tail-done';
  /** The window's rows, regrouped as they are read (set up by stop(), before the window's lines are read). */
  collector: Regrouper | null;
  /** Rows of the window read before stop() set the collector up (perf's last lines when it dies mid-window). */
  early: PerfRecord[];
  windowMessages: string[];
  tailTimeS: number | null;
  tailReadNs: bigint;
  /** The rows of the tail tick read so far, held until it is whole: the window's, or dropped where its counts are late (late-tail.ts). */
  tailHeld: PerfRecord[];
  /** How many tail ticks were dropped as late for this window (at most LATE_TAIL_TICKS). */
  lateTails: number;
  /** The open window's counts per event since the last peek, for the live listener (null: nobody listens). */
  liveSums: Map<string, PerfRecord> | null;
  /** A window's tail must be read before the next window enables: until then the slot is not free. */
  free: Promise<void>;
  openWindows: number;
  /** When the window's enable and disable went out, on our clock: a tick perf printed after its answer was stamped later. */
  enableSentNs: bigint | null;
  disableSentNs: bigint | null;
}

function startWindowSlots(pid: number, options: PerfOptions, tickMs: number, named: EventSlots | null, launched?: LaunchedPerf, follower: LiveFollower | null = null): TickingPerf[] {
  // Its ticks add up to some 55 KB/s of text at 4 ms, 110 at 2 (four events), whether or not a
  // window is open, and nothing is read while one is: on disk, and emptied once a megabyte of it
  // has been read (dropIdle).
  // `launched`: started with the rest of its group by one launcher (perf-group-launcher.ts), else spawned here.
  const file = launched?.file ?? createPerfOutputFile({ watch: false, onDisk: true });
  const subprocess = launched?.process ?? spawnedPerfProcess(spawnPerf(pid, { ...options, events: named?.perfEvents ?? options.events, intervalMs: tickMs }, file.fd));
  const untrack = trackPerf(subprocess);
  const parser = createPerfStatParser({ format: 'csv', separator: ',', metrics: true });

  // ---- what perf printed, read on demand ----
  let partial = '';
  let zeroSeen = false;
  /**
   * Our monotonic clock at perf's interval time 0: the least (read time − tick time) seen, and no
   * earlier than a tick perf printed after answering a command says (zero-bound.ts).
   */
  let perfZeroNs: bigint | null = null;
  /**
   * When the last command whose answer (a marker line) was read went out: the next tick perf
   * printed was read, and stamped, after that. perf -D -1 prints "Events disabled" before it reads
   * its zero, so the zero taken from that line came out early where perf was preempted in between:
   * every sample of a cell or a REPL line was put at 0 s, as one interval (a strace holding that
   * write 300 ms); a window's first tick puts the zero at most a tick early before its rows are placed.
   */
  let stampedAfterNs: bigint | null = null;
  const answered = (sentNs: bigint | null): void => {
    if (sentNs !== null && (stampedAfterNs === null || sentNs > stampedAfterNs)) stampedAfterNs = sentNs;
  };
  let tickTimeS: number | null = null;
  let tickRows = 0;
  /** Rows of one whole tick, learned from the first tick perf completes (null until then: not ready). */
  let rowsPerTick: number | null = null;
  let lastTickS: number | null = null;
  const startupMessages: string[] = [];
  /** Whether perf catches the nudge (learnt once it is ready), and when the last one not yet answered went out. */
  let nudges = false;
  let nudgedAtNs: bigint | null = null;

  const windows: WindowSlot[] = Array.from({ length: named?.slots ?? 1 }, () => ({
    phase: 'idle',
    collector: null,
    early: [],
    windowMessages: [],
    tailTimeS: null,
    tailReadNs: 0n,
    tailHeld: [],
    lateTails: 0,
    liveSums: null,
    free: Promise.resolve(),
    openWindows: 0,
    enableSentNs: null,
    disableSentNs: null,
  }));
  const collect = (w: WindowSlot, record: PerfRecord): void => {
    if (w.collector === null) w.early.push(record);
    else w.collector.add(record);
  };

  // windows open only once perf is ready, when the rows of a tick are known (each slot has its share)
  const tailComplete = (w: WindowSlot): boolean => w.tailTimeS !== null && rowsPerTick !== null && w.tailHeld.length * windows.length >= rowsPerTick;

  const onTickRow = (record: PerfRecord, readNs: bigint): void => {
    const timeS = record.time ?? 0;
    const estimate = readNs - BigInt(Math.round(timeS * 1e9));
    if (perfZeroNs === null || estimate < perfZeroNs) perfZeroNs = estimate;
    if (stampedAfterNs !== null) {
      perfZeroNs = zeroAtLeastNs(perfZeroNs, stampedAfterNs, timeS);
      stampedAfterNs = null;
    }
    if (timeS !== tickTimeS) {
      if (tickTimeS !== null) rowsPerTick = Math.max(rowsPerTick ?? 0, tickRows);
      tickTimeS = timeS;
      tickRows = 0;
    }
    tickRows += 1;
    lastTickS = timeS;
    if (nudgedAtNs !== null && readNs > nudgedAtNs) nudgedAtNs = null;
    // a slotted perf's row: its slot's, under the event's own name
    const place = named === null ? null : named.rowOf(record.event);
    if (named !== null && place === null) return;
    const w = windows[place?.slot ?? 0] as WindowSlot;
    const row = place === null ? record : { ...record, event: place.event };
    if (w.phase === 'enabled') {
      collect(w, row);
      if (w.liveSums !== null) addLive(w.liveSums, row);
    } else if (w.phase === 'after') {
      // a later tick began: the tail held was whole
      if (w.tailTimeS !== null && timeS !== w.tailTimeS) settleTail(w);
      if (w.phase !== 'after') return;
      w.tailTimeS ??= timeS;
      w.tailHeld.push(row);
      w.tailReadNs = readNs;
      if (tailComplete(w)) settleTail(w);
    }
  };

  /**
   * A window's tail tick, read whole: its rows are the window's last, unless they show counts the
   * kernel had not folded in yet (countsNotFoldedYet): then they are dropped, perf is nudged, and
   * its next tick is the tail, up to LATE_TAIL_TICKS times. Nothing counts while the window is
   * disabled, so what a later tick before the next enable holds is this window's.
   */
  const settleTail = (w: WindowSlot): void => {
    const held = w.tailHeld;
    w.tailHeld = [];
    if (w.lateTails < LATE_TAIL_TICKS && countsNotFoldedYet(held)) {
      w.lateTails += 1;
      w.tailTimeS = null;
      nudge();
      return;
    }
    for (const row of held) collect(w, row);
    w.phase = 'tail-done';
  };

  const addLive = (sums: Map<string, PerfRecord>, record: PerfRecord): void => {
    // a tick in which the program never ran (asleep) reads <not counted>: it counted none, and says
    // so to the live line, which would otherwise keep the rate of the last tick that counted
    const value = record.value ?? (record.status === 'not counted' ? 0 : null);
    if (value === null) return;
    sums.set(record.event, { ...record, value: (sums.get(record.event)?.value ?? 0) + value, status: 'counted' });
  };

  const consume = (text: string): void => {
    if (text === '') return;
    const readNs = monotonicNs();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    /** A perf of one window's: the plain `Events enabled` / `Events disabled` markers are its. */
    const single = windows[0] as WindowSlot;
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed === MARKER_ENABLED) {
        if (named === null && single.phase === 'idle') {
          single.phase = 'enabled';
          answered(single.enableSentNs);
        }
        continue;
      }
      // a slot's window opens with its first event's enable and closes with its last event's disable
      const marker = named?.markerOf(trimmed) ?? null;
      if (marker !== null) {
        namedSwitch ??= true;
        const w = windows[marker.slot] as WindowSlot;
        if (marker.enabled && marker.first && w.phase === 'idle') {
          w.phase = 'enabled';
          answered(w.enableSentNs);
        } else if (!marker.enabled && marker.last && w.phase === 'enabled') {
          w.phase = 'after';
          answered(w.disableSentNs);
        }
        continue;
      }
      if (trimmed === MARKER_DISABLED) {
        if (named === null && single.phase === 'enabled') {
          single.phase = 'after';
          answered(single.disableSentNs);
        }
        // a slotted perf's `disable pcA0` taken for a plain `disable` (perf before 5.12)
        else if (named !== null && zeroSeen) namedSwitch ??= false;
        else if (!zeroSeen) {
          zeroSeen = true;
          if (perfZeroNs === null || readNs < perfZeroNs) perfZeroNs = readNs;
        }
        continue;
      }
      if (named !== null && trimmed.startsWith("failed: can't find")) namedSwitch ??= false;
      const found = parser.push(line);
      for (const record of found) if (record.time !== null && record.isMetricRow !== true) onTickRow(record, readNs);
      const message = found.length === 0 ? perfMessageOf(line) : null;
      if (message === null) continue;
      const open = windows.filter((w) => w.phase !== 'idle');
      if (open.length === 0 && !zeroSeen) startupMessages.push(message);
      for (const w of open) w.windowMessages.push(message);
    }
  };
  const read = (): void => consume(file.readText());
  /**
   * While no window is open, only when perf ticks next matters: the time of the last whole line
   * is taken, and the idle rows (`<not counted>`) are left unparsed.
   */
  const skim = (): void => {
    const text = partial + file.readText();
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      partial = text;
      return;
    }
    partial = text.slice(end + 1);
    // '     0.104507747,<not counted>,,page-faults,0,100.00,,' → 0.104507747 (a marker line → NaN)
    const timeS = Number.parseFloat(text.slice(text.lastIndexOf('\n', end - 1) + 1, end));
    if (Number.isFinite(timeS)) lastTickS = timeS;
  };

  /**
   * Skims what perf printed while no window was open (the time of its last tick), and empties the
   * file once that has grown past TRUNCATE_AT_BYTES: an ftruncate at every pick and enable cost the
   * cells' way into each window some 20 µs per perf of the group (75 µs a cell in a profile of 200).
   * A slotted perf's other slots may be waiting for their rows (`except`: the slot that asks): then
   * nothing is read here, and the file is kept. Its lines are read later, in order, as every line
   * is: a slot's window opens at its enable's marker line, so the idle rows before that line stay
   * out of it whenever they are read. Read here, they cost compare's way into each run some 0.1 ms
   * (a served run's enable), where the next read takes them on the way (BENCHMARKS.md, Pace notes,
   * 2026-12-05 15:55).
   */
  const dropIdle = (except: WindowSlot): void => {
    if (windows.some((w) => w !== except && w.openWindows > 0)) return;
    skim();
    if (file.readBytes < TRUNCATE_AT_BYTES) return;
    file.truncate();
    partial = '';
  };

  // ---- control: commands on fd 3, acks on fd 4 (extra stdio pipes are socket pairs, both ways) ----
  const ackStream = subprocess.ack;
  const control = subprocess.control;
  // An idle shared perf keeps nothing alive: this process may end with it waiting for a window
  // (the exit hook kills it). Its pipes hold the event loop only while a command awaits its ack.
  subprocess.unref();
  const holdLoop = (on: boolean): void => holdEventLoop([ackStream, control], on);
  holdLoop(false);
  // a launched perf's acks may be waited for in a blocking read (a cell's switch): its launcher watches over that
  const channel = createControlChannel(control, ackStream, { kill: () => subprocess.kill('SIGKILL'), onWaiting: holdLoop, watchdog: launched?.watchdog ?? null });
  /** Awaited, perf's exit holds the event loop again (unreferenced, this process could end first). */
  const holdUntilExit = (): void => {
    subprocess.ref();
    holdLoop(true);
  };
  const send = channel.send;
  let readyTimedOut = false;

  // ---- perf's exit ----
  let exited = false;
  /** Stopped by pause() (SIGSTOP), until resume(). */
  let paused = false;
  let spawnError: Error | null = null;
  const exit = new Promise<void>((resolve) => {
    const onExit = (error: Error | null): void => {
      if (exited) return;
      exited = true;
      spawnError = error;
      untrack();
      consume(file.readText());
      // a tail perf printed before it ended is the window's, whole or not
      for (const w of windows) for (const row of w.tailHeld.splice(0)) collect(w, row);
      file.finish();
      channel.close();
      resolve();
    };
    subprocess.onClose((error) => onExit(error));
  });

  const problemNow = async (): Promise<PerfError> => {
    if (channel.timedOut || readyTimedOut) return noAckError();
    if (!exited) holdUntilExit();
    await exit;
    return perfProblem([...startupMessages, ...windows.flatMap((w) => w.windowMessages)], spawnError?.message ?? '', { events: options.events, pid, perfPath: options.perfPath }, (event) => probeEvent(options.perfPath ?? 'perf', event));
  };

  /** A time on perf's interval clock (seconds since its start) on our monotonic clock; null while perf's zero is unknown. */
  const fromPerfS = (timeS: number): bigint | null => (perfZeroNs === null ? null : perfZeroNs + BigInt(Math.round(timeS * 1e9)));
  /** Our monotonic clock on perf's interval clock, the inverse of fromPerfS. */
  const toPerfS = (ns: bigint | null | undefined): number | null =>
    ns === null || ns === undefined || perfZeroNs === null ? null : Math.max(0, Number(ns - perfZeroNs) / 1e9);

  /** When perf's next tick is due on our clock, from the last one read; null while unknown. */
  const nextTickDueNs = (): bigint | null => (lastTickS === null ? null : fromPerfS(lastTickS + tickMs / 1000));
  /** When perf's next lines are due: at once after a nudge, else with the tick. */
  const nextLinesDueNs = (): bigint | null => nudgedAtNs ?? nextTickDueNs();

  /** Asks perf for its interval now (a window's tail), where it catches the nudge. */
  const nudge = (): void => {
    if (!nudges || exited || paused) return;
    nudgedAtNs = monotonicNs();
    subprocess.kill(NUDGE);
  };

  /**
   * Reads until `done()` holds or perf has gone: asleep until about a millisecond before perf's
   * next tick is due, then reading every NAP_MS and at every turn of the event loop (a timer would
   * add up to a millisecond of lateness to every window), and asleep again if the tick is late.
   */
  const readUntil = async (done: () => boolean, limitMs: number): Promise<boolean> => {
    const giveUpNs = monotonicNs() + BigInt(limitMs) * 1_000_000n;
    for (;;) {
      read();
      if (done()) return true;
      const nowNs = monotonicNs();
      if (exited || nowNs > giveUpNs) return false;
      const dueNs = nextLinesDueNs();
      const untilDueMs = dueNs === null ? Number.NEGATIVE_INFINITY : Number(dueNs - nowNs) / 1e6;
      if (untilDueMs > 1.5) await sleep(Math.floor(untilDueMs - 1));
      else if (untilDueMs > -SPIN_PAST_DUE_MS) {
        Atomics.wait(napCell, 0, 0, NAP_MS);
        await nextTurn();
      }
      else await sleep(1);
    }
  };

  /**
   * readUntil in one synchronous step, for the 'exit' event, where no timer or turn of the loop
   * comes: napping NAP_MS between reads until `done()` holds, perf has gone, or `limitMs` has passed.
   */
  const readUntilSync = (done: () => boolean, limitMs: number): boolean => {
    const giveUpNs = monotonicNs() + BigInt(limitMs) * 1_000_000n;
    for (;;) {
      read();
      if (done()) return true;
      if (exited || monotonicNs() > giveUpNs) return false;
      Atomics.wait(napCell, 0, 0, NAP_MS);
    }
  };

  /**
   * A slotted perf switches events by name (perf 5.12 and later): null until its answer to a
   * `disable pcA0` is read (ready()). perf 5.10 and 5.11 take it for a plain `disable`, and would take
   * `enable pcA0` for an `enable` of every slot.
   */
  let namedSwitch: boolean | null = null;

  // Ready once perf has printed its "Events disabled" and one whole tick: the rows of a tick are known.
  let readyPromise: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    readyPromise ??= (async () => {
      // perf that has not printed its first tick within the ack timeout is treated as one that never acks
      const ok = await readUntil(() => zeroSeen && rowsPerTick !== null, ackTimeoutMs());
      if (!ok) {
        if (!exited) {
          readyTimedOut = true;
          subprocess.kill('SIGKILL');
        }
        throw await problemNow();
      }
      nudges = subprocess.pid !== undefined && catchesSignalNow(subprocess.pid, constants.signals[NUDGE]);
      if (named === null) return;
      // the names the first tick printed (pcA0:u where perf counts user space only), switched off as they are
      const probed = await channel.sendAll(named.commands(0, 'disable').slice(0, 1));
      const answered = probed && (await readUntil(() => namedSwitch !== null, ackTimeoutMs()));
      if (answered && namedSwitch === true) return;
      if (!exited) {
        if (!answered) readyTimedOut = true;
        subprocess.kill('SIGKILL');
      }
      if (answered) throw new PerfError('PERF_NO_NAMED_SWITCH', 'this perf cannot switch events by name (perf 5.12 and later can): a perf for each window instead');
      throw await problemNow();
    })();
    return readyPromise;
  };
  /**
   * When perf printed the window's last tick, on our clock: its own time stamp, so a tail read
   * later (compare reads a run's tail while the next program runs, or once it has ended) says how
   * long the sample took to come, not when it was read; never later than the read.
   */
  const tailAtNs = (w: WindowSlot): bigint => {
    const printedNs = w.tailTimeS === null ? null : fromPerfS(w.tailTimeS);
    return printedNs !== null && printedNs < w.tailReadNs ? printedNs : w.tailReadNs;
  };

  /** Switches a slot's window on or off: one command for a perf of one window, one per event (by name) for a slotted one. */
  const switchSlot = (slot: number, verb: 'enable' | 'disable'): Promise<boolean> =>
    named === null ? send(verb) : channel.sendAll(named.commands(slot, verb));

  function session(slot: number): PerfSession {
    const w = windows[slot] as WindowSlot;
    let state: 'new' | 'enabled' | 'disabled' | 'done' = 'new';
    let release: () => void = () => undefined;
    let enableAckNs: bigint | null = null;
    let disableAckNs: bigint | null = null;
    let disabling: Promise<boolean> | null = null;
    let problem: PerfError | null = null;
    /** The switch's enable went unanswered (perf gone or killed): stop() says why. */
    let switchFailed = false;
    /** When the window's last tick was printed (tailAtNs), taken before perf is free for the next window. */
    let tailNs = 0n;
    /** The live view's line of this window, following its file once claimed. */
    let line: LiveLine | null = null;
    /**
     * Where the window's rows go, once its bounds are known (bound() or stop()). They are put on
     * perf's clock at the window's first row: perf's zero is bounded from below by then, by the
     * tick after the enable's answer (stampedAfterNs).
     */
    let collecting: { readonly regrouper: Regrouper; readonly bounds: () => { readonly fromS: number | null; readonly untilS: number | null } } | null = null;
    const collectInto = (window: { startNs?: bigint; endNs?: bigint }): NonNullable<typeof collecting> => {
      if (collecting !== null) return collecting;
      let placed: { readonly fromS: number | null; readonly untilS: number | null; readonly regrouper: Regrouper } | null = null;
      const place = (): NonNullable<typeof placed> => {
        if (placed !== null) return placed;
        const fromS = toPerfS(window.startNs ?? enableAckNs);
        const untilS = toPerfS(window.endNs ?? disableAckNs);
        placed = { fromS, untilS, regrouper: createRegrouper({ intervalS: options.intervalMs / 1000, fromS, untilS }) };
        return placed;
      };
      const regrouper: Regrouper = { add: (record) => place().regrouper.add(record), end: () => place().regrouper.end() };
      for (const record of w.early) regrouper.add(record);
      w.early = [];
      w.collector = regrouper;
      collecting = { regrouper, bounds: place };
      return collecting;
    };

    /** The window's counts, once its rows are collected (stop(), stopAtExit()). */
    const resultOf = (window: { startNs?: bigint; endNs?: bigint }, stopFromNs: bigint): PerfWindowResult => {
      const { regrouper, bounds } = collectInto(window);
      const { fromS, untilS } = bounds();
      const startNs = window.startNs ?? enableAckNs;
      const endNs = window.endNs ?? disableAckNs;
      return {
        records: regrouper.end(),
        enabledFromS: fromS,
        enabledUntilS: untilS,
        enabledS: startNs === null || endNs === null ? null : Math.max(0, Number(endNs - startNs) / 1e9),
        messages: [...w.windowMessages],
        skippedLines: 0,
        pauseS: tailNs > stopFromNs ? Number(tailNs - stopFromNs) / 1e9 : 0,
        problem,
      };
    };

    const disable = (): Promise<boolean> => {
      if (disabling === null) w.disableSentNs = monotonicNs();
      disabling ??= switchSlot(slot, 'disable').then((ok) => {
        disableAckNs = monotonicNs();
        state = 'disabled';
        if (ok) nudge();
        return ok;
      });
      return disabling;
    };
    /** The tail of this window read (or perf gone), then perf is free for the next. */
    const finish = async (): Promise<void> => {
      await readUntil(() => w.phase === 'tail-done', TAIL_LIMIT_MS);
      tailNs = tailAtNs(w);
      state = 'done';
      release();
    };

    /** Waits until perf is free and ready for this window, and sets it up (the enable is the caller's). */
    const claim = async (beforeEnable: (() => void) | undefined): Promise<void> => {
      const previous = w.free;
      w.openWindows += 1;
      w.free = new Promise<void>((resolve) => {
        let released = false;
        release = () => {
          if (released) return;
          released = true;
          w.openWindows -= 1;
          resolve();
        };
      });
      await previous;
      try {
        await ready();
      } catch (error: unknown) {
        problem = error as PerfError;
        release();
        throw error;
      }
      // what perf printed while idle is of no window
      dropIdle(w);
      w.phase = 'idle';
      w.collector = null;
      w.early = [];
      w.windowMessages = [];
      w.tailTimeS = null;
      w.tailReadNs = 0n;
      w.tailHeld = [];
      w.lateTails = 0;
      w.enableSentNs = null;
      w.disableSentNs = null;
      w.liveSums = currentLiveListener() === null ? null : new Map();
      line = follower?.open(file.fd) ?? null;
      try {
        beforeEnable?.();
      } catch (error: unknown) {
        release();
        throw error;
      }
    };

    return {
      get perfPid() {
        return subprocess.pid;
      },
      async enable(beforeEnable, whileAcknowledging) {
        await claim(beforeEnable);
        state = 'enabled';
        w.enableSentNs = monotonicNs();
        const acknowledged = switchSlot(slot, 'enable');
        whileAcknowledging?.();
        const ok = await acknowledged;
        enableAckNs = monotonicNs();
        if (!ok) {
          state = 'done';
          problem = await problemNow();
          release();
          throw problem;
        }
      },
      async prepareSwitch(beforeEnable) {
        // a slotted perf's windows are switched on the event loop only
        if (!channel.canSendSync || named !== null) return null;
        await claim(beforeEnable);
        return {
          on() {
            if (state !== 'new') return false;
            state = 'enabled';
            w.enableSentNs = monotonicNs();
            const ok = channel.sendSync('enable');
            enableAckNs = monotonicNs();
            // stop() says why (problemNow: it waits for perf's exit)
            if (!ok) {
              state = 'done';
              switchFailed = true;
            }
            return ok;
          },
          off() {
            if (state !== 'enabled') return false;
            w.disableSentNs = monotonicNs();
            const ok = channel.sendSync('disable');
            disableAckNs = monotonicNs();
            state = 'disabled';
            disabling = Promise.resolve(ok);
            if (ok) nudge();
            return ok;
          },
        };
      },
      async disable() {
        if (state !== 'enabled') return;
        const ok = await disable();
        if (!ok && !exited) problem = await problemNow();
      },
      async stop(window = {}) {
        // a window claimed but never switched on (its cell never started) frees perf at once
        if (state === 'new') release();
        // the disable goes out now, in this synchronous step, as the SIGINT of a perf of one window does
        const disabled = state === 'enabled' ? disable() : (disabling ?? Promise.resolve(true));
        const ok = await disabled;
        window.whenCountingEnds?.();
        // the live line goes while the window's tail is read: it is off the terminal before the report
        const erased = line?.close();
        const stopFromNs = window.endNs ?? disableAckNs ?? monotonicNs();
        // the window's lines are read only now (or since bound()): its ticks go straight into the asked-for intervals
        collectInto(window);
        if (state !== 'new') await finish();
        await erased;
        w.collector = null;
        if (problem === null && ((!ok && enableAckNs === null) || switchFailed)) problem = await problemNow();
        return resultOf(window, stopFromNs);
      },
      stopAtExit(window, limitMs) {
        // counting must be off already, by the switch's off() (synchronous), as the command's end mark turns it off
        if (state !== 'disabled' || exited || switchFailed) return null;
        const stopFromNs = window.endNs;
        collectInto(window);
        if (!readUntilSync(() => w.phase === 'tail-done', limitMs)) return null;
        tailNs = tailAtNs(w);
        state = 'done';
        release();
        w.collector = null;
        return resultOf(window, stopFromNs);
      },
      bound(window) {
        if (state !== 'new' && state !== 'done') collectInto(window);
      },
      peek() {
        const listener = currentLiveListener();
        const liveSums = w.liveSums;
        if (state !== 'enabled' || listener === null || liveSums === null) return;
        read();
        // one record per event for the ticks since the last peek, timed on this process's clock:
        // each perf of a group has its own zero, and the listener takes rates from time differences
        for (const record of liveSums.values()) {
          const atNs = record.time === null ? null : fromPerfS(record.time);
          listener({ ...record, time: atNs === null ? null : Number(atNs) / 1e9 });
        }
        liveSums.clear();
      },
      kill() {
        // the window is dropped; perf goes on for the next (it must still see this one's tail first)
        void line?.close();
        if (state === 'enabled') {
          void disable().then(() => finish());
        } else if (state === 'disabled') void finish();
        else if (state === 'new') release();
      },
    };
  }

  return windows.map((w, slot) => ({
    session: () => session(slot),
    ready,
    tickMs,
    get perfPid() {
      return subprocess.pid;
    },
    msUntilTick() {
      // idle: what it printed is of no window
      if (w.openWindows === 0) dropIdle(w);
      let dueNs = nextTickDueNs();
      if (dueNs === null) return Number.POSITIVE_INFINITY;
      const nowNs = monotonicNs();
      while (dueNs < nowNs) dueNs += BigInt(tickMs * 1_000_000);
      return Number(dueNs - nowNs) / 1e6;
    },
    get exited() {
      return exited;
    },
    get busy() {
      return w.openWindows > 0;
    },
    close() {
      if (!exited) subprocess.kill('SIGKILL');
    },
    async closeAndWait() {
      if (exited) return;
      holdUntilExit();
      subprocess.kill('SIGKILL');
      await exit;
    },
    pause() {
      if (exited || paused || rowsPerTick === null || windows.some((slot) => slot.openWindows > 0)) return;
      paused = subprocess.kill('SIGSTOP');
    },
    resume() {
      if (!paused) return;
      paused = false;
      if (!exited) subprocess.kill('SIGCONT');
    },
  }));
}

