import type { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => void;

/**
 * Keeps readline from redrawing its prompt line when the terminal is resized while a command runs
 * (between the gate's 'hold' and 'release'). readline answers every 'resize' of its output by
 * writing the prompt and the line typed so far, at once: perfcell prints a command's value and
 * report after awaits, so a resize during a command wrote the old prompt among them, and a 2 s
 * loop resized on its way read "In [1]: undefined", or "In [1]: In [1] used 9.4 MiB RAM …" (a QA
 * pass). The next prompt is drawn for the new size anyway. `listeners`: readline's, those its
 * REPL added to `output`.
 */
export function deferResizeRedraws(output: EventEmitter, listeners: readonly Listener[], gate: EventEmitter): void {
  let isDeferred = false;
  gate.on('hold', () => {
    if (isDeferred) return;
    isDeferred = true;
    for (const listener of listeners) output.off('resize', listener);
  });
  gate.on('release', () => {
    if (!isDeferred) return;
    isDeferred = false;
    for (const listener of listeners) output.on('resize', listener);
  });
}

/** The 'resize' listeners `start()` adds to `output` (readline's, as node:repl starts it). */
export function resizeListenersAddedBy<T>(output: EventEmitter, start: () => T): { readonly result: T; readonly listeners: Listener[] } {
  const before = new Set(output.listeners('resize'));
  const result = start();
  return { result, listeners: output.listeners('resize').filter((listener) => !before.has(listener)) as Listener[] };
}
