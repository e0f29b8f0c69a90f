import { isIgnoredSignal } from './ignored-signals.ts';

/** The signals that stop perfcell (interruption.ts holds them once a command runs). */
const STOPS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Listens for a Ctrl-C, SIGTERM or SIGHUP that comes before a command holds the signals itself
 * (interruption.ts), while perfcell still loads and has made cgroups for what it starts early (the
 * early gate of `run`, compare's early server, doctor's probe): with no listener, Node's default
 * action ended perfcell at once, without a word and its exit hooks unrun, and those cgroups stayed
 * behind (perfcell-NS-PID-N). `onStop` is called once, with the signal; it cleans up, then calls
 * `endBySignal`. With `yieldToHold` (the default), only where nothing else listens for it by then:
 * a command that holds the signals stops and cleans up itself. Not for a signal that had a listener
 * when this was called: one perfcell was started with ignored (nohup's SIGHUP), or one another
 * listener has. Returns the function that stops listening (safe twice).
 */
export function listenForStopsBeforeHold(onStop: (signal: NodeJS.Signals) => void, { yieldToHold = true }: { readonly yieldToHold?: boolean } = {}): () => void {
  const held = STOPS.filter((signal) => !isIgnoredSignal(signal) && process.listenerCount(signal) === 0);
  const stopListening = (): void => {
    for (const signal of held) process.off(signal, heard);
  };
  const heard = (signal: NodeJS.Signals): void => {
    stopListening();
    if (!yieldToHold || process.listenerCount(signal) === 0) onStop(signal);
  };
  for (const signal of held) process.on(signal, heard);
  return stopListening;
}

/** Says the stop and ends perfcell by the signal's default action, as it would have ended. */
export function endBySignal(signal: NodeJS.Signals): void {
  process.stderr.write(`error: interrupted by ${signal}\n`);
  process.kill(process.pid, signal);
}
