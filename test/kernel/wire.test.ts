import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConnectionFile, ConnectionFileError, endpointOf } from '../../src/kernel/connection.ts';
import { createHeader, decodeMessage, encodeMessage, signParts } from '../../src/kernel/wire.ts';

const KEY = 'b7ae8a0e-5d4c-4f23-9c55-0c8d1f0e7a11';

describe('Jupyter wire messages', () => {
  const header = { ...createHeader('execute_request', 'session-1', 'tester'), msg_id: 'm1', date: '2026-12-01T00:00:00.000Z' };
  const message = { identities: [Buffer.from('client-7')], header, parentHeader: {}, metadata: {}, content: { code: '1+1' } } as const;

  it('signs the four JSON parts with HMAC-SHA256, as jupyter_client does', () => {
    const frames = encodeMessage(KEY, message);
    expect(frames[0]!.toString()).toBe('client-7');
    expect(frames[1]!.toString()).toBe('<IDS|MSG>');
    const expected = createHmac('sha256', KEY).update(frames[3]!).update(frames[4]!).update(frames[5]!).update(frames[6]!).digest('hex');
    expect(frames[2]!.toString()).toBe(expected);
    expect(signParts('', ['x'])).toBe('');
  });

  it('reads back what it wrote, identities included', () => {
    const decoded = decodeMessage(encodeMessage(KEY, message), KEY);
    expect(decoded).toEqual({ message: { ...message, identities: [Buffer.from('client-7')], buffers: [] } });
  });

  it('drops a message with a wrong or missing signature before parsing it', () => {
    const frames = encodeMessage(KEY, message);
    expect(decodeMessage(frames, 'another-key')).toEqual({ problem: 'bad signature' });
    const tampered = [...frames];
    tampered[6] = Buffer.from('{"code":"process.exit()"}');
    expect(decodeMessage(tampered, KEY)).toEqual({ problem: 'bad signature' });
    const unsigned = [...frames];
    unsigned[2] = Buffer.from('');
    expect(decodeMessage(unsigned, KEY)).toEqual({ problem: 'bad signature' });
    expect(decodeMessage(frames.slice(0, 5), KEY)).toEqual({ problem: 'too few parts' });
    expect(decodeMessage([Buffer.from('x')], KEY)).toEqual({ problem: 'no delimiter' });
  });
});

describe('parseConnectionFile', () => {
  const file = { transport: 'tcp', ip: '127.0.0.1', key: KEY, signature_scheme: 'hmac-sha256', kernel_name: 'perfcell', shell_port: 50001, control_port: 50002, iopub_port: 50003, stdin_port: 50004, hb_port: 50005 };

  it('reads the ports, key and endpoints Jupyter writes', () => {
    const info = parseConnectionFile(JSON.stringify(file));
    expect(info).toEqual({ transport: 'tcp', ip: '127.0.0.1', key: KEY, signatureScheme: 'hmac-sha256', ports: { shell: 50001, control: 50002, iopub: 50003, stdin: 50004, hb: 50005 } });
    expect(endpointOf(info, 'hb')).toBe('tcp://127.0.0.1:50005');
    expect(endpointOf({ ...info, transport: 'ipc', ip: '/tmp/kernel' }, 'shell')).toBe('ipc:///tmp/kernel-50001');
  });

  it('says what is wrong, in words', () => {
    const fails = (text: string): string => {
      try {
        parseConnectionFile(text);
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(ConnectionFileError);
        return (error as Error).message;
      }
      throw new Error('parsed');
    };
    expect(fails('[]')).toBe("is not a JSON object (expected Jupyter's connection file)");
    expect(fails(JSON.stringify({ ...file, signature_scheme: 'hmac-md5' }))).toBe('asks for signature scheme "hmac-md5" (perfcell signs with hmac-sha256)');
    expect(fails(JSON.stringify({ ...file, hb_port: 70000 }))).toBe('has no valid "hb_port" (a whole number 1-65535; got 70000)');
    expect(fails(JSON.stringify({ ...file, transport: 'udp' }))).toBe('has transport "udp" (perfcell binds tcp or ipc)');
  });
});
