/**
 * The control and heartbeat channels on a thread of their own, so that they answer while a cell
 * holds the main thread in synchronous code: an interrupt_request becomes a SIGINT to this
 * process (which node:repl's breakEvalOnSigint watchdog turns into the cell's interruption, as
 * for interrupt_mode signal), and heartbeat pings are echoed. Every other control message is
 * passed to the main thread, which answers through this thread; a shutdown_request that the main
 * thread does not get to is carried out from here (endHeldKernel).
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Reply, Router } from 'zeromq';
import { ownSignalTarget } from '../proc/signal-target.ts';
import { watchParent } from './parent-watch.ts';
import { createHeader, decodeMessage, encodeMessage } from './wire.ts';

/** What the main thread gives the worker. */
export interface ControlWorkerData {
  readonly controlEndpoint: string;
  readonly hbEndpoint: string;
  readonly key: string;
  readonly session: string;
  /** JPY_PARENT_PID, watched here too (see watchParentFromHere). */
  readonly parentPid: number | undefined;
}

/** Messages from the worker to the main thread. */
export type FromControlWorker =
  | { readonly kind: 'bound' }
  | { readonly kind: 'bind-failed'; readonly channel: 'control' | 'hb'; readonly endpoint: string; readonly inUse: boolean; readonly message: string }
  | { readonly kind: 'dropped'; readonly problem: string }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'message'; readonly frames: readonly Uint8Array[] };

/** Messages from the main thread: frames to send on control. */
export type ToControlWorker = { readonly kind: 'send'; readonly frames: readonly Uint8Array[] } | { readonly kind: 'close' };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const data = workerData as ControlWorkerData;
  const control = new Router();
  const hb = new Reply();
  control.linger = 0;
  hb.linger = 0;
  for (const [channel, socket, endpoint] of [['control', control, data.controlEndpoint], ['hb', hb, data.hbEndpoint]] as const) {
    try {
      await socket.bind(endpoint);
    } catch (error: unknown) {
      control.close();
      hb.close();
      const message: FromControlWorker = { kind: 'bind-failed', channel, endpoint, inUse: (error as { code?: string }).code === 'EADDRINUSE', message: (error as Error).message };
      port.postMessage(message);
      return;
    }
  }
  port.postMessage({ kind: 'bound' } satisfies FromControlWorker);
  // The kernel's process group where it leads one, as ipykernel interrupts and KernelManager kills:
  // a cell's children (execSync's) get the signal too. An interrupt_request reached the kernel
  // alone, and a cell waiting on `sleep 8` went on for its 8 s (interrupt_mode signal, a SIGINT to
  // the group from KernelManager, stopped it at once).
  const target = ownSignalTarget();
  watchParentFromHere(data.parentPid, target);

  let sending: Promise<unknown> = Promise.resolve();
  const send = (frames: readonly Uint8Array[]): void => {
    sending = sending.then(() => control.send(frames.map((frame) => Buffer.from(frame)))).catch(() => undefined);
  };
  // The timers of a shutdown the main thread has not carried out yet; cleared once it has.
  const pending: NodeJS.Timeout[] = [];
  port.on('message', (message: ToControlWorker) => {
    if (message.kind === 'send') send(message.frames);
    // Closed here, after the last replies are out: sockets left open when the process exits abort it.
    else
      void sending.then(() => {
        for (const timer of pending) clearTimeout(timer);
        control.linger = 200;
        control.close();
        hb.close();
        port.close();
      });
  });
  void (async () => {
    for await (const frames of hb) await hb.send(frames);
  })().catch(() => undefined);

  for await (const frames of control) {
    const decoded = decodeMessage(frames, data.key);
    if ('problem' in decoded) {
      port.postMessage({ kind: 'dropped', problem: decoded.problem } satisfies FromControlWorker);
      continue;
    }
    const request = decoded.message;
    if (request.header.msg_type === 'interrupt_request') {
      process.kill(target, 'SIGINT');
      send(encodeMessage(data.key, { identities: request.identities, header: createHeader('interrupt_reply', data.session), parentHeader: request.header, metadata: {}, content: { status: 'ok' } }));
      port.postMessage({ kind: 'interrupted' } satisfies FromControlWorker);
      continue;
    }
    port.postMessage({ kind: 'message', frames } satisfies FromControlWorker);
    if (request.header.msg_type === 'shutdown_request') {
      const content = { status: 'ok', restart: request.content['restart'] === true };
      const answer = async (): Promise<void> => {
        send(encodeMessage(data.key, { identities: request.identities, header: createHeader('shutdown_reply', data.session), parentHeader: request.header, metadata: {}, content }));
        await sending;
        // zmq's send settles once the reply is queued: let its I/O thread put it on the wire.
        await new Promise((resolve) => setTimeout(resolve, 50));
      };
      // Killed, its group goes too, as KernelManager kills a kernel that does not shut down.
      pending.push(...endHeldKernel('a shutdown_request', SHUTDOWN_GRACE_MS, { interrupt: target, kill: target }, answer));
    }
  }
}

