import { Publisher, Reply, Router } from 'zeromq';
import { endpointOf, type Channel, type ConnectionInfo } from './connection.ts';
import { decodeMessage, encodeMessage, type JupyterMessage, type WireProblem } from './wire.ts';

/** A port the kernel could not bind, with the fix. */
export class ChannelBindError extends Error {
  override readonly name = 'ChannelBindError';
  readonly code = 'PORT_IN_USE';
}

export interface Channels {
  /** Sends on a channel; sends are queued per socket (zmq allows one at a time). */
  send(channel: 'shell' | 'control' | 'stdin' | 'iopub', message: Omit<JupyterMessage, 'buffers'>): Promise<void>;
  /** Receives every valid message of a channel; bad ones go to onDropped and are never handled. */
  listen(channel: 'shell' | 'control' | 'stdin', handle: (message: JupyterMessage) => Promise<void> | void): Promise<void>;
  close(): void;
}

/**
 * Binds the five sockets of a connection file: shell, control and stdin as ROUTER, iopub as PUB,
 * heartbeat as REP echoing every ping. A port in use fails the whole bind with the port named.
 */
export async function bindChannels(info: ConnectionInfo, onDropped: (channel: Channel, problem: WireProblem) => void): Promise<Channels> {
  const sockets = {
    shell: new Router(),
    control: new Router(),
    stdin: new Router(),
    iopub: new Publisher(),
    hb: new Reply(),
  };
  for (const socket of Object.values(sockets)) socket.linger = 0;
  for (const [channel, socket] of Object.entries(sockets) as [Channel, { bind(address: string): Promise<void> }][]) {
    const endpoint = endpointOf(info, channel);
    try {
      await socket.bind(endpoint);
    } catch (error: unknown) {
      for (const other of Object.values(sockets)) other.close();
      const reason = (error as { code?: string }).code === 'EADDRINUSE' ? 'is in use' : `cannot be bound (${(error as Error).message})`;
      throw new ChannelBindError(`${channel} port ${endpoint} ${reason} (another kernel on the same connection file? let Jupyter start the kernel with fresh ports)`, { cause: error });
    }
  }

  void (async () => {
    for await (const frames of sockets.hb) await sockets.hb.send(frames);
  })().catch(() => undefined);

  const queues = new Map<string, Promise<void>>();
  return {
    send(channel, message) {
      const socket = sockets[channel];
      const frames = encodeMessage(info.key, message);
      const next = (queues.get(channel) ?? Promise.resolve()).then(() => socket.send(frames)).catch(() => undefined);
      queues.set(channel, next);
      return next;
    },
    async listen(channel, handle) {
      const socket = sockets[channel];
      try {
        for await (const frames of socket) {
          const decoded = decodeMessage(frames, info.key);
          if ('problem' in decoded) onDropped(channel, decoded.problem);
          else await handle(decoded.message);
        }
      } catch (error: unknown) {
        // Closing the socket ends the loop.
        if (!socket.closed) throw error;
      }
    },
    close() {
      for (const socket of Object.values(sockets)) socket.close();
    },
  };
}
