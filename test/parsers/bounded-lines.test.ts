import { describe, expect, it } from 'vitest';
import { createBoundedLineSplitter } from '../../parsers/bounded-lines.ts';

describe('createBoundedLineSplitter', () => {
  it('cuts lines across chunk borders, keeps the last unterminated line for end()', () => {
    const lines = createBoundedLineSplitter(100);
    expect(lines.push(Buffer.from('a,1\nb,'))).toEqual(['a,1']);
    expect(lines.push(Buffer.from('2\r\n\nc'))).toEqual(['b,2\r', '']);
    expect(lines.end()).toEqual(['c']);
    expect(lines.longLines).toBe(0);
  });

  it('drops a line longer than the limit as it streams, counting it, and goes on after it', () => {
    const lines = createBoundedLineSplitter(8);
    const out = [...lines.push(Buffer.from('ok\n0123')), ...lines.push(Buffer.from('456789abc')), ...lines.push(Buffer.from('def\nnext\n'))];
    expect(out).toEqual(['ok', 'next']);
    expect(lines.longLines).toBe(1);
    expect(lines.push(Buffer.from('x'.repeat(20)))).toEqual([]);
    expect(lines.end()).toEqual([]);
    expect(lines.longLines).toBe(2);
  });

  it('counts control bytes, not tabs, newlines or UTF-8', () => {
    const lines = createBoundedLineSplitter();
    lines.push(Buffer.from('\u0000\u0001\t\r\nnaïve\u007f'));
    expect(lines.controlBytes).toBe(3);
    expect(lines.totalBytes).toBe(12);
  });

  it('every split point of a sample gives the same lines (linear, no rescans)', () => {
    const text = 'one\ntwo, three\n\nfour';
    for (let cut = 0; cut <= text.length; cut++) {
      const lines = createBoundedLineSplitter(64);
      const got = [...lines.push(Buffer.from(text.slice(0, cut))), ...lines.push(Buffer.from(text.slice(cut))), ...lines.end()];
      expect(got).toEqual(['one', 'two, three', '', 'four']);
    }
  });
});
