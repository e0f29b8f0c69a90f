import { checkMeasureOptions, checkMeasureTarget } from './check-options.ts';
import type { MeasureOptions } from './options.ts';
import type { CommandReport } from './report.ts';
import { runProgram as runChecked, type RunHooks } from './run-program.ts';
import { prepareWindow as prepareChecked, type MeasurementWindow } from './window.ts';

/**
 * runProgram and prepareWindow as the library hands them out (src/index.ts): their arguments
 * checked first (check-options.ts), as a JavaScript caller's may be anything. perfcell's own
 * callers (`run`, each cell's and each REPL line's window, measure()) pass options they have
 * made or checked, and call the functions themselves, without the check on every window.
 */

/** See session/run-program.ts runProgram. */
export async function runProgram(command: readonly string[], options: MeasureOptions = {}, hooks?: RunHooks): Promise<CommandReport> {
  checkMeasureTarget(command, 'runProgram');
  checkMeasureOptions(options);
  return runChecked(command, options, hooks);
}

/** See session/window.ts prepareWindow. */
export function prepareWindow(pid: number, options: MeasureOptions = {}, attachPerf?: Parameters<typeof prepareChecked>[2]): MeasurementWindow {
  checkMeasureOptions(options);
  return prepareChecked(pid, options, attachPerf);
}
