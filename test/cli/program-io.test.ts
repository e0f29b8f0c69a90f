import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseInputWhere, parseOutputWhere } from '../../src/cli/program-io.ts';

describe("compare --input and --output WHERE, as hyperfine's", () => {
  it('reads null or a file for --input', () => {
    expect(parseInputWhere('null')).toBe('null');
    expect(parseInputWhere('words.txt')).toEqual({ file: 'words.txt' });
    expect(() => parseInputWhere('')).toThrow(InvalidArgumentError);
  });

  it("reads null, pipe, inherit (perfcell's stderr) or a path with a / for --output; a bare word is refused, naming ./WORD", () => {
    expect(parseOutputWhere('null')).toBe('null');
    expect(parseOutputWhere('pipe')).toBe('pipe');
    expect(parseOutputWhere('inherit')).toBe('stderr');
    expect(parseOutputWhere('./out.txt')).toEqual({ file: './out.txt' });
    expect(parseOutputWhere('/tmp/x/out-{n}.txt')).toEqual({ file: '/tmp/x/out-{n}.txt' });
    expect(() => parseOutputWhere('nul')).toThrow('give null, pipe, inherit, or a file\'s path with a / in it (./nul for a file in this folder)');
    expect(() => parseOutputWhere('')).toThrow('(./out.txt for a file in this folder)');
  });
});
