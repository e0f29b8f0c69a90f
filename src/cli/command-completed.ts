/**
 * Whether this process's command ran to its end: not `--help`, not a usage error (main.ts marks it
 * once the command's action has returned). The lane loader keeps a V8 code cache made by such a
 * run, which compiled the command's own code, over one made by a run that stopped at its options
 * (lane-loader.ts). The bin and a lane are bundled apart, each with its own copy of this module, so
 * the mark is a global of the process (`Symbol.for`), not this module's state.
 */
const COMPLETED = Symbol.for('perfcell.commandCompleted');

export function markCommandCompleted(): void {
  (globalThis as Record<symbol, unknown>)[COMPLETED] = true;
}

export function commandCompleted(): boolean {
  return (globalThis as Record<symbol, unknown>)[COMPLETED] === true;
}
