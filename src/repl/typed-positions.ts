import { createPositionMapper, type SourcePosition } from '../../parsers/source-map-lines.ts';
import { columnBeforeRewrite } from './line-rewrite-columns.ts';

/**
 * One step from a command as typed to the code that ran: a rewrite that keeps the lines (static
 * imports, a local TypeScript module's import), or esbuild's strip, with its source map (JSON).
 */
export type PositionStep = { readonly kind: 'rewrite'; readonly before: string; readonly after: string } | { readonly kind: 'map'; readonly map: string };

/** The positions of commands that ran as other code than typed, by the file name each ran under. */
export interface TypedPositions {
  /** Records that `file` ran the code that `steps`, in order, made of what was typed (`typed`, where given, for a SyntaxError's line). */
  ran(file: string, steps: readonly PositionStep[], typed?: string): void;
  /**
   * A stack with the frames of such commands (`FILE:LINE:COLUMN`, its mark taken out) at the line
   * and column as typed, and a SyntaxError's head (`FILE:LINE`, the line, a caret) at the line as typed.
   */
  typedStack(stack: string): string;
}

/**
 * V8's SyntaxError head, as a stack begins with it before node:repl takes off its first line:
 * `FILE:LINE`, the line of the code that ran, and a caret (after the line's tabs and spaces) under
 * the error. FILE is all of the line before its last `:LINE`: a module's path may hold spaces and
 * parentheses (`/home/me/my lab (v2)/mod.ts:24`).
 */
const SYNTAX_HEAD = /^(.+):(\d+)\n(.*)\n([ \t]*)(\^+)\n/;

/** Where a position in code that ran was typed: its line and column, and that line's text. */
export type TypedAt = (file: string, line: number, column: number) => (SourcePosition & { readonly text: string }) | null;

/**
 * `stack` with its SyntaxError head (SYNTAX_HEAD) at the line as typed, the caret under the error,
 * where `typedAt` takes its file's position back; else `stack` as it was. A SyntaxError V8 raised in
 * code esbuild let through (a decorator, which Node 20 lacks) showed esbuild's reprint of the code,
 * at its line: `@dec class D {` for `@dec class D { size: number = 1 }`, `cell[3]:1` for a decorator
 * typed on line 2 under an interface, `mod.ts:24` for one on line 2 of an imported module.
 * TypeScript's own syntax errors show the line as typed (typescript-syntax-error.ts); so does this one.
 */
export function typedSyntaxHead(stack: string, typedAt: TypedAt): string {
  const head = SYNTAX_HEAD.exec(stack);
  if (head === null) return stack;
  const [whole, file = '', line = '', , before = '', caret = ''] = head;
  const typed = typedAt(file, Number(line), before.length + 1);
  if (typed === null) return stack;
  const indent = typed.text.slice(0, typed.column - 1).replace(/[^\t]/g, ' ');
  return `${file}:${typed.line}\n${typed.text}\n${indent}${caret}\n${stack.slice(whole.length)}`;
}

type Back = (line: number, column: number) => SourcePosition | null;

/** A step taken back: a position in the code it made to one in the code it was given. */
function stepBack(step: PositionStep): Back {
  if (step.kind === 'map') return createPositionMapper((JSON.parse(step.map) as { mappings: string }).mappings).map;
  const before = step.before.split('\n');
  const after = step.after.split('\n');
  return (line, column) => {
    const at = columnBeforeRewrite(before[line - 1] ?? '', after[line - 1] ?? '', column);
    return at === null ? null : { line, column: at };
  };
}

/**
 * esbuild rewrites the code it strips (`(o as any).b.c` is `o.b.c`, an interface's lines are gone),
 * and the imports' rewrites move the code after them on their line, so a REPL line's frames named
 * positions in code nobody typed: `f (REPL1:1:22)` for a `c` typed at column 51. Each REPL line
 * runs under a file of its own (REPLn), as a notebook cell does (`cell[N]`), whose steps are exact;
 * a name that runs a second command cannot tell which command a frame is in, so its frames stay
 * as they ran.
 */
export function createTypedPositions(): TypedPositions {
  const backs = new Map<string, Back | null>();
  const typedLines = new Map<string, readonly string[]>();
  const typedAt: TypedAt = (file, line, column) => {
    const position = backs.get(file)?.(line, column);
    const text = position == null ? undefined : typedLines.get(file)?.[position.line - 1];
    return position == null || text === undefined ? null : { ...position, text };
  };
  return {
    ran(file, steps, typed) {
      const changing = steps.filter((step) => step.kind === 'map' || step.before !== step.after).map(stepBack).reverse();
      const back: Back | null = changing.length === 0
        ? null
        : (line, column) => changing.reduce<SourcePosition | null>((position, each) => (position === null ? null : each(position.line, position.column)), { line, column });
      backs.set(file, backs.has(file) ? null : back);
      if (typed !== undefined) typedLines.set(file, typed.split('\n'));
    },
    typedStack(stack) {
      return typedSyntaxHead(stack, typedAt).replace(/([^\s()]+):(\d+):(\d+)/g, (whole, file: string, line: string, column: string) => {
        const position = backs.get(file)?.(Number(line), Number(column));
        return position == null ? whole : `${file}:${position.line}:${position.column}`;
      });
    },
  };
}
