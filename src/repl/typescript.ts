import vm from 'node:vm';
import { loadEsbuild } from '../esbuild-on-demand.ts';

/** `true`: every command is TypeScript; `false`: plain JavaScript; `'auto'`: TypeScript only where JavaScript does not parse. */
export type TypeScriptMode = boolean | 'auto';

/** A command's code ready to run, or why it cannot be yet. */
export type PreparedSource =
  | { readonly kind: 'javascript'; readonly code: string; readonly transformed: boolean; /** esbuild's source map (JSON) back to the code as typed, where asked for */ readonly map?: string }
  /** Unfinished input (an open brace): the REPL should ask for more lines. */
  | { readonly kind: 'incomplete'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string; readonly location?: SourceLocation };

/** Where a compile error lies in the code it was given: `line` 1-based, `column` 1-based in characters (UTF-16), and that line's text. */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
  readonly lineText: string;
}

/** How V8 reads a command as JavaScript. */
export type JavaScriptVerdict = 'valid' | 'incomplete' | 'invalid';

/**
 * Compiles only (nothing runs): as a script, as a parenthesised expression (`{ a: 1 }`), and,
 * when it awaits, as the body of an async function (the REPL's top-level await). 'incomplete'
 * is input that ends too early (an open brace or template), which the REPL continues on the
 * next line.
 * @example classifyJavaScript('function f() {') // 'incomplete'
 */
export function classifyJavaScript(code: string): JavaScriptVerdict {
  const compileError = (source: string): string | null => {
    try {
      new vm.Script(source);
      return null;
    } catch (error: unknown) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  const asScript = compileError(code);
  if (asScript === null || compileError(`(${code.trim()}\n)`) === null) return 'valid';
  const asAsync = code.includes('await') ? compileError(`(async () => {\n${code}\n})`) : asScript;
  if (asAsync === null) return 'valid';
  return [asScript, asAsync].some((message) => /^(Unexpected end of input|Unterminated template literal)/.test(message)) ? 'incomplete' : 'invalid';
}

interface EsbuildMessage {
  readonly text: string;
  /** `column` is 0-based in UTF-8 bytes of `lineText`. */
  readonly location?: { readonly line: number; readonly column: number; readonly lineText: string } | null;
}

/** esbuild's location as characters: its column counts bytes, so a line with 'é' before the error had pointed past it. */
function locationOf(message: EsbuildMessage | undefined): SourceLocation | undefined {
  const location = message?.location;
  if (location === undefined || location === null) return undefined;
  const column = Buffer.from(location.lineText).subarray(0, location.column).toString().length + 1;
  return { line: location.line, column, lineText: location.lineText };
}

/** Whether esbuild's service process is running (started by the first transform, again after stop()). */
let compilerRunning = false;
const beforeCompilerStarts = new Set<() => void>();

/**
 * Calls `listener` just before esbuild's service process starts (on first use, or again after it
 * died). That process is a child of this one: started while a perf armed ahead counts this process
 * (counting off until the next command enables it), it would inherit that perf's counters, and its
 * own idle wake-ups (some 30 context switches a second here) would be counted in the command. The
 * REPL drops such an armed window, so the command's perf attaches after the service is there.
 */
export function onCompilerStart(listener: () => void): () => void {
  beforeCompilerStarts.add(listener);
  return () => {
    beforeCompilerStarts.delete(listener);
  };
}

/**
 * Tells the onCompilerStart listeners, where esbuild's service is not running yet, that it is about
 * to start: called before each use of esbuild's async transform in the measured process.
 */
export function beforeCompilerUse(): void {
  if (compilerRunning) return;
  compilerRunning = true;
  for (const listener of beforeCompilerStarts) listener();
}

/**
 * esbuild's errors for code that more lines could finish: 'Unexpected end of file' (`type T = {`),
 * 'Expected ">" but found end of file' (`enum E {`, `class C implements I {`, `function f<T>(x: T`),
 * and an open block comment. Only the first was taken: those others were called invalid, so the
 * REPL threw at the first line of a multi-line enum, and the kernel told jupyter console to run it.
 */
const ENDS_TOO_EARLY = /^(unexpected end of file|expected .* but found end of file|expected "\*\/" to terminate multi-line comment)$/i;

/**
 * Strips TypeScript types with esbuild's transform (loader 'ts'), which keeps top-level const,
 * let and class as they are (so they persist across REPL lines) and leaves top-level await to
 * the REPL. esbuild is imported on first use only: it costs about 11 MiB of RSS in the measured
 * process. The async transform talks to esbuild's service process; transformSync would start a
 * worker thread inside the measured process.
 */
export async function stripTypes(code: string, sourcefile = 'REPL', withMap = false): Promise<PreparedSource> {
  return transformAs('ts', code, sourcefile, withMap);
}

/** A compile error of code that is neither JavaScript nor TypeScript. */
export type InvalidSource = Extract<PreparedSource, { kind: 'invalid' }>;

/**
 * Whether code that V8 refused and esbuild refused as TypeScript (`typeScriptError`) is TypeScript
 * with an error of its own: esbuild reads it further as TypeScript than as JavaScript. Its
 * JavaScript error is then at the first type (`let x: number = )` was "Unexpected token ':'", at
 * the ':'), where TypeScript's names the real one; plain JavaScript fails at the same place both
 * ways, and keeps V8's error, as node's REPL words it.
 */
export async function isTypeScriptError(code: string, typeScriptError: InvalidSource): Promise<boolean> {
  const typeScriptAt = typeScriptError.location;
  if (typeScriptAt === undefined) return false;
  const asJavaScript = await transformAs('js', code, 'REPL');
  if (asJavaScript.kind !== 'invalid' || asJavaScript.location === undefined) return false;
  const javaScriptAt = asJavaScript.location;
  return typeScriptAt.line > javaScriptAt.line || (typeScriptAt.line === javaScriptAt.line && typeScriptAt.column > javaScriptAt.column);
}

async function transformAs(loader: 'ts' | 'js', code: string, sourcefile: string, withMap = false): Promise<PreparedSource> {
  const esbuild = loadEsbuild();
  for (let attempt = 0; ; attempt++) {
    try {
      beforeCompilerUse();
      const result = await esbuild.transform(code, { loader, sourcefile, ...(withMap ? { sourcemap: 'external' as const } : {}) });
      return withMap ? { kind: 'javascript', code: result.code, transformed: true, map: result.map } : { kind: 'javascript', code: result.code, transformed: true };
    } catch (error: unknown) {
      const errors = (error as { errors?: readonly EsbuildMessage[] }).errors;
      const first = errors?.[0]?.text;
      if (first === undefined) {
        // The service died (Ctrl-C reaches it too: it shares our process group); start it again once.
        if (attempt === 0) {
          await esbuild.stop();
          compilerRunning = false;
          continue;
        }
        throw error;
      }
      if (ENDS_TOO_EARLY.test(first)) return { kind: 'incomplete', message: first };
      const location = locationOf(errors?.[0]);
      return location === undefined ? { kind: 'invalid', message: first } : { kind: 'invalid', message: first, location };
    }
  }
}

/**
 * The code a command runs. In `'auto'` mode JavaScript passes untouched (esbuild is never loaded
 * for it); code that does not parse as JavaScript is tried as TypeScript, with esbuild's source
 * map where `withMap`.
 */
export async function prepareSource(code: string, mode: TypeScriptMode, withMap = false): Promise<PreparedSource> {
  if (mode === false || (mode === 'auto' && classifyJavaScript(code) === 'valid')) return { kind: 'javascript', code, transformed: false };
  return stripTypes(code, 'REPL', withMap);
}
