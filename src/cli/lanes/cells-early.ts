/**
 * The first module `perfcell cells`' lane evaluates (./cells.ts imports it first): the launcher of
 * the file's shared perf (one perf for all its cells: perf-pool.ts, sharedPerfStarter) is spawned
 * before the rest of the lane's modules run, its perf exec'd and held at main() while perfcell
 * loads (perf/perf-group-launcher.ts, armEarlyPerfGroup). Not where the command line says
 * --no-perf, nor with PERFCELL_SHARED_PERF=0. Cells that cannot share a perf (-M) end it unused.
 */
import { saysNoPerf } from '../argv.ts';
import { armEarlyPerfGroup } from '../../perf/perf-group-launcher.ts';
import { sharedPerfWanted } from '../../perf/shared-perf-wanted.ts';

if (!saysNoPerf(process.argv) && sharedPerfWanted()) armEarlyPerfGroup();
