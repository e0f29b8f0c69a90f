import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Publisher, Reply, Router } from 'zeromq';
import { endpointOf, type Channel, type ConnectionInfo } from './connection.ts';
import type { ControlWorkerData, FromControlWorker, ToControlWorker } from './control-worker.ts';
import { parentPidFromEnv } from './parent-watch.ts';
import { decodeMessage, encodeMessage, type JupyterMessage, type WireProblem } from './wire.ts';

/** A port the kernel could not bind, with the fix. */
export class ChannelBindError extends Error {
  override readonly name = 'ChannelBindError';
  readonly code = 'PORT_IN_USE';
}

export interface Channels {
  /** Sends on a channel; sends are queued per socket (zmq allows one at a time). */
  send(channel: 'shell' | 'control' | 'stdin' | 'iopub', message: Omit<JupyterMessage, 'buffers'>): Promise<void>;
  /** Receives every valid message of a channel, one at a time; bad ones go to onDropped and are never handled. */
  listen(channel: 'shell' | 'control' | 'stdin', handle: (message: JupyterMessage) => Promise<void> | void): Promise<void>;
  /** Closes every socket, control and heartbeat after their last replies. */
  close(): Promise<void>;
}

export interface ChannelEvents {
  readonly onDropped: (channel: Channel, problem: WireProblem) => void;
  /** The control thread turned an interrupt_request into a SIGINT (and answered it). */
  readonly onInterruptRequest?: () => void;
  readonly onProblem?: (message: string) => void;
}

/**
 * The worker's file: beside this module (the bundle's dist/app/control-worker.js, tsc's
 * dist/src/kernel, or the .ts source under a TypeScript loader), else tsc's output next to the
 * bundle; null when the build has neither.
 */
