/**
 * `perfcell cells`' lane (see bin.ts and lane-loader.ts): the command line with the cells command
 * only, one CommonJS file compiled with a V8 code cache. Loaded as chunks through Node's ESM
 * loader, its modules cost ~45 ms before the first cell (a one-cell file: 130 ms with --no-perf,
 * against 83 ms for `run -- true`).
 */
import './cells-early.ts';
import { main } from '../main.ts';
import { registerCells } from '../commands/cells.ts';
import { discardEarlyPerfGroup } from '../../perf/perf-group-launcher.ts';

// a usage error, --help, or a file whose cells took no group of one: the early perf ends, reaped
void main(process.argv, async (name) => (name === 'cells' ? registerCells : undefined)).then(() => discardEarlyPerfGroup());
