import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ackTimeoutMs, ackTimeoutProblem, createControlChannel } from '../../src/perf/control-channel.ts';

// The channel's bookkeeping of commands and acks, over in-memory streams standing in for perf's
// control and ack fds (what perf does with them is tested with real perf: shared-perf.test.ts,
// program-server.test.ts).

function channelOverStreams() {
  const control = new PassThrough({ encoding: 'utf8' });
  const ack = new PassThrough();
  let killed = 0;
  const channel = createControlChannel(control, ack, { kill: () => { killed += 1; } });
  const written = (): string => (control.read() as string | null) ?? '';
  return { channel, ack, written, killed: () => killed };
}

describe('control channel', () => {
  it('sendAll writes every command at once and answers once perf acked them all', async () => {
    const { channel, ack, written } = channelOverStreams();
    let answered: boolean | null = null;
    const sent = channel.sendAll(['enable pcA0', 'enable pcA1', 'enable pcA2']).then((ok) => { answered = ok; });
    expect(written()).toBe('enable pcA0\nenable pcA1\nenable pcA2\n');
    ack.write('ack\n\0ack\n\0');
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBeNull();
    ack.write('ack\n\0');
    await sent;
    expect(answered).toBe(true);
  });

  it('acks are matched to commands in order across sends', async () => {
    const { channel, ack } = channelOverStreams();
    const order: string[] = [];
    const first = channel.sendAll(['disable pcA0', 'disable pcA1']).then(() => order.push('first'));
    const second = channel.send('enable').then(() => order.push('second'));
    ack.write('ack\n\0ack\n\0');
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first']);
    ack.write('ack\n\0');
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('perf gone mid-way: the commands waiting answer false, later ones at once; none is an empty wait', async () => {
    const { channel, ack, killed } = channelOverStreams();
    const sent = channel.sendAll(['enable pcB0', 'enable pcB1']);
    ack.write('ack\n\0');
    await new Promise((resolve) => setImmediate(resolve));
    channel.close();
    expect(await sent).toBe(false);
    expect(await channel.sendAll(['disable pcB0'])).toBe(false);
    expect(killed()).toBe(0);
    const { channel: open } = channelOverStreams();
    expect(await open.sendAll([])).toBe(true);
  });
});

// a QA pass: PERFCELL_PERF_ACK_TIMEOUT_S=1e9 (meant as "never") gave setTimeout 1e12 ms, past its
// longest wait, which Node fires at once: every perf was killed 1 ms after its start for not
// acknowledging "within 1000000000 s"; and `abc`, `0` or `-1` were taken for 5 s without a word
describe('PERFCELL_PERF_ACK_TIMEOUT_S', () => {
  const withTimeout = <T>(value: string, read: () => T): T => {
    const saved = process.env['PERFCELL_PERF_ACK_TIMEOUT_S'];
    process.env['PERFCELL_PERF_ACK_TIMEOUT_S'] = value;
    try {
      return read();
    } finally {
      if (saved === undefined) delete process.env['PERFCELL_PERF_ACK_TIMEOUT_S'];
      else process.env['PERFCELL_PERF_ACK_TIMEOUT_S'] = saved;
    }
  };

  it('waits at most setTimeout\'s longest wait, not a longer one that fires at once', () => {
    expect(withTimeout('1e9', ackTimeoutMs)).toBe(2 ** 31 - 1);
    expect(withTimeout('2', ackTimeoutMs)).toBe(2000);
  });

  it('names a value it cannot wait by, and the fix', () => {
    for (const value of ['abc', '0', '-1', '1e9', 'Infinity']) {
      expect(ackTimeoutProblem({ PERFCELL_PERF_ACK_TIMEOUT_S: value })).toBe(`PERFCELL_PERF_ACK_TIMEOUT_S: give a number of seconds > 0 and ≤ 2147483, e.g. 10 (or unset it for 5 s), not '${value}'`);
    }
    for (const value of [undefined, '', '0.5', '30', '2147483']) expect(ackTimeoutProblem(value === undefined ? {} : { PERFCELL_PERF_ACK_TIMEOUT_S: value })).toBeNull();
  });
});
