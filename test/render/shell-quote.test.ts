import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/render/shell-quote.ts';

describe('shellQuote', () => {
  it('leaves safe words bare and single-quotes the rest, so a hint pastes back as the same argv', () => {
    expect(shellQuote(['sh', '-c', 'exit 1'])).toBe("sh -c 'exit 1'");
    expect(shellQuote(['./rowcol', 'row', '1024'])).toBe('./rowcol row 1024');
    expect(shellQuote(['echo', "it's", '', '$HOME', 'a*b'])).toBe(`echo 'it'\\''s' '' '$HOME' 'a*b'`);
  });
});
