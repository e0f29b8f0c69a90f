import { constants } from 'node:os';
import type { REPLServer } from 'node:repl';
import { inspect } from 'node:util';
import { COMPARE_OPTIONS, refuseUnknownOptions, TIMEIT_OPTIONS } from '../known-options.ts';
import type { MeasureOptions } from '../session/options.ts';
import type { TimeitOptions, TimeitResult } from '../session/timeit.ts';
import type { InProcessCompareOptions, InProcessCompareResult } from '../session/compare-inprocess.ts';
import { InterruptedError, type Interruption } from '../session/interruption.ts';

/** `perfcell.timeit` and `perfcell.compare` as the REPL, cells and the kernel offer them in scope. */
export interface ScopeTools {
  /** IPython's %timeit with counters and GC: `await perfcell.timeit(() => Math.sqrt(2), { runs: 7 })`. */
  timeit(fn: () => unknown, options?: TimeitOptions): Promise<TimeitResult>;
  /** compare's statistics and verdicts for functions, interleaved: `await perfcell.compare({ a, b }, { runs: 10 })`. */
  compare(alternatives: Readonly<Record<string, () => unknown>>, options?: InProcessCompareOptions): Promise<InProcessCompareResult>;
}

/**
 * Calls `listener` at each interruption until the function it returns is called, with the signal:
 * one perfcell caught (a file's cells: session/interruption.ts), or SIGINT for a REPL's Ctrl-C.
 */
export type OnInterrupt = (listener: (interruption: Interruption) => void) => () => void;

/** Ctrl-C as node:repl names it ('Script execution was interrupted by `SIGINT`'), key or signal. */
const REPL_INTERRUPTION: Interruption = { signal: 'SIGINT', number: constants.signals.SIGINT };

/** A node:repl server's interruptions: its 'SIGINT' (a terminal's Ctrl-C, the kernel's interrupt of an awaiting cell). */
export function interruptsOf(server: REPLServer): OnInterrupt {
  return (listener) => {
    const onSigint = (): void => listener(REPL_INTERRUPTION);
    server.on('SIGINT', onSigint);
    return () => void server.off('SIGINT', onSigint);
  };
}

/**
 * The tools, bound to the session's perf set-up (`.events`, `.interval`) unless a call names its
 * own. They are loaded on first use: the REPL's process keeps what it loads small. A result
 * prints as its text (IPython's %timeit line plus the counters; the comparison's verdicts) and
 * stays data for code. `show`, where values are not printed (a file's cells), is given that text
 * as each call ends, as IPython's %timeit prints its line wherever it runs. `onInterrupt`: an
 * interruption stops a timeit after the batch it falls into, as its `signal` would. node:repl
 * answers Ctrl-C in a line that awaits by rejecting the line's promise, and leaves the work it
 * awaited running: a timeit went on behind the prompt, batch after batch (a QA pass). An
 * interruption stops a compare with an InterruptedError, and `show` is given the runs it had
 * measured (timeit's are its result, shown as any result). `showInterrupted`, where results are
 * printed as the line's value (the REPL, the kernel), is given the same text of a timing an
 * interruption stopped: node:repl has ended the line at the Ctrl-C, so its value is printed
 * nowhere, and the batches or runs measured were lost (a QA pass).
 */
export function createScopeTools(measure: () => MeasureOptions = () => ({}), show?: (text: string) => void, onInterrupt?: OnInterrupt, showInterrupted?: (text: string) => void): ScopeTools {
  const defaults = (): Pick<MeasureOptions, 'events' | 'intervalMs' | 'perf' | 'perfPath'> => {
    const current = measure();
    return {
      ...(current.events === undefined ? {} : { events: current.events }),
      ...(current.intervalMs === undefined ? {} : { intervalMs: current.intervalMs }),
      ...(current.perf === undefined ? {} : { perf: current.perf }),
      ...(current.perfPath === undefined ? {} : { perfPath: current.perfPath }),
    };
  };
  return {
    async timeit(fn, options = {}) {
      // the caller's names, before the session's are added
      refuseUnknownOptions(options, TIMEIT_OPTIONS, 'perfcell.timeit');
      const [{ timeit }, { renderTimeit }] = await Promise.all([import('../session/timeit.ts'), import('../render/timeit-text.ts')]);
      const { value, isInterrupted } = await untilInterrupted(options, (signal) => timeit(fn, { ...defaults(), ...options, ...signal }));
      return printable(value, renderTimeit, show ?? (isInterrupted ? showInterrupted : undefined));
    },
    async compare(alternatives, options = {}) {
      refuseUnknownOptions(options, COMPARE_OPTIONS, 'perfcell.compare');
      const [{ compareInProcess }, { renderInProcessCompare }] = await Promise.all([
        import('../session/compare-inprocess.ts'),
        import('../render/compare-inprocess-text.ts'),
      ]);
      // interrupted, the comparison throws; the runs it measured are shown first, where results are
      // shown as they end, or where the interrupted line's value would have been
      const showStopped = show ?? showInterrupted;
      const showPartial = showStopped === undefined ? undefined : (partial: InProcessCompareResult): void => showStopped(renderInProcessCompare(partial));
      const { value } = await untilInterrupted(options, (signal) => compareInProcess(alternatives, { ...defaults(), ...options, ...signal }, showPartial));
      return printable(value, renderInProcessCompare, show);
    },
  };

  /**
   * Runs a timing with the caller's signal, and with an interruption's too where the session has
   * them; `isInterrupted`: an interruption stopped it (the caller's signal did not, first).
   */
  async function untilInterrupted<T>(options: { readonly signal?: AbortSignal }, timing: (signal: { signal?: AbortSignal }) => Promise<T>): Promise<{ value: T; isInterrupted: boolean }> {
    // a signal that is none is the timing's to refuse, by its option rules
    if (onInterrupt === undefined || (options.signal !== undefined && !(options.signal instanceof AbortSignal))) return { value: await timing({}), isInterrupted: false };
    // the caller's signal joins by hand: AbortSignal.any() came in Node 20.3, and perfcell takes any Node 20
    const stopped = new AbortController();
    let isInterrupted = false;
    const stop = (): void => stopped.abort(options.signal?.reason);
    const stopListening = onInterrupt((interruption) => {
      if (stopped.signal.aborted) return;
      isInterrupted = true;
      stopped.abort(new InterruptedError(interruption));
    });
    if (options.signal?.aborted === true) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    try {
      return { value: await timing({ signal: stopped.signal }), isInterrupted };
    } finally {
      stopListening();
      options.signal?.removeEventListener('abort', stop);
    }
  }
}

/** The REPL's writer (util.inspect) prints the text; JSON.stringify and property reads see the data. */
function printable<T extends object>(result: T, render: (result: T) => string, show?: (text: string) => void): T {
  Object.defineProperty(result, inspect.custom, { value: () => render(result), enumerable: false });
  show?.(render(result));
  return result;
}
