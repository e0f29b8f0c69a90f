import { PassThrough } from 'node:stream';
import type { ReadStream } from 'node:tty';
import { describe, expect, it } from 'vitest';
import { InputGate } from '../../src/repl/input-gate.ts';

/** A terminal's input as readline sees it: a stream with raw mode to switch. */
function terminalInput(): PassThrough & { isTTY: true; isRaw: boolean; setRawMode(mode: boolean): ReadStream } {
  const input = Object.assign(new PassThrough(), {
    isTTY: true as const,
    isRaw: false,
    setRawMode(mode: boolean): ReadStream {
      input.isRaw = mode;
      return input as unknown as ReadStream;
    },
  });
  return input;
}

/** A turn of the event loop: what was written to the source has been read. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What the gate passes on to readline, in order, as strings; and the suspend-key calls among them. */
function record(gate: InputGate): string[] {
  const seen: string[] = [];
  gate.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
  gate.beforeSuspendKey(() => seen.push('<suspend>'));
  return seen;
}

describe('InputGate', () => {
  it('holds input while a command runs and lets it through a line at a time; Ctrl-C passes at once', async () => {
    const source = terminalInput();
    const gate = new InputGate(source);
    const seen = record(gate);
    // as the REPL does: a line starts a command, which holds the input until its report is out
    gate.on('data', (chunk: Buffer) => {
      if (chunk.toString().endsWith('\n')) gate.hold();
    });
    gate.hold();
    source.write('1+1\n2+2\n\x03');
    await turn();
    expect(seen).toEqual(['\x03']);
    gate.release();
    expect(seen).toEqual(['\x03', '1+1\n']);
    gate.release();
    expect(seen).toEqual(['\x03', '1+1\n', '2+2\n']);
  });

  it('tells of Ctrl-Z in raw mode just before readline gets it, held or not; not in line mode', async () => {
    const source = terminalInput();
    const gate = new InputGate(source);
    const seen = record(gate);
    gate.setRawMode(true);
    source.write('x\x1a');
    await turn();
    expect(seen).toEqual(['<suspend>', 'x\x1a']);
    // held while a command runs: told when it goes on, not when it arrives
    gate.hold();
    source.write('\x1a');
    await turn();
    expect(seen).toHaveLength(2);
    gate.release();
    expect(seen.slice(2)).toEqual(['<suspend>', '\x1a']);
    // line mode (a command's synchronous run): the terminal itself sends SIGTSTP, the byte is data
    gate.setRawMode(false);
    source.write('\x1a');
    await turn();
    expect(seen.slice(4)).toEqual(['\x1a']);
  });

  it('calls onInput for every chunk but a Ctrl-Z alone', async () => {
    const source = terminalInput();
    const gate = new InputGate(source);
    let inputs = 0;
    gate.onInput(() => inputs++);
    gate.setRawMode(true);
    source.write('a');
    source.write('\x1a');
    source.write('b\x1a');
    await turn();
    expect(inputs).toBe(2);
  });
});
