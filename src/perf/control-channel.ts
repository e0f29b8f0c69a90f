import { readSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { PerfError } from '../errors.ts';
import { monotonicNs } from '../session/clock.ts';

/**
 * perf's `--control fd:CTL,ACK`: commands written to CTL, one `ack` line back on ACK for each.
 * A perf that never acknowledges (hung, stopped, a broken build) would block its command forever:
 * after the ack timeout it is killed, and the command answers false with `timedOut` set.
 */
export interface ControlChannel {
  /** Sends the command; true once perf acknowledged it, false where perf had gone or was killed for not answering. */
  send(command: ControlCommand): Promise<boolean>;
  /**
   * Sends the commands in one write (perf takes one a turn of its loop, and acks each); true once
   * perf acknowledged them all, false where it had gone or was killed for not answering.
   */
  sendAll(commands: readonly ControlCommand[]): Promise<boolean>;
  /**
   * Sends the command and waits for its ack in this synchronous step, in a blocking read: no turn
   * of the event loop (a window switched from inside a cell, where whatever this process does
   * between perf's enable and disable is counted), and asleep until the ack comes. Only under a
   * watchdog, which kills a perf that does not answer in time (that ends the read). Same answer as send().
   */
  sendSync(command: 'enable' | 'disable'): boolean;
  /** Whether sendSync() can be used now: a watchdog, both fds known, and no send() waiting for its ack. */
  readonly canSendSync: boolean;
  /** Whether a command went unanswered past the ack timeout (and perf was killed for it). */
  readonly timedOut: boolean;
  /** perf has gone: commands waiting answer false, later ones at once. */
  close(): void;
}

/** `enable`, `disable`, or either for the events of one name (`enable pcA0`, perf 6.1). */
export type ControlCommand = 'enable' | 'disable' | `${'enable' | 'disable'} ${string}`;

export interface ControlChannelOptions {
  /** Kills perf (SIGKILL) when a command goes unanswered. */
  readonly kill: () => void;
  /** Called with true when a command starts waiting for its ack and false when none waits any more (to hold the event loop only then). */
  readonly onWaiting?: (waiting: boolean) => void;
  /** Kills perf when sendSync() waits too long for its ack; none: no sendSync(). */
  readonly watchdog?: AckWatchdog | null;
}

/**
 * Another process's watch over a blocking wait for perf's ack (the perf group's launcher,
 * perfcell-exec.c): armed, it kills perf after the ack timeout; a blocking read cannot time out.
 */
export interface AckWatchdog {
  arm(): void;
  disarm(): void;
}

export function createControlChannel(control: Writable | null, ack: Readable | null, options: ControlChannelOptions): ControlChannel {
  const waiting: Array<(ok: boolean) => void> = [];
  let closed = control === null;
  let timedOut = false;
  let buffer = '';
  ack?.setEncoding('utf8');
  ack?.on('data', (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      buffer = buffer.slice(newline + 1);
      waiting.shift()?.(true);
    }
    if (waiting.length === 0) options.onWaiting?.(false);
  });
  ack?.on('error', () => undefined);
  control?.on('error', () => undefined);
  const controlFd = fdOf(control);
  const ackFd = fdOf(ack);
  const ackHandle = (ack as { _handle?: { setBlocking?: (blocking: boolean) => number } } | null)?._handle;
  const watchdog = options.watchdog ?? null;
  const canSendSync = (): boolean => !closed && watchdog !== null && controlFd !== null && ackFd !== null && typeof ackHandle?.setBlocking === 'function' && waiting.length === 0;
  const sendAll = (commands: readonly ControlCommand[]): Promise<boolean> => {
    if (closed || control === null) return Promise.resolve(false);
    if (commands.length === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        options.kill();
      }, ackTimeoutMs());
      const answers: boolean[] = [];
      for (let index = 0; index < commands.length; index += 1) {
        waiting.push((ok) => {
          answers.push(ok);
          if (answers.length < commands.length) return;
          clearTimeout(timer);
          resolve(answers.every(Boolean));
        });
      }
      options.onWaiting?.(true);
      control.write(commands.map((command) => `${command}\n`).join(''));
    });
  };
  return {
    send: (command) => sendAll([command]),
    sendAll,
    sendSync(command) {
      if (!canSendSync()) return false;
      const startNs = monotonicNs();
      watchdog?.arm();
      // Node's end of the socket pair does not block; libuv expects it so again before the loop runs
      ackHandle?.setBlocking?.(true);
      try {
        writeSync(controlFd as number, `${command}\n`);
        for (;;) {
          const length = readSync(ackFd as number, ackBytes, 0, ackBytes.length, null);
          if (length === 0) {
            // perf has gone: killed by the watchdog when the wait reached the ack timeout
            if (Number(monotonicNs() - startNs) / 1e6 >= ackTimeoutMs()) timedOut = true;
            return false;
          }
          if (ackBytes.subarray(0, length).includes(0x0a)) return true;
        }
      } catch {
        // a write or read that failed (a socket that would not block): perf may or may not have taken
        // the command, and will not be asked again; killed, it ends, and its window says so
        options.kill();
        return false;
      } finally {
        ackHandle?.setBlocking?.(false);
        watchdog?.disarm();
      }
    },
    get canSendSync() {
      return canSendSync();
    },
    get timedOut() {
      return timedOut;
    },
    close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter(false);
    },
  };
}

