import { describe, expect, it } from 'vitest';
import { createBoundedLineSplitter, SNIFF_BYTES } from '../../parsers/bounded-lines.ts';

/**
 * The splitter decodes the whole lines of a chunk at once (latin1 when they are ASCII) and cuts the
 * text; this is the plain way it replaced: cut the bytes at each newline, decode each line apart.
 */
function splitLineByLine(bytes: Buffer, maxLineBytes: number): { lines: string[]; longLines: number } {
  const lines: string[] = [];
  let longLines = 0;
  let start = 0;
  for (;;) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    if (newline !== -1 || end > start) {
      if (end - start > maxLineBytes) longLines++;
      else lines.push(bytes.subarray(start, end).toString('utf8'));
    }
    if (newline === -1) return { lines, longLines };
    start = newline + 1;
  }
}

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Perf-like lines with the odd bytes a capture may hold: UTF-8 (fr_FR grouping), broken UTF-8, CR, NUL, long lines. */
function sampleBytes(next: () => number, lineCount: number): Buffer {
  const pieces: Buffer[] = [];
  const odd = [
    Buffer.from('     1,234\u202f567      cycles\r'),
    Buffer.from([0xe2, 0x80]), // a cut three-byte character
    Buffer.from([0xff, 0xfe, 0x41]),
    Buffer.from([0xf0, 0x9f, 0x98, 0x80]), // a four-byte character (two UTF-16 units)
    Buffer.from('\u0000\u0001\t'),
    Buffer.from('naïve événement'),
  ];
  for (let line = 0; line < lineCount; line++) {
    const roll = next();
    if (roll < 0.6) pieces.push(Buffer.from(`     ${(line / 10).toFixed(9)},${Math.floor(next() * 1e9)},,page-faults,85720814,100.00,,`));
    else if (roll < 0.9) pieces.push(odd[Math.floor(next() * odd.length)]!);
    else if (roll < 0.97) pieces.push(Buffer.alloc(Math.floor(next() * 300), next() < 0.5 ? 'x' : 'é'));
    // an empty line otherwise
    pieces.push(Buffer.from('\n'));
  }
  if (next() < 0.5) pieces.push(Buffer.from('last line without a newline'));
  return Buffer.concat(pieces);
}

describe('createBoundedLineSplitter: chunk decoding', () => {
  it('gives the lines and long-line count of decoding each line apart, at any chunking, ASCII or not', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const bytes = sampleBytes(next, 200);
      // limits that cut some of the 0-600 byte lines, in bytes (an é is two)
      const maxLineBytes = [64, 100, 257, 1000][seed % 4]!;
      const expected = splitLineByLine(bytes, maxLineBytes);
      const splitter = createBoundedLineSplitter(maxLineBytes);
      const got: string[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(next() * (next() < 0.3 ? 8 : 2000));
        // a copy, as a file reader that reuses its buffer would hand over
        got.push(...splitter.push(Buffer.from(bytes.subarray(at, at + size))));
        at += size;
      }
      got.push(...splitter.end());
      expect(got, `seed ${seed}`).toEqual(expected.lines);
      expect(splitter.longLines, `seed ${seed}`).toBe(expected.longLines);
      expect(splitter.totalBytes).toBe(bytes.length);
    }
  });

  it('counts a non-ASCII line by its bytes, not its characters', () => {
    // 40 characters, 80 bytes: over a 64-byte limit though under 64 characters
    const splitter = createBoundedLineSplitter(64);
    expect(splitter.push(Buffer.from(`ok\n${'é'.repeat(40)}\n${'é'.repeat(30)}\n`))).toEqual(['ok', 'é'.repeat(30)]);
    expect(splitter.longLines).toBe(1);
  });

  it('pushEach hands over the same lines as push', () => {
    const bytes = sampleBytes(random(7), 300);
    const lines: string[] = [];
    const each = createBoundedLineSplitter(200);
    for (let at = 0; at < bytes.length; at += 97) each.pushEach(bytes.subarray(at, at + 97), (line) => lines.push(line));
    lines.push(...each.end());
    expect(lines).toEqual(splitLineByLine(bytes, 200).lines);
  });

  it('counts control bytes in the first 64 KiB only, and says how many bytes it looked at', () => {
    const splitter = createBoundedLineSplitter();
    const text = Buffer.alloc(SNIFF_BYTES - 10, 'a');
    splitter.push(text);
    splitter.push(Buffer.alloc(100, 0));
    expect(splitter.controlBytes).toBe(10);
    expect(splitter.sniffedBytes).toBe(SNIFF_BYTES);
    expect(splitter.totalBytes).toBe(SNIFF_BYTES + 90);
  });
});
