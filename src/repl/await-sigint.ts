import type { REPLServer } from 'node:repl';
import { isIgnoredSignal } from '../session/ignored-signals.ts';

type Eval = REPLServer['eval'];
type Listener = (...args: unknown[]) => void;

/** The process's signals as this module uses them (process, or a fake in tests). */
export interface SigintSource {
  on(signal: 'SIGINT', listener: Listener): unknown;
  off(signal: 'SIGINT', listener: Listener): unknown;
  rawListeners(signal: 'SIGINT'): Function[];
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
 * signal does what it did (the process dies of it), unless another listener of perfcell's takes it;
 * where perfcell was started with SIGINT ignored (session/ignored-signals.ts), it stays ignored.
 *
 * Every SIGINT listener is off while node:repl's eval runs the synchronous part, and put back after:
 * vm takes them off around a breakOnSigint run, which resets the signal to its default (kill) over
 * the watchdog node:repl started just before (as the kernel's cell-engine.ts says), and the watchdog,
 * stopped, leaves the signal to a handler of node's that ends the process; a listener vm had put
 * back before that, or one the line added, did not take it back (only a first listener installs Node's
 * handler). Returns the undo.
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
    const listeners = signals.rawListeners('SIGINT') as Listener[];
    for (const listener of listeners) signals.off('SIGINT', listener);
    try {
      innerEval.call(this, code, context, file, callback);
    } finally {
      // with those the line added (process.on('SIGINT', …)), which had come before the watchdog stopped
      const added = signals.rawListeners('SIGINT') as Listener[];
      for (const listener of added) signals.off('SIGINT', listener);
      for (const listener of [...listeners, ...added]) if (listener !== onSigint || !closed) signals.on('SIGINT', listener);
    }
  };
  Object.assign(server, { eval: hookedEval });
  signals.on('SIGINT', onSigint);
  return () => {
    closed = true;
    signals.off('SIGINT', onSigint);
  };
}