/**
 * How long a shutdown_request waits for the main thread before it interrupts the cell holding it,
 * and then before it ends the kernel: an idle main thread shuts down within some tens of ms of
 * getting the request (and ends this thread, which clears the timers), but a cell spinning in
 * synchronous code (`while (true) {}`) holds it. The kernel then spun on, unanswered, until the
 * cell ended: for ever for a client that sends shutdown_request alone (`KernelClient.shutdown()`),
 * and KernelManager, which interrupts first, killed a cell's wait on a child that ignores SIGINT
 * and SIGTERM only at the end of its 5 s grace.
 */
const SHUTDOWN_GRACE_MS = 500;

/** How long the main thread has to act on its own watch, and then on the interruption. */
const ORPHAN_GRACE_MS = 2000;

/**
 * The kernel's end when its Jupyter is gone, while a cell holds the main thread: the main thread
 * watches its parent (kernel.ts) but cannot look while a cell spins in synchronous code, and the
 * kernel then spun on orphaned, its perf counting, until killed. This thread always looks: where
 * the process is still here ORPHAN_GRACE_MS after the parent went (a main thread that could look
 * has shut down and ended this thread by then), it interrupts the cell as interrupt_request does
 * (`target`: the cell's children too), so the main thread gets to its own clean shutdown, and ends
 * the process if that did not come either (endHeldKernel).
 */
function watchParentFromHere(parentPid: number | undefined, target: number): void {
  // Killed, the kernel alone: what its cell started is left, as ipykernel leaves it.
  watchParent((why) => void endHeldKernel(why, ORPHAN_GRACE_MS, { interrupt: target, kill: process.pid }), { parentPid });
}

/**
 * The end of a kernel whose main thread is held by a cell: where the process is still here
 * `graceMs` after `why`, the cell is interrupted, as interrupt_request does, so the main thread
 * gets to its own clean exit; where that does not come within `graceMs` more either (a child that
 * ignores SIGINT waited on synchronously), `beforeKill` runs (a last reply) and the process is
 * killed (its perf dies with it, PR_SET_PDEATHSIG). Each signal goes to its target: a pid, or the
 * kernel's group (-pid), which takes the cell's children too. Returns the two timers.
 */
function endHeldKernel(why: string, graceMs: number, targets: { readonly interrupt: number; readonly kill: number }, beforeKill: () => Promise<void> = async () => undefined): NodeJS.Timeout[] {
  const interrupt = setTimeout(() => {
    writeSync(2, `perfcell kernel: ${why} while a cell held the kernel: interrupting it to exit\n`);
    process.kill(targets.interrupt, 'SIGINT');
  }, graceMs);
  const kill = setTimeout(() => {
    writeSync(2, 'perfcell kernel: the cell did not stop at the interruption: killing the kernel\n');
    void beforeKill().finally(() => process.kill(targets.kill, 'SIGKILL'));
  }, 2 * graceMs);
  return [interrupt, kill];
}

void main();
