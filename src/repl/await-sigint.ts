import type { REPLServer } from 'node:repl';
import { isIgnoredSignal } from '../session/ignored-signals.ts';
import { evaluateWithSigintListenersOff, type SigintListeners } from './sigint-listeners-off.ts';

type Eval = REPLServer['eval'];

/** The process's signals as this module uses them (process, or a fake in tests). */
export interface SigintSource extends SigintListeners {
  listenerCount(signal: 'SIGINT'): number;
  kill(pid: number, signal: 'SIGINT'): unknown;
  readonly pid: number;
}

/**
 * A SIGINT sent to the REPL's process ends a line's top-level await (or a `.timeit`: whatever
 * `isWaiting` says the REPL's 'SIGINT' would end), as a terminal's Ctrl-C does.
 * On a terminal readline reads Ctrl-C as a key and node:repl ends the await; where the input is not
 * a terminal (`perfcell repl < script.js` run from a shell, a script's pipe) the Ctrl-C is a signal,
 * which node:repl takes only while a line's synchronous part runs (its watchdog), so the process died
 * of it in an await: the line's report lost, the lines after it never run. Where nothing waits, the
 * signal does what it did (the process dies of it), unless another listener takes it (one a line
 * added: process.on('SIGINT', …)); where perfcell was started with SIGINT ignored
 * (session/ignored-signals.ts), it stays ignored.
 *
 * Every SIGINT listener is off while node:repl's watchdog runs the synchronous part, and put back
 * after, with those the line added (sigint-listeners-off.ts). Taken off from the start of node:repl's
 * eval, they left the signal's default action on while it parsed the line for await (acorn, 10-20
 * ms at the first line holding await) and compiled it, and a SIGINT then ended the process. Returns
 * the undo.
 */
export function endAwaitsOnSigint(server: REPLServer, isWaiting: () => boolean, signals: SigintSource = process): () => void {
  let closed = false;
  const isIgnored = isIgnoredSignal('SIGINT');
  const onSigint = (): void => {
    if (isIgnored) return;
    if (isWaiting()) {
      server.emit('SIGINT');
      return;
    }
    if (signals.listenerCount('SIGINT') > 1) return;
    // the signal's default, which this listener had taken away: the process ends by it
    signals.off('SIGINT', onSigint);
    signals.kill(signals.pid, 'SIGINT');
  };
  const innerEval = server.eval as Eval;
  const hookedEval: Eval = function (this: REPLServer, code, context, file, callback) {
    const self = this;
    // a function declaration, so its frame has a name (esbuild puts a single-use arrow in its place):
    // node:repl cuts a throw's stack at its lowest frame without a name, which must be the line's own
    // (an arrow here was lower, and left `at REPL3:1:1` and node's frames under a throw's)
    function evaluateLine(done: () => void): void {
      innerEval.call(self, code, context, file, (error, result) => {
        done();
        callback(error, result);
      });
    }
    evaluateWithSigintListenersOff(server, evaluateLine, (listener) => listener !== onSigint || !closed, signals);
  };
  Object.assign(server, { eval: hookedEval });
  signals.on('SIGINT', onSigint);
  return () => {
    closed = true;
    signals.off('SIGINT', onSigint);
  };
}
