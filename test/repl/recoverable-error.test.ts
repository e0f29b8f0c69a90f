import { Recoverable } from 'node:repl';
import { describe, expect, it } from 'vitest';
import { endedTooEarly } from '../../src/repl/recoverable-error.ts';

describe('endedTooEarly', () => {
  it('gives the parse error of a Recoverable (whose own message is empty) and says the input ends too early', () => {
    // before: " (the cell ends too early)", the parse error lost
    expect(endedTooEarly(new Recoverable(new SyntaxError('Unexpected end of input')), 'the cell').message).toBe('Unexpected end of input (the cell ends too early)');
    expect(endedTooEarly(new Recoverable(new SyntaxError('')), 'the code').message).toBe('Unexpected end of input (the code ends too early)');
    expect(endedTooEarly(new Recoverable(new SyntaxError('x')), 'the code')).toBeInstanceOf(SyntaxError);
  });
});
