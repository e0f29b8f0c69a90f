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
    error.stack = `${file}:${location.line}\n${location.lineText}\n${' '.repeat(location.column - 1)}^\n\n${error.name}: ${error.message}`;
  }
  return error;
}
