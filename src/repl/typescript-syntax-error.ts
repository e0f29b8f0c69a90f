import type { InvalidSource } from './typescript.ts';

/**
 * The SyntaxError of TypeScript that does not compile, shaped as V8's own for a script named `file`:
 * `FILE:LINE`, the line as typed and a caret under the error, then `SyntaxError: MESSAGE`. node:repl
 * prints the line and caret (dropping `REPLn:LINE` as it does for V8's); the kernel's traceback
 * keeps the `cell:LINE` too. esbuild's message alone had said `Unexpected ")"` with no place.
 * @example typeScriptSyntaxError({ kind: 'invalid', message: 'Unexpected ")"', location: { line: 1, column: 17, lineText: 'let x: number = )' } }, 'REPL3').stack
 * // 'REPL3:1\nlet x: number = )\n                ^\n\nSyntaxError: Unexpected ")"'
 */
export function typeScriptSyntaxError(invalid: InvalidSource, file: string): SyntaxError {
  const error = new SyntaxError(invalid.message);
  const location = invalid.location;
  if (location !== undefined) {
    // a tab before the error stays a tab, as in node's caret line for V8's errors: a space for it stood a column a tab short
    const indent = location.lineText.slice(0, location.column - 1).replace(/[^\t]/g, ' ');
    error.stack = `${file}:${location.line}\n${location.lineText}\n${indent}^\n\n${error.name}: ${error.message}`;
  }
  return error;
}