const ackBytes = Buffer.alloc(64);

/** The file descriptor under a socket or pipe Node opened (a child's stdio); null where it has none. */
function fdOf(stream: Readable | Writable | null): number | null {
  const fd = (stream as { _handle?: { fd?: unknown } } | null)?._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/**
 * setTimeout's longest wait, 2^31 − 1 ms (24.8 days): a longer one fires at once, with Node's
 * TimeoutOverflowWarning, so PERFCELL_PERF_ACK_TIMEOUT_S=1e9 (meant as "never") killed every perf
 * 1 ms after its start, for not acknowledging "within 1000000000 s".
 */
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

/** How long perf may take to acknowledge a control command; PERFCELL_PERF_ACK_TIMEOUT_S overrides the 5 s (at most setTimeout's longest wait). */
export function ackTimeoutMs(): number {
  const seconds = Number(process.env['PERFCELL_PERF_ACK_TIMEOUT_S']);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, LONGEST_TIMEOUT_MS) : 5000;
}

/**
 * Why PERFCELL_PERF_ACK_TIMEOUT_S cannot be used, naming the fix; null where it is unset, empty
 * or a number of seconds ackTimeoutMs takes as it is. The commands refuse it before they start
 * (main.ts), and so do the library's entries (session/check-options.ts): `abc`, `0` or `-1` had
 * been taken for 5 s without a word.
 * @example ackTimeoutProblem({ PERFCELL_PERF_ACK_TIMEOUT_S: 'abc' })
 *   // "PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ 2147483, e.g. 10 (or unset it for 5 s), not 'abc'"
 */
export function ackTimeoutProblem(environment: NodeJS.ProcessEnv = process.env): string | null {
  const text = environment['PERFCELL_PERF_ACK_TIMEOUT_S'];
  if (text === undefined || text.trim() === '') return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds > 0 && seconds * 1000 <= LONGEST_TIMEOUT_MS) return null;
  return `PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ ${Math.floor(LONGEST_TIMEOUT_MS / 1000)}, e.g. 10 (or unset it for 5 s), not '${text}'`;
}

/** The error of a perf killed for not acknowledging (or, shared, for not starting to tick) within the ack timeout. */
export function noAckError(): PerfError {
  return new PerfError('PERF_NO_ACK', `perf did not acknowledge within ${ackTimeoutMs() / 1000} s and was killed (check perf alone: perfcell doctor)`);
}
