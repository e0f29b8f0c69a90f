/**
 * The control and heartbeat channels on a thread of their own, so that they answer while a cell
 * holds the main thread in synchronous code: an interrupt_request becomes a SIGINT to this
 * process (which node:repl's breakEvalOnSigint watchdog turns into the cell's interruption, as
 * for interrupt_mode signal), and heartbeat pings are echoed. Every other control message is
 * passed to the main thread, which answers through this thread.
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
  port.on('message', (message: ToControlWorker) => {
    if (message.kind === 'send') send(message.frames);
    // Closed here, after the last replies are out: sockets left open when the process exits abort it.
    else
      void sending.then(() => {
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
  }
}

/** How long the main thread has to act on its own watch, and then on the interruption. */
const ORPHAN_GRACE_MS = 2000;

/**
 * The kernel's end when its Jupyter is gone, while a cell holds the main thread: the main thread
 * watches its parent (kernel.ts) but cannot look while a cell spins in synchronous code, and the
 * kernel then spun on orphaned, its perf counting, until killed. This thread always looks: where
 * the process is still here ORPHAN_GRACE_MS after the parent went (a main thread that could look
 * has shut down and ended this thread by then), it interrupts the cell as interrupt_request does
 * (`target`: the cell's children too), so the main thread gets to its own clean shutdown, and ends
 * the process if that did not come either (a child that ignores SIGINT waited on synchronously;
 * the kernel alone, what it started left as ipykernel's parent poller leaves it; its perf dies
 * with it, PR_SET_PDEATHSIG).
 */
function watchParentFromHere(parentPid: number | undefined, target: number): void {
  watchParent((why) => {
    setTimeout(() => {
      writeSync(2, `perfcell kernel: ${why} while a cell held the kernel: interrupting it to exit\n`);
      process.kill(target, 'SIGINT');
      setTimeout(() => {
        writeSync(2, 'perfcell kernel: the cell did not stop at the interruption: killing the kernel\n');
        process.kill(process.pid, 'SIGKILL');
      }, ORPHAN_GRACE_MS);
    }, ORPHAN_GRACE_MS);
  }, { parentPid });
}

void main();
