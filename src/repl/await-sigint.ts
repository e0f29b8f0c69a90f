import type { REPLServer } from 'node:repl';

type Eval = REPLServer['eval'];

/** The process's signals as this module uses them (process, or a fake in tests). */
export interface SigintSource {
  on(signal: 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGINT', listener: () => void): unknown;
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
 * of it in an await: the line's report lost, the lines after it never run. Where no line awaits, the
 * signal does what it did (the process dies of it), unless another listener of perfcell's takes it.
 *
 * The listener is off while node:repl's eval runs the synchronous part: vm takes every SIGINT
 * listener off around a breakOnSigint run, which resets the signal to its default (kill) over the
 * watchdog node:repl started just before (as the kernel's cell-engine.ts does). Returns the undo.
 */
export function endAwaitsOnSigint(server: REPLServer, isWaiting: () => boolean, signals: SigintSource = process): () => void {
  let closed = false;
  const onSigint = (): void => {
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
    signals.off('SIGINT', onSigint);
    try {
      innerEval.call(this, code, context, file, callback);
    } finally {
      if (!closed) signals.on('SIGINT', onSigint);
    }
  };
  Object.assign(server, { eval: hookedEval });
  signals.on('SIGINT', onSigint);
  return () => {
    closed = true;
    signals.off('SIGINT', onSigint);
  };
}
