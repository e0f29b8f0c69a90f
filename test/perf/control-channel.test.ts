import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createControlChannel } from '../../src/perf/control-channel.ts';

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
