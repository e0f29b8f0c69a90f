import type { InvalidSource, SourceLocation } from './typescript.ts';
import { columnBeforeRewrite } from './line-rewrite-columns.ts';

/**
 * The SyntaxError of TypeScript that does not compile, shaped as V8's own for a script named `file`:
 * `FILE:LINE`, the line as typed and a caret under the error, then `SyntaxError: MESSAGE`. node:repl
 * prints the line and caret (dropping `REPLn:LINE` as it does for V8's); the kernel's traceback
 * keeps the `cell:LINE` too. esbuild's message alone had said `Unexpected ")"` with no place.
 * `typed` is the code before its static imports were rewritten (static-imports.ts), whose line
 * is shown where esbuild read a rewritten one.
 * @example typeScriptSyntaxError({ kind: 'invalid', message: 'Unexpected ")"', location: { line: 1, column: 17, lineText: 'let x: number = )' } }, 'REPL3').stack
 * // 'REPL3:1\nlet x: number = )\n                ^\n\nSyntaxError: Unexpected ")"'
 */
export function typeScriptSyntaxError(invalid: InvalidSource, file: string, typed?: string): SyntaxError {
  const error = new SyntaxError(invalid.message);
  const location = invalid.location === undefined || typed === undefined ? invalid.location : locationAsTyped(invalid.location, typed);
  if (location !== undefined) {
    // a tab before the error stays a tab, as in node's caret line for V8's errors: a space for it stood a column a tab short
    const indent = location.lineText.slice(0, location.column - 1).replace(/[^\t]/g, ' ');
    error.stack = `${file}:${location.line}\n${location.lineText}\n${indent}^\n\n${error.name}: ${error.message}`;
  }
  return error;
}

/**
 * The location on the line as typed, where the static imports' rewrite (which keeps the lines)
 * changed the line esbuild read: `const { join } = await import("node:path"); let y: number = )`
 * for `import { join } from "node:path"; …`. An error inside the rewritten part keeps the line as read.
 */
function locationAsTyped(location: SourceLocation, typed: string): SourceLocation {
  const typedLine = typed.split('\n')[location.line - 1];
  if (typedLine === undefined) return location;
  const column = columnBeforeRewrite(typedLine, location.lineText, location.column);
  return column === null ? location : { line: location.line, column, lineText: typedLine };
}
