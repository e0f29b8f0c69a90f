import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The Jupyter messaging protocol version perfcell speaks. */
export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

export interface MessageHeader {
  readonly msg_id: string;
  readonly session: string;
  readonly username: string;
  readonly date: string;
  readonly msg_type: string;
  readonly version: string;
}

/** One Jupyter message: the routing identities it came with, and its four JSON parts. */
export interface JupyterMessage {
  readonly identities: readonly Buffer[];
  readonly header: MessageHeader;
  /** The header of the request this message answers; `{}` when it answers none. */
  readonly parentHeader: MessageHeader | Record<string, never>;
  readonly metadata: Record<string, unknown>;
  readonly content: Record<string, unknown>;
  readonly buffers: readonly Buffer[];
}

/** Why a received multipart message was dropped. */
export type WireProblem = 'no delimiter' | 'too few parts' | 'bad signature' | 'bad json';

/**
 * HMAC-SHA256 of the four JSON parts, hex; '' when the key is empty (signing off, as the
 * connection file allows).
 */
export function signParts(key: string, parts: readonly (Buffer | string)[]): string {
  if (key === '') return '';
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/**
 * Reads one multipart message as the zmq socket delivered it: identities, `<IDS|MSG>`, the
 * signature, header, parent header, metadata, content, buffers. The signature is checked first
 * (in constant time); a message that fails is never parsed.
 * @example decodeMessage(frames, key) // { message } or { problem: 'bad signature' }
 */
export function decodeMessage(frames: readonly Buffer[], key: string): { readonly message: JupyterMessage } | { readonly problem: WireProblem } {
  const at = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString('latin1') === DELIMITER);
  if (at === -1) return { problem: 'no delimiter' };
  const [signature, header, parent, metadata, content, ...buffers] = frames.slice(at + 1);
  if (signature === undefined || header === undefined || parent === undefined || metadata === undefined || content === undefined) return { problem: 'too few parts' };
  if (key !== '') {
    const expected = Buffer.from(signParts(key, [header, parent, metadata, content]), 'latin1');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { problem: 'bad signature' };
  }
  try {
    return {
      message: {
        identities: frames.slice(0, at),
        header: JSON.parse(header.toString('utf8')) as MessageHeader,
        parentHeader: JSON.parse(parent.toString('utf8')) as MessageHeader,
        metadata: JSON.parse(metadata.toString('utf8')) as Record<string, unknown>,
        content: JSON.parse(content.toString('utf8')) as Record<string, unknown>,
        buffers,
      },
    };
  } catch {
    return { problem: 'bad json' };
  }
}

/** The frames of a message to send: identities (or the iopub topic), delimiter, signature, parts. */
export function encodeMessage(key: string, message: Omit<JupyterMessage, 'buffers'>): Buffer[] {
  const parts = [message.header, message.parentHeader, message.metadata, message.content].map((part) => Buffer.from(JSON.stringify(part), 'utf8'));
  return [...message.identities, Buffer.from(DELIMITER), Buffer.from(signParts(key, parts), 'latin1'), ...parts];
}

/** A new header of `msgType` in `session`. */
export function createHeader(msgType: string, session: string, username = 'perfcell'): MessageHeader {
  return { msg_id: randomUUID(), session, username, date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}
