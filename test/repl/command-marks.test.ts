import repl from 'node:repl';
import { PassThrough } from 'node:stream';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { markCommand, MARK, START_MARK, unmarkStack } from '../../src/repl/command-marks.ts';

type EvalCallback = (error: Error | null, result?: unknown) => void;

/** node:repl's own eval (top-level await, its object-literal wrap, completion values), on `code`. */
function evalInRepl(server: repl.REPLServer, code: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (server.eval as unknown as (code: string, context: vm.Context, file: string, callback: EvalCallback) => void).call(server, code, server.context, 'REPL1', (error, result) => (error ? reject(error) : resolve(result)));
  });
}

describe('the marks around a REPL command (node:repl evaluates it, real)', () => {
  const cases: Array<[string, string]> = [
    ['an expression', '1 + 1'],
    ['a declaration (no value)', 'const fresh = 5'],
    ['the declared name after it', 'declared * 2'],
    ['an object literal, as node:repl reads it', '{ a: 1, b: [2] }'],
    ['a block that only looks like an object', '{ let inner = 3; inner * 2 }'],
    ['a line ending in a comment', '40 + 2 // the answer'],
    ['a statement ending with a semicolon', "'text';"],
    ['top-level await', 'await Promise.resolve(7)'],
    ['an object literal with an await inside', '{ v: await Promise.resolve(8) }'],
    ['a function declaration', 'function named() { return 1 }'],
  ];

  it.each(cases)('%s: the value the REPL prints is the same with the marks as without', async (_name, code) => {
    const plain = repl.start({ input: new PassThrough(), output: new PassThrough(), terminal: false, prompt: '' });
    const marked = repl.start({ input: new PassThrough(), output: new PassThrough(), terminal: false, prompt: '' });
    const calls: number[] = [];
    Object.defineProperty(marked.context, MARK, { value: (which: number) => (calls.push(which), 0), enumerable: false });
    try {
      // the name used needs declaring in both scopes
      if (code.includes('declared')) {
        await evalInRepl(plain, 'var declared = 5');
        await evalInRepl(marked, markCommand('var declared = 5').code);
        calls.length = 0;
      }
      const expected = await evalInRepl(plain, code);
      const command = markCommand(code);
      expect(await evalInRepl(marked, command.code)).toEqual(expected);
      expect(calls).toEqual(command.ended ? [0, 1] : [0]);
      expect(command.ended).toBe(!code.includes('await'));
      // nothing of the marks' shows in the scope
      expect(Object.keys(marked.context).filter((key) => key.includes('perfcell'))).toEqual([]);
    } finally {
      plain.close();
      marked.close();
    }
  });

  it("puts no mark before a directive ('use strict' would become a plain string), and shifts its first line by the mark's length all the same", () => {
    const command = markCommand("'use strict'; undefinedName = 1");
    expect(command).toMatchObject({ started: false, ended: false });
    expect(command.code.length).toBe("'use strict'; undefinedName = 1".length + START_MARK.length);
    // still strict: the assignment to an undeclared name throws
    expect(() => vm.runInContext(command.code, vm.createContext({}))).toThrow(/undefinedName is not defined/);
  });

  it('moves the first-line columns of marked files back to the columns as typed, and only theirs', () => {
    const shifted = 21 + START_MARK.length;
    const stack = `Error: boom\n    at f (REPL3:1:${shifted})\n    at REPL3:2:5\n    at g (REPL2:1:${shifted})`;
    expect(unmarkStack(stack, new Set(['REPL3']))).toBe(`Error: boom\n    at f (REPL3:1:21)\n    at REPL3:2:5\n    at g (REPL2:1:${shifted})`);
  });

  it('names the column an error was thrown at as typed, once the stack is moved back', () => {
    const context = vm.createContext({});
    Object.defineProperty(context, MARK, { value: () => 0 });
    const code = "function f() { throw new Error('boom') }\nf()";
    let stack = '';
    try {
      vm.runInContext(markCommand(code).code, context, { filename: 'REPL9' });
    } catch (error: unknown) {
      stack = (error as Error).stack ?? '';
    }
    // `new Error` starts at column 22 of the line as typed
    expect(unmarkStack(stack, new Set(['REPL9']))).toContain('at f (REPL9:1:22)');
  });
});
