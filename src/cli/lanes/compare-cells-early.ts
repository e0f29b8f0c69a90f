/**
 * The first module `perfcell compare`'s lane evaluates (./compare.ts imports it first): for a
 * comparison of cells (`compare FILE --cells A B`), the launcher of their shared perf is spawned
 * before the rest of the lane's modules run, its perf exec'd and held at main() while perfcell
 * loads, as cells' lane does (cells-early.ts). Not for commands (their perfs count the program
 * server's forker: session/program-server.ts), nor where the command line says --no-perf, nor
 * with PERFCELL_SHARED_PERF=0.
 */
import { beforeCommand, saysNoPerf } from '../argv.ts';
import { armEarlyPerfGroup } from '../../perf/perf-group-launcher.ts';
import { sharedPerfWanted } from '../../perf/shared-perf-wanted.ts';

const comparesCells = beforeCommand(process.argv).some((arg) => arg === '--cells' || arg.startsWith('--cells='));
if (comparesCells && !saysNoPerf(process.argv) && sharedPerfWanted()) armEarlyPerfGroup();
