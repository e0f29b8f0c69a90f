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
 * kernel's cells run their code so. Not a wrapper of the eval: node:repl cuts a throw's stack below
 * its last frame without a function name (the line's own), and a wrapper's callback may be one.
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
