import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { awaitBackgroundCompiles } from '../../src/session/background-compiles.ts';
import { v8Collect } from '../../src/session/settle.ts';

// A file of its own: it turns on V8's --stress-flush-code for this worker, which flushes the bytecode
// of code that is not running at every GC, as V8 does to old code on its own.
describe('awaitBackgroundCompiles where V8 flushed its bytecode', () => {
  it('compiles its wait again (natives syntax allowed for that moment) instead of throwing a SyntaxError', () => {
    awaitBackgroundCompiles();
    const gc = v8Collect();
    expect(gc).not.toBeNull();
    v8.setFlagsFromString('--stress-flush-code');
    try {
      for (let round = 0; round < 3; round++) {
        for (let collection = 0; collection < 3; collection++) gc!();
        // (once in a suite run on a loaded machine: "SyntaxError: Unexpected token '%'")
        expect(() => awaitBackgroundCompiles()).not.toThrow();
      }
      // and the person's code still parses without natives syntax (a source of its own: V8's
      // compilation cache hands back the waiter itself for the waiter's source)
      expect(() => (new Function('return %IsBeingInterpreted()') as () => void)()).toThrow(SyntaxError);
    } finally {
      v8.setFlagsFromString('--no-stress-flush-code');
    }
  });
});
