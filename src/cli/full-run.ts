/**
 * Whether this process's run went through its command's whole code: the command ran to its end
 * (not `--help`, not a usage error: main.ts marks it once the command's action has returned), and
 * not with --no-perf, which compiles none of perf's code. The lane loader keeps a V8 code cache
 * made by such a run over one made by any other (lane-loader.ts). The bin and a lane are bundled
 * apart, each with its own copy of this module, so the mark is a global of the process
 * (`Symbol.for`), not this module's state.
 */
const FULL_RUN = Symbol.for('perfcell.fullRun');

export function markFullRun(): void {
  (globalThis as Record<symbol, unknown>)[FULL_RUN] = true;
}

export function wasFullRun(): boolean {
  return (globalThis as Record<symbol, unknown>)[FULL_RUN] === true;
}
