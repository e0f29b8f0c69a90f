/**
 * The first module `perfcell cells`' lane evaluates (./cells.ts imports it first): where the file's
 * cells will share one perf (up to CELLS_PER_PERF of them), the launcher of that perf is spawned
 * before the rest of the lane's modules run, its perf exec'd and held at main() while perfcell
 * loads (perf/perf-group-launcher.ts, armEarlyPerfGroup). Not where the command line says
 * --no-perf, nor with PERFCELL_SHARED_PERF=0; a larger file's group of perfs is started as before.
 */
import { readFileSync } from 'node:fs';
import { beforeCommand, saysNoPerf } from '../argv.ts';
import { extensionOf, isCellFileExtension, splitCells } from '../../../parsers/cells.ts';
import { splitNotebook } from '../../../parsers/notebook.ts';
import { CELLS_PER_PERF } from '../../experiment/cells-per-perf.ts';
import { armEarlyPerfGroup } from '../../perf/perf-group-launcher.ts';

/** The cells of the file perfcell's options name last, or undefined where none can be read. */
function cellsOfFile(args: readonly string[]): number | undefined {
  // the last word whose extension is one `cells` runs (a file with none cannot be told from an option's value here)
  const file = args.findLast((arg) => isCellFileExtension(extensionOf(arg) ?? ''));
  if (file === undefined) return undefined;
  try {
    const text = readFileSync(file, 'utf8');
    if (!file.endsWith('.ipynb')) return splitCells(text).length;
    const parsed = splitNotebook(text);
    return 'notebook' in parsed ? parsed.notebook.cells.length : undefined;
  } catch {
    return undefined;
  }
}

if (!saysNoPerf(process.argv) && process.env['PERFCELL_SHARED_PERF'] !== '0' && (cellsOfFile(beforeCommand(process.argv).slice(2)) ?? 0) <= CELLS_PER_PERF) armEarlyPerfGroup();
