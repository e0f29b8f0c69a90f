import { afterEach, describe, expect, it } from 'vitest';
import { captureOutput, type OutputCapture, type StreamName } from '../../src/kernel/output-capture.ts';

let capture: OutputCapture | null = null;
afterEach(() => {
  capture?.restore();
  capture = null;
});

// A QA pass: a cell's `console.log('start'); console.error('warn'); console.log('end')` came to
// the notebook as 'start\nend\n' and then 'warn\n': each stream was gathered apart over the turn,
// and stdout sent first, where the cell (and node on a terminal) wrote start, warn, end.
describe("the kernel's capture of a cell's output", () => {
  it('keeps the order of writes to stdout and stderr, gathering only runs of one stream', () => {
    const sent: [StreamName, string][] = [];
    capture = captureOutput((name, text) => sent.push([name, text]));
    process.stdout.write('start\n');
    process.stdout.write('more\n');
    process.stderr.write('warn\n');
    process.stdout.write('end\n');
    capture.flush();
    capture.restore();
    capture = null;
    expect(sent).toEqual([
      ['stdout', 'start\nmore\n'],
      ['stderr', 'warn\n'],
      ['stdout', 'end\n'],
    ]);
  });
});
