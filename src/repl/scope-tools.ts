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
 * Calls `listener` at each interruption (the REPL's Ctrl-C) until the function it returns is called;
 * with the signal where it is one perfcell caught (a file's cells: session/interruption.ts).
 */
export type OnInterrupt = (listener: (interruption?: Interruption) => void) => () => void;

/** A node:repl server's interruptions: its 'SIGINT' (a terminal's Ctrl-C, the kernel's interrupt of an awaiting cell). */
export function interruptsOf(server: REPLServer): OnInterrupt {
  return (listener) => {
    server.on('SIGINT', listener);
    return () => void server.off('SIGINT', listener);
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
 * interruption that names its signal (a file's cells) stops a compare with an InterruptedError,
 * and `show` is given the runs it had measured (timeit's are its result, shown as any result).
 */
export function createScopeTools(measure: () => MeasureOptions = () => ({}), show?: (text: string) => void, onInterrupt?: OnInterrupt): ScopeTools {
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
      return printable(await untilInterrupted(options, (signal) => timeit(fn, { ...defaults(), ...options, ...signal })), renderTimeit, show);
    },
    async compare(alternatives, options = {}) {
      refuseUnknownOptions(options, COMPARE_OPTIONS, 'perfcell.compare');
      const [{ compareInProcess }, { renderInProcessCompare }] = await Promise.all([
        import('../session/compare-inprocess.ts'),
        import('../render/compare-inprocess-text.ts'),
      ]);
      // interrupted, the comparison throws; the runs it measured are shown first, where results are shown as they end
      const showPartial = show === undefined ? undefined : (partial: InProcessCompareResult): void => show(renderInProcessCompare(partial));
      return printable(await untilInterrupted(options, (signal) => compareInProcess(alternatives, { ...defaults(), ...options, ...signal }, showPartial)), renderInProcessCompare, show);
    },
  };

  /** Runs a timing with the caller's signal, and with an interruption's too where the session has them. */
  async function untilInterrupted<T>(options: { readonly signal?: AbortSignal }, timing: (signal: { signal?: AbortSignal }) => Promise<T>): Promise<T> {
    // a signal that is none is the timing's to refuse, by its option rules
    if (onInterrupt === undefined || (options.signal !== undefined && !(options.signal instanceof AbortSignal))) return timing({});
    // the caller's signal joins by hand: AbortSignal.any() came in Node 20.3, and perfcell takes any Node 20
    const stopped = new AbortController();
    const stop = (): void => stopped.abort(options.signal?.reason);
    const stopListening = onInterrupt((interruption) => stopped.abort(interruption === undefined ? undefined : new InterruptedError(interruption)));
    if (options.signal?.aborted === true) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    try {
      return await timing({ signal: stopped.signal });
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
