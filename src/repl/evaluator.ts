import repl, { Recoverable } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import { exposeGc } from './expose-gc.ts';
import { prepareSource, type TypeScriptMode } from './typescript.ts';
import { rewriteStaticImports } from './static-imports.ts';
import { typeScriptSyntaxError } from './typescript-syntax-error.ts';
import { endedTooEarly } from './recoverable-error.ts';
import { createLineTypeScriptImports } from './typescript-imports.ts';
import { createTypedPositions, type PositionStep } from './typed-positions.ts';
import { checkEvaluatorOptions } from '../session/check-options.ts';

type EvalCallback = (error: Error | null, result?: unknown) => void;

export interface EvaluatorOptions {
  /** `'auto'` (default): TypeScript only where the code does not parse as JavaScript. */
  readonly typescript?: TypeScriptMode;
  /**
   * Stack traces name the nth evaluation `FILENAME[n]` (default `cell`: `cell[1]`, `cell[2]`, …),
   * each one its own name, as a notebook's cells are named: a frame of an earlier evaluation (its
   * function, called by a later one) is at the line and column of the code as given, TypeScript too.
   */
  readonly filename?: string;
  /** Where errors thrown later by callbacks of earlier code go (default stderr). */
  readonly uncaughtOutput?: NodeJS.WritableStream;
}

/** The REPL's evaluation without the REPL: one process, one scope, one source string at a time. */
export interface Evaluator {
  /**
   * Runs `code` in the shared (global) scope, as one REPL command: top-level const, let, class
   * and function declarations stay for later calls, and top-level await works; resolves with the
   * completion value once the awaited promise settles, rejects with exactly what the code threw
   * (a SyntaxError where it does not parse). Calls queue: one evaluation at a time.
   */
  evaluate(code: string): Promise<unknown>;
  /** Ends its REPL; an evaluate() after it is refused. */
  close(): void;
}

/**
 * The evaluation `perfcell repl` uses, for running cells in one persistent scope: node:repl's own
 * eval (its top-level await rewriting, its scoping), driven directly. node:repl hands a thrown
 * value to its domain's error handler rather than to the eval callback; that handler formats the
 * value with the REPL's writer before printing it, which is where it is taken from here.
 * @example
 * const evaluator = createEvaluator();
 * await evaluator.evaluate('const n: number = 20');
 * await evaluator.evaluate('await Promise.resolve(n + 1)'); // 21
 */
export function createEvaluator(options: EvaluatorOptions = {}): Evaluator {
  checkEvaluatorOptions(options, 'evaluator');
  exposeGc();
  const typescript = options.typescript ?? 'auto';
  const filename = options.filename ?? 'cell';
  const uncaughtOutput = options.uncaughtOutput ?? process.stderr;
  let pending: { reject: (error: unknown) => void; thrown: { value: unknown } | null } | null = null;

  // The REPL prints errors here: an evaluation's own error is its promise's rejection; anything
  // else (a timer of an earlier cell throwing) is passed on.
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (pending === null) uncaughtOutput.write(chunk);
      done();
    },
  });
  const server = repl.start({ prompt: '', input: new PassThrough(), output, terminal: false, useGlobal: true, ignoreUndefined: true });
  // local TypeScript modules from the working directory, as the REPL loads them (it refused './matrix.ts')
  const typescriptImports = createLineTypeScriptImports();
  /** Errors whose stack is mapped already: one thrown again would be mapped a second time. */
  const mapped = new WeakSet<Error>();
  // a TypeScript source's frames, at its positions as given (esbuild's strip and the imports' rewrites taken back)
  const typedPositions = createTypedPositions();
  /** The error, its stack at the positions as given: a stack through a TypeScript module names its own lines, as the REPL's does (the compiled code's had been named). */
  const typedError = (error: Error): Error => {
    if (typeof error.stack === 'string' && !mapped.has(error)) {
      mapped.add(error);
      error.stack = typescriptImports.rewriteStack(typedPositions.typedStack(error.stack));
    }
    return error;
  };
  const originalWriter = server.writer;
  const originalEval = server.eval as (code: string, context: object, file: string, callback: EvalCallback) => void;
  const originalDisplayPrompt = server.displayPrompt.bind(server);
  Object.assign(server, {
    writer: Object.assign((value: unknown): string => {
      if (value instanceof Error) typedError(value);
      if (pending !== null && pending.thrown === null) pending.thrown = { value };
      return originalWriter.call(server, value);
    }, { options: (originalWriter as { options?: unknown }).options }),
    // The REPL's error handler asks for a prompt once it has printed a throw: the evaluation failed.
    displayPrompt(preserveCursor?: boolean): void {
      const failed = pending;
      if (failed === null) {
        originalDisplayPrompt(preserveCursor);
        return;
      }
      pending = null;
      failed.reject(failed.thrown === null ? new Error('the code threw, and the REPL did not say what') : failed.thrown.value);
    },
  });

  let queue: Promise<unknown> = Promise.resolve();
  let isClosed = false;
  let evaluations = 0;
  const run = async (code: string, file: string): Promise<unknown> => {
    const imported = rewriteStaticImports(code);
    const source = await prepareSource(imported, typescript, true);
    if (source.kind !== 'javascript') throw source.kind === 'invalid' ? typeScriptSyntaxError(source, file, code) : new SyntaxError(source.message);
    const prepared = await typescriptImports.prepare(source.code, server.context);
    // how the code that runs was made of the source as given, as the REPL records a line's
    const steps: PositionStep[] = [{ kind: 'rewrite', before: code, after: imported }];
    if (source.map !== undefined) steps.push({ kind: 'map', map: source.map });
    steps.push({ kind: 'rewrite', before: source.code, after: prepared });
    typedPositions.ran(file, steps, code);
    return new Promise((resolve, reject) => {
      pending = { reject, thrown: null };
      originalEval.call(server, prepared, server.context, file, (error, result) => {
        if (pending === null) return;
        pending = null;
        if (error === null) resolve(result);
        // V8's SyntaxError in code esbuild let through comes here, not through the writer
        else reject(error instanceof Recoverable ? endedTooEarly(error, 'the code') : typedError(error));
      });
    });
  };

  return {
    evaluate(code) {
      // (its scope and REPL are gone: it had run on in them)
      if (isClosed) return Promise.reject(new Error('evaluate() after close(): create another evaluator (createEvaluator)'));
      evaluations += 1;
      const file = `${filename}[${evaluations}]`;
      const result = queue.then(() => run(code, file));
      queue = result.catch(() => undefined);
      return result;
    },
    close() {
      isClosed = true;
      server.close();
    },
  };
}
