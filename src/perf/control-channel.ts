import type { Readable, Writable } from 'node:stream';
import { PerfError } from '../errors.ts';

/**
 * perf's `--control fd:CTL,ACK`: commands written to CTL, one `ack` line back on ACK for each.
 * A perf that never acknowledges (hung, stopped, a broken build) would block its command forever:
 * after the ack timeout it is killed, and the command answers false with `timedOut` set.
 */
export interface ControlChannel {
  /** Sends the command; true once perf acknowledged it, false where perf had gone or was killed for not answering. */
  send(command: 'enable' | 'disable'): Promise<boolean>;
  /** Whether a command went unanswered past the ack timeout (and perf was killed for it). */
  readonly timedOut: boolean;
  /** perf has gone: commands waiting answer false, later ones at once. */
  close(): void;
}

export interface ControlChannelOptions {
  /** Kills perf (SIGKILL) when a command goes unanswered. */
  readonly kill: () => void;
  /** Called with true when a command starts waiting for its ack and false when none waits any more (to hold the event loop only then). */
  readonly onWaiting?: (waiting: boolean) => void;
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
  return {
    send(command) {
      if (closed || control === null) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          timedOut = true;
          options.kill();
        }, ackTimeoutMs());
        waiting.push((ok) => {
          clearTimeout(timer);
          resolve(ok);
        });
        options.onWaiting?.(true);
        control.write(`${command}\n`);
      });
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

/** How long perf may take to acknowledge a control command; PERFCELL_PERF_ACK_TIMEOUT_S overrides the 5 s. */
export function ackTimeoutMs(): number {
  const seconds = Number(process.env['PERFCELL_PERF_ACK_TIMEOUT_S']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000;
}

/** The error of a perf killed for not acknowledging (or, shared, for not starting to tick) within the ack timeout. */
export function noAckError(): PerfError {
  return new PerfError('PERF_NO_ACK', `perf did not acknowledge within ${ackTimeoutMs() / 1000} s and was killed (check perf alone: perfcell doctor)`);
}
