import vm from 'node:vm';
import { loadEsbuild } from '../esbuild-on-demand.ts';

/** `true`: every command is TypeScript; `false`: plain JavaScript; `'auto'`: TypeScript only where JavaScript does not parse. */
export type TypeScriptMode = boolean | 'auto';

/** A command's code ready to run, or why it cannot be yet. */
export type PreparedSource =
  | { readonly kind: 'javascript'; readonly code: string; readonly transformed: boolean }
  /** Unfinished input (an open brace): the REPL should ask for more lines. */
  | { readonly kind: 'incomplete'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

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
export async function stripTypes(code: string, sourcefile = 'REPL'): Promise<PreparedSource> {
  const esbuild = loadEsbuild();
  for (let attempt = 0; ; attempt++) {
    try {
      beforeCompilerUse();
      const result = await esbuild.transform(code, { loader: 'ts', sourcefile });
      return { kind: 'javascript', code: result.code, transformed: true };
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
      return { kind: 'invalid', message: first };
    }
  }
}

/**
 * The code a command runs. In `'auto'` mode JavaScript passes untouched (esbuild is never loaded
 * for it); code that does not parse as JavaScript is tried as TypeScript.
 */
export async function prepareSource(code: string, mode: TypeScriptMode): Promise<PreparedSource> {
  if (mode === false || (mode === 'auto' && classifyJavaScript(code) === 'valid')) return { kind: 'javascript', code, transformed: false };
  return stripTypes(code);
}
