import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputGate } from '../../src/repl/input-gate.ts';

function gateOver(): { source: PassThrough; gate: InputGate; seen: string[] } {
  const source = new PassThrough();
  const gate = new InputGate(source);
  const seen: string[] = [];
  gate.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
  return { source, gate, seen };
}
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InputGate', () => {
  it('passes input through a line at a time', async () => {
    const { source, seen } = gateOver();
    source.write('a = 1\rb = 2\r\nc');
    await tick();
    expect(seen).toEqual(['a = 1\r', 'b = 2\r\n', 'c']);
  });

  it('holds the lines after one that starts a command until released', async () => {
    const { source, gate, seen } = gateOver();
    gate.on('data', (chunk: Buffer) => {
      if (chunk.toString().endsWith('\r')) gate.hold(); // each line starts a command
    });
    source.write('first\rsecond\rthird');
    await tick();
    expect(seen).toEqual(['first\r']);
    gate.release();
    expect(seen).toEqual(['first\r', 'second\r']);
    gate.release();
    expect(seen).toEqual(['first\r', 'second\r', 'third']);
  });

  it('lets Ctrl-C through while holding (it interrupts a top-level await)', async () => {
    const { source, gate, seen } = gateOver();
    gate.hold();
    source.write('typed ahead\x03');
    await tick();
    expect(seen).toEqual(['\x03']);
    gate.release();
    expect(seen).toEqual(['\x03', 'typed ahead']);
  });

  it('ends only after the held input is out', async () => {
    const { source, gate, seen } = gateOver();
    let ended = false;
    gate.on('end', () => (ended = true));
    gate.hold();
    source.end('last\r');
    await tick();
    expect(ended).toBe(false);
    gate.release();
    expect(seen).toEqual(['last\r']);
    expect(ended).toBe(true);
  });
});
