/** What Jupyter's connection file says: where to bind the five channels and how to sign. */
export interface ConnectionInfo {
  readonly transport: 'tcp' | 'ipc';
  readonly ip: string;
  readonly key: string;
  readonly signatureScheme: 'hmac-sha256';
  readonly ports: Readonly<Record<Channel, number>>;
}

export type Channel = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';
export const CHANNELS: readonly Channel[] = ['shell', 'control', 'iopub', 'stdin', 'hb'];

/** A connection file that cannot be used, with what is wrong in it; the caller adds the path. */
export class ConnectionFileError extends Error {
  override readonly name = 'ConnectionFileError';
  readonly code = 'BAD_CONNECTION_FILE';
}

/**
 * Parses a connection file's text. Ports must be whole numbers 1–65535 (Jupyter picks them);
 * `key` may be empty only with an empty `signature_scheme` check skipped by Jupyter itself.
 * @example parseConnectionFile('{"transport":"tcp","ip":"127.0.0.1","key":"k","signature_scheme":"hmac-sha256","shell_port":1,"control_port":2,"iopub_port":3,"stdin_port":4,"hb_port":5}').ports.shell // 1
 */
export function parseConnectionFile(text: string): ConnectionInfo {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error: unknown) {
    throw new ConnectionFileError(`is not JSON (${(error as Error).message}); Jupyter writes it, start the kernel from Jupyter or pass the file it wrote`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ConnectionFileError('is not a JSON object (expected Jupyter\'s connection file)');
  const record = data as Record<string, unknown>;
  const transport = record['transport'] ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') throw new ConnectionFileError(`has transport ${JSON.stringify(transport)} (perfcell binds tcp or ipc)`);
  const ip = record['ip'] ?? '127.0.0.1';
  if (typeof ip !== 'string' || ip === '') throw new ConnectionFileError('has no "ip" string (e.g. "127.0.0.1")');
  const key = record['key'] ?? '';
  if (typeof key !== 'string') throw new ConnectionFileError('has a "key" that is not a string');
  const scheme = record['signature_scheme'] ?? 'hmac-sha256';
  if (scheme !== 'hmac-sha256') throw new ConnectionFileError(`asks for signature scheme ${JSON.stringify(scheme)} (perfcell signs with hmac-sha256)`);
  const ports = {} as Record<Channel, number>;
  for (const channel of CHANNELS) {
    const port = record[`${channel}_port`];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConnectionFileError(`has no valid "${channel}_port" (a whole number 1-65535; got ${JSON.stringify(port)})`);
    }
    ports[channel] = port;
  }
  return { transport, ip, key, signatureScheme: 'hmac-sha256', ports };
}

/** The zmq endpoint of one channel: `tcp://127.0.0.1:5555`, or `ipc://kernel-5555` (Jupyter's ipc naming). */
export function endpointOf(info: ConnectionInfo, channel: Channel): string {
  const port = info.ports[channel];
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
