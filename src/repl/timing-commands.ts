import type { REPLServer } from 'node:repl';
import { inspect } from 'node:util';
import vm from 'node:vm';
import type { TimeitResult } from '../session/timeit.ts';
import type { ReplMeasurement } from './measured-eval.ts';
import { createScopeTools } from './scope-tools.ts';
import { stripTypes, type TypeScriptMode } from './typescript.ts';
import { ASYNC_WAYS } from '../session/async-ways.ts';

/** Given each finished `.timeit`: `repl --json` prints its figures as a line among the reports. */
export type OnTimed = (code: string, result: TimeitResult) => void;

/**
 * `.timeit CODE` (IPython's %timeit line magic: the code run as a function, in batches, with each
 * counter and the GC per call) and `.live on|off` (the live status line of long commands). Returns
 * whether a `.timeit` times now (the REPL's 'SIGINT' stops it).
 */
export function defineTimingCommands(
  server: REPLServer,
  measurement: ReplMeasurement,
  stderrIsTty: boolean = process.stderr.isTTY === true,
  gate?: { hold(): void; release(): void },
  onTimed?: OnTimed,
  typescript: TypeScriptMode = 'auto',
): () => boolean {
  let isTiming = false;
  const say = (text: string): void => {
    server.output.write(`${text}\n`);
    server.displayPrompt();
  };
  const tools = createScopeTools(() => measurement.measure);

  server.defineCommand('timeit', {
    help: 'Time code like IPython\'s %timeit, with each counter and the GC per call: .timeit Math.sqrt(2)',
    action(text: string) {
      const code = text.trim();
      if (code === '') {
        say('give code to time, e.g. .timeit Math.sqrt(2)');
        return;
      }
      let fn: (() => unknown) | undefined;
      let syntaxError: SyntaxError | undefined;
      try {
        fn = compile(code, server);
      } catch (error: unknown) {
        // code the REPL takes as a line, TypeScript, is taken here too: it had been a SyntaxError
        // ('.timeit (xs as number[]).length': Unexpected identifier 'as'; a QA pass)
        if (error instanceof SyntaxError && typescript !== false) syntaxError = error;
        else {
          say(`.timeit: ${compileErrorText(error, code)}`);
          return;
        }
      }
      // The input waits until the timing is out, as it does for a command: a line typed or piped
      // meanwhile ran during the timing (and was counted with its work), and input that ended
      // meanwhile ended the REPL before the timing was printed (a QA pass).
      gate?.hold();
      // Ctrl-C stops the timing after the batch it falls into, as it interrupts a command: node:repl's
      // own answer, at a prompt with nothing typed, said '(To exit, press Ctrl+C again …)', and a
      // second Ctrl-C ended the session while the timing went on (a QA pass)
      const stop = new AbortController();
      const replSigint = server.listeners('SIGINT') as ((...args: unknown[]) => void)[];
      server.removeAllListeners('SIGINT');
      const onSigint = (): void => stop.abort();
      server.on('SIGINT', onSigint);
      isTiming = true;
      const compiled = fn !== undefined ? Promise.resolve(fn) : compileTypeScript(code, server, syntaxError as SyntaxError);
      compiled.then((timed) => tools.timeit(timed, { signal: stop.signal })).then(
        (result) => {
          onTimed?.(code, result);
          say(inspect(result));
        },
        (error: unknown) => say(`.timeit: ${compileErrorText(error, code)}`),
      ).finally(() => {
        isTiming = false;
        server.off('SIGINT', onSigint);
        for (const listener of replSigint) server.on('SIGINT', listener);
        gate?.release();
      });
    },
  });

  server.defineCommand('live', {
    help: 'Show or turn the live status line of long commands on or off: .live off',
    action(text: string) {
      const wanted = text.trim();
      if (wanted === '') {
        say(`live: ${measurement.measure.live === true ? 'on' : 'off'}${stderrIsTty ? '' : ' (stderr is not a terminal)'}`);
        return;
      }
      if (wanted !== 'on' && wanted !== 'off') {
        say('give on or off, e.g. .live off');
        return;
      }
      if (wanted === 'on' && !stderrIsTty) {
        say('live: off (it is drawn only when stderr is a terminal)');
        return;
      }
      measurement.configure({ ...measurement.measure, live: wanted === 'on' });
      say(`live: ${wanted} (from the next command)`);
    },
  });
  return () => isTiming;
}

/** `.timeit`'s refusal of code that awaits, with the ways to measure it. */
const AWAITS_REFUSED = `timeit times synchronous code (this code awaits): ${ASYNC_WAYS}`;

/**
 * What `.timeit` says of code it could not compile, or of its timing's failure. Code that awaits is
 * refused as an async function is, with the ways to measure it: V8's 'await is only valid in async
 * functions and the top level bodies of modules' read as if the line could not await (a QA pass),
 * its 'Unexpected reserved word' for a `for await` as if the code were wrong (a review), and an
 * `await (p)` ran and said 'await is not defined' (a review).
 */
function compileErrorText(error: unknown, code: string): string {
  if (error instanceof Error && ((error.name === 'SyntaxError' && awaits(code)) || isAwaitCalled(error))) return AWAITS_REFUSED;
  return error instanceof Error ? error.message : String(error);
}

/** Whether code compiles only in an async function, as compile() makes it an expression or a block (compiled, never run). */
function awaits(code: string): boolean {
  const compiles = (body: string): boolean => {
    try {
      new Function(body);
      return true;
    } catch {
      return false;
    }
  };
  const forms = [`(${code}\n)`, `{${code}\n}`];
  return !forms.some((form) => compiles(`() => ${form}`)) && forms.some((form) => compiles(`async () => ${form}`));
}

/**
 * Whether the timed code's first call threw as `await (p)` does outside an async function: it
 * compiles there, a call of a function named await (a script's await is a name), and throws
 * 'await is not defined' when run; so does TypeScript's `await (p as any)`, stripped to that call.
 */
function isAwaitCalled(error: Error): boolean {
  return error.name === 'ReferenceError' && error.message === 'await is not defined';
}

/** Runs a function's source in the REPL's scope, returning the function. */
function runIn(server: REPLServer, source: string): () => unknown {
  return (server.useGlobal ? vm.runInThisContext(source) : vm.runInContext(source, server.context)) as () => unknown;
}

/** The code as a function in the REPL's scope: an expression if it is one, else a block of statements. */
function compile(code: string, server: REPLServer): () => unknown {
  try {
    return runIn(server, `(() => (${code}\n))`);
  } catch (error: unknown) {
    if (!(error instanceof SyntaxError)) throw error;
    return runIn(server, `(() => {${code}\n})`);
  }
}

/**
 * compile() of TypeScript: its types stripped as the REPL strips a line's (esbuild); JavaScript's
 * own SyntaxError where it is not TypeScript either. TypeScript that compiles only in an async
 * function is refused as code that awaits: it had JavaScript's error for it ('.timeit const q:
 * number = await p' said 'Missing initializer in const declaration').
 */
async function compileTypeScript(code: string, server: REPLServer, javaScriptError: SyntaxError): Promise<() => unknown> {
  const forms = [`(${code}\n)`, `{${code}\n}`];
  for (const form of forms) {
    const prepared = await stripTypes(`(() => ${form})`, '.timeit');
    if (prepared.kind === 'javascript') return runIn(server, prepared.code);
  }
  for (const form of forms) {
    if ((await stripTypes(`(async () => ${form})`, '.timeit')).kind === 'javascript') throw new SyntaxError(AWAITS_REFUSED);
  }
  throw javaScriptError;
}
