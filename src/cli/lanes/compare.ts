/**
 * `perfcell compare`'s lane (see bin.ts and lane-loader.ts): the command line with the compare
 * command only, built into one CommonJS file and compiled with a V8 code cache. Loaded as chunks,
 * compare's modules cost some 90 ms before its first run (compare --help: 160 ms against 70 ms
 * for --version on this VM), more than the runs of a short comparison.
 */
import './compare-commands-early.ts';
import './compare-cells-early.ts';
import { main } from '../main.ts';
import { registerCompare } from '../commands/compare.ts';
import { discardEarlyPerfGroup } from '../../perf/perf-group-launcher.ts';
import { discardEarlyWarmups } from '../../session/serve-process.ts';

// a usage error, --help, or cells that took no perf of their own (-M): the early perf ends, reaped;
// so does an early server no comparison took
void main(process.argv, async (name) => (name === 'compare' ? registerCompare : undefined)).then(() => Promise.all([discardEarlyPerfGroup(), discardEarlyWarmups()]));
