type Listener = (...args: unknown[]) => void;

/** The process's SIGINT listeners as this module uses them (process, or a fake in tests). */
export interface SigintListeners {
  on(signal: 'SIGINT', listener: Listener): unknown;
  off(signal: 'SIGINT', listener: Listener): unknown;
  rawListeners(signal: 'SIGINT'): Function[];
}

/**
 * Takes every SIGINT listener off before node:repl's eval runs code, for `putSigintListenersBack`
 * after it. With a listener on, vm takes it off around a breakOnSigint run, which resets the signal
 * to its default (kill) over the watchdog node:repl started just before, so a SIGINT in the code's
 * synchronous part ended the process; and a listener vm put back, or one the code added, came
 * before the watchdog stopped and left the signal to a handler of node's that ends the process
 * (only a first listener installs Node's handler), so a SIGINT after it did too. The REPL and the
 * kernel's cells run their code so, through evaluateWithSigintListenersOff.
 */
export function takeSigintListenersOff(signals: SigintListeners = process): Listener[] {
  const listeners = signals.rawListeners('SIGINT') as Listener[];
  for (const listener of listeners) signals.off('SIGINT', listener);
  return listeners;
}

/** Puts back the listeners taken off, and those the code added (process.on('SIGINT', …)), where `isKept` keeps them. */
export function putSigintListenersBack(listeners: readonly Listener[], isKept: (listener: Listener) => boolean, signals: SigintListeners = process): void {
  const added = signals.rawListeners('SIGINT') as Listener[];
  for (const listener of added) signals.off('SIGINT', listener);
  for (const listener of [...listeners, ...added]) if (isKept(listener)) signals.on('SIGINT', listener);
}

/**
 * Calls `evaluate` (node:repl's own eval on `server`) with every SIGINT listener off only while
 * node:repl's watchdog runs: taken off when node:repl reads `server.breakEvalOnSigint`, just before
 * it starts its watchdog, once it has parsed the code for top-level await (acorn: 10-20 ms at the
 * first line holding await, a few ms for a long cell) and compiled it; put back as `putSigintListenersBack`
 * does at the eval's callback (`done`, which node:repl calls once the watchdog has stopped), or as
 * the eval returns. Taken off around the whole eval, they left the signal's default action on
 * through that parse and compile, and node's exiting handler through the callback (the value
 * shown), and a SIGINT then ended the process. Code that does not compile reaches no watchdog and
 * keeps them on throughout.
 * `evaluate` must be a function declaration, not an arrow: node:repl cuts a throw's stack at its
 * lowest frame without a function name, which must be the line's own, and esbuild's bundle leaves an
 * arrow passed here without one (36bdd7e: 'at REPL2:1:1' and node's frames under a throw's).
 * @example function evaluateLine(done) { eval(code, context, file, (e, r) => { done(); callback(e, r) }) }
 * evaluateWithSigintListenersOff(server, evaluateLine, () => true)
 */
export function evaluateWithSigintListenersOff(server: object, evaluate: (done: () => void) => void, isKept: (listener: Listener) => boolean, signals: SigintListeners = process): void {
  let listeners: Listener[] | null = null;
  const done = (): void => {
    if (listeners === null) return;
    const taken = listeners;
    listeners = null;
    putSigintListenersBack(taken, isKept, signals);
  };
  let isTaken = false;
  Object.defineProperty(server, 'breakEvalOnSigint', {
    configurable: true,
    get: () => {
      if (!isTaken) {
        isTaken = true;
        listeners = takeSigintListenersOff(signals);
      }
      return true;
    },
  });
  try {
    evaluate(done);
  } finally {
    Object.defineProperty(server, 'breakEvalOnSigint', { configurable: true, enumerable: true, writable: true, value: true });
    done();
  }
}