function findControlWorker(): URL | null {
  const candidates = [import.meta.url.endsWith('.ts') ? './control-worker.ts' : './control-worker.js', '../src/kernel/control-worker.js'];
  for (const candidate of candidates) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

type MainSockets = { readonly shell: Router; readonly stdin: Router; readonly iopub: Publisher };

/** Control and heartbeat on this thread: answered between cells only. The fallback when the worker's file is missing. */
async function withMainThreadControl(info: ConnectionInfo, main: MainSockets, events: ChannelEvents): Promise<Channels> {
  const sockets = { ...main, control: new Router(), hb: new Reply() };
  for (const channel of ['control', 'hb'] as const) {
    const endpoint = endpointOf(info, channel);
    sockets[channel].linger = 0;
    try {
      await sockets[channel].bind(endpoint);
    } catch (error: unknown) {
      for (const socket of Object.values(sockets)) socket.close();
      throw bindFailure(channel, endpoint, (error as { code?: string }).code === 'EADDRINUSE', (error as Error).message);
    }
  }
  void (async () => {
    for await (const frames of sockets.hb) await sockets.hb.send(frames);
  })().catch(() => undefined);
  const queues = new Map<string, Promise<void>>();
  return {
    send(channel, message) {
      const socket = sockets[channel];
      const next = (queues.get(channel) ?? Promise.resolve()).then(() => socket.send(encodeMessage(info.key, message))).catch(() => undefined);
      queues.set(channel, next);
      return next;
    },
    async listen(channel, handle) {
      await readSigned(sockets[channel], channel, info.key, events, handle);
    },
    async close() {
      for (const socket of Object.values(sockets)) socket.close();
    },
  };
}

const bindFailure = (channel: Channel, endpoint: string, inUse: boolean, message: string): ChannelBindError =>
  new ChannelBindError(`${channel} port ${endpoint} ${inUse ? 'is in use' : `cannot be bound (${message})`} (another kernel on the same connection file? let Jupyter start the kernel with fresh ports)`);

/**
 * Binds the five sockets of a connection file: shell and stdin (ROUTER) and iopub (PUB) on this
 * thread; control (ROUTER) and heartbeat (REP) on a worker thread (control-worker.ts), so that an
 * interrupt_request and heartbeat pings are answered while a cell keeps this thread busy. A port
 * in use fails the whole bind with the channel and port named.
 */
export async function bindChannels(info: ConnectionInfo, session: string, events: ChannelEvents): Promise<Channels> {
  const sockets = { shell: new Router(), stdin: new Router(), iopub: new Publisher() };
  for (const socket of Object.values(sockets)) socket.linger = 0;
  const closeAll = (): void => {
    for (const socket of Object.values(sockets)) socket.close();
  };
  for (const [channel, socket] of Object.entries(sockets) as ['shell' | 'stdin' | 'iopub', { bind(address: string): Promise<void> }][]) {
    const endpoint = endpointOf(info, channel);
    try {
      await socket.bind(endpoint);
    } catch (error: unknown) {
      closeAll();
      throw bindFailure(channel, endpoint, (error as { code?: string }).code === 'EADDRINUSE', (error as Error).message);
    }
  }

  const data: ControlWorkerData = { controlEndpoint: endpointOf(info, 'control'), hbEndpoint: endpointOf(info, 'hb'), key: info.key, session, parentPid: parentPidFromEnv() };
  const workerFile = findControlWorker();
  if (workerFile === null) {
    events.onProblem?.('the control thread (control-worker.js) is missing from this build: control and heartbeat are read between cells, and only SIGINT stops a busy cell');
    return withMainThreadControl(info, sockets, events);
  }
  const worker = new Worker(workerFile, { workerData: data });
  worker.unref();
  let controlHandler: ((message: JupyterMessage) => Promise<void> | void) | null = null;
  let controlQueue: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    worker.once('error', (error) => {
      closeAll();
      reject(error);
    });
    worker.on('message', (message: FromControlWorker) => {
      switch (message.kind) {
        case 'bound':
          resolve();
          break;
        case 'bind-failed':
          closeAll();
          void worker.terminate();
          reject(bindFailure(message.channel, message.endpoint, message.inUse, message.message));
          break;
        case 'dropped':
          events.onDropped('control', message.problem as WireProblem);
          break;
        case 'interrupted':
          events.onInterruptRequest?.();
          break;
        case 'message': {
          const decoded = decodeMessage(message.frames.map((frame) => Buffer.from(frame)), info.key);
          const handle = controlHandler;
          if ('problem' in decoded) events.onDropped('control', decoded.problem);
          else if (handle !== null) controlQueue = controlQueue.then(() => handle(decoded.message)).catch(() => undefined);
          break;
        }
      }
    });
  });

  const queues = new Map<string, Promise<void>>();
  return {
    send(channel, message) {
      const frames = encodeMessage(info.key, message);
      if (channel === 'control') {
        worker.postMessage({ kind: 'send', frames } satisfies ToControlWorker);
        return Promise.resolve();
      }
      const socket = sockets[channel];
      const next = (queues.get(channel) ?? Promise.resolve()).then(() => socket.send(frames)).catch(() => undefined);
      queues.set(channel, next);
      return next;
    },
    async listen(channel, handle) {
      if (channel === 'control') {
        controlHandler = handle;
        return;
      }
      await readSigned(sockets[channel], channel, info.key, events, handle);
    },
    async close() {
      closeAll();
      // The worker closes its sockets itself (a zmq socket alive at exit aborts the process).
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ kind: 'close' } satisfies ToControlWorker);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await worker.terminate();
    },
  };
}

/**
 * Hands each correctly signed message of `socket` to `handle`, in order; a badly signed one is
 * dropped and reported, never handled. Closing the socket ends the loop.
 */
async function readSigned(
  socket: AsyncIterable<Buffer[]> & { readonly closed: boolean },
  channel: Channel,
  key: string,
  events: { onDropped(channel: Channel, problem: string): void },
  handle: (message: JupyterMessage) => Promise<void> | void,
): Promise<void> {
  try {
    for await (const frames of socket) {
      const decoded = decodeMessage(frames, key);
      if ('problem' in decoded) events.onDropped(channel, decoded.problem);
      else await handle(decoded.message);
    }
  } catch (error: unknown) {
    if (!socket.closed) throw error;
  }
}
